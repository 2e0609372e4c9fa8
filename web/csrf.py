"""A small CSRF guard for the site's HTML forms: one random token per session.

The token lives in Flask's signed session cookie and in a hidden field of each form;
a POST whose field does not match is refused. The JSON API needs no token: it only
accepts ``Content-Type: application/json``, which a cross-site form cannot send and a
cross-site script can only send after a CORS preflight that this app never grants.
"""
import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"


def token():
    """Return this session's CSRF token, creating it on first use."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def valid():
    """Return whether the current request's form carries this session's token."""
    expected = session.get(FIELD)
    sent = request.form.get(FIELD, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())


def protect():
    """Abort with 400 unless the current request's form carries the session's token."""
    if not valid():
        abort(400, description="csrf")
