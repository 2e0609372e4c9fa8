"""The session cookie: Flask's signed cookie, with its signer made once per key.

Flask builds a new serializer (and so a new signer configuration) on every request, to
open the session and again to save it; that was a tenth of a millisecond of every
request's CPU, an API call that never uses the session included. The keys rarely
change (a new SECRET_KEY or fallback list means a restart), so the serializer is kept
until they do.
"""
from flask.sessions import SecureCookieSessionInterface

__all__ = ["SessionCookies"]


class SessionCookies(SecureCookieSessionInterface):
    """Flask's cookie sessions, with the signing serializer reused while the keys stay."""

    def __init__(self):
        self._serializer = None  # (the keys it signs with, the serializer)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._serializer
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]
