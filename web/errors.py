"""Every error answered from one place: JSON ``{"error": "…"}`` under /api/, an HTML page
(in the reader's language, with a search box) elsewhere; never a traceback.

Views raise ``ApiError(message, status)`` for what a client did wrong, or ``abort(code)``
on pages; ``register(app)`` installs the handlers.

Storage trouble — the disk full, the database read-only or failing, the write lock held
past the busy timeout, a PostgreSQL server unreachable or restarting (the store raises
bot.store.StorageUnavailable for either backend) — is not a bug: it answers 503 with Retry-After
and says so in the request's language, and nothing was stored (a write transaction is
all or nothing), so the client may send again. Writes a response does not need (a view
or a search logged) run under ``best_effort`` and are skipped instead.
"""
import contextlib
import sqlite3

from flask import current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from bot.store.errors import StorageUnavailable, sqlite_trouble

from .i18n import chosen_lang, t

__all__ = ["ApiError", "json_error", "storage_trouble", "best_effort",
           "forget_connection", "register", "STORAGE_ERRORS"]


class ApiError(Exception):
    """An API request that cannot be done: ``message`` says why in words the caller
    understands; ``status`` is the HTTP status (4xx); ``retry_after`` (seconds) becomes
    the Retry-After header; ``extra`` fields join the JSON body (e.g. ``holder``)."""

    def __init__(self, message, status=400, *, retry_after=None, **extra):
        super().__init__(message)
        self.message, self.status, self.retry_after, self.extra = (message, status,
                                                                     retry_after, extra)


def json_error(message, status, retry_after=None, **extra):
    """Return the API's error response: ``{"error": message, **extra}`` with ``status``."""
    response = jsonify({"error": message, **extra})
    response.status_code = status
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


# What the storage raises when it is in trouble: the store's own error (either backend),
# and SQLite's, which a statement outside the store's handle may still raise.
STORAGE_ERRORS = (StorageUnavailable, sqlite3.OperationalError)


def storage_trouble(error):
    """Return the seconds to wait (Retry-After) when ``error`` is the storage in trouble
    (full, read-only, failing, locked too long, the server unreachable); None for
    anything else (a bug, which stays a 500)."""
    if isinstance(error, StorageUnavailable):
        return error.retry_after
    return sqlite_trouble(error)


@contextlib.contextmanager
def best_effort(what):
    """Run a write the response does not need (``what``: a view or a search logged):
    when the storage is in trouble it is logged and skipped, so reading the help center
    still works on a full or read-only disk. Other errors are raised."""
    try:
        yield
    except STORAGE_ERRORS as error:
        if storage_trouble(error) is None:
            raise
        current_app.logger.warning("%s not stored (%s): %s", what, request.path, error)
        forget_connection()


def forget_connection():
    """Close the request's database connection (web/context.py's ``g.db``) after it met
    storage trouble, rather than have it lent again: SQLite opens a file it cannot
    write read-only, and such a connection stays read-only after the disk is fixed. A
    later get_db() opens another."""
    db = g.pop("db", None)
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()


def _is_api():
    return request.path.startswith("/api/")


def _api_error(error):
    return json_error(error.message, error.status, error.retry_after, **error.extra)


def _http_error(error):
    if _is_api():
        return json_error(error.description if error.code != 404 else "not found", error.code)
    if error.code == 400 and error.description == "csrf":
        key = "csrf_failed"
    else:
        key = {404: "not_found", 400: "bad_request"}.get(error.code, "error")
    return render_template("error.html", key=key, code=error.code), error.code


def _storage_error(error):
    wait = storage_trouble(error)
    if wait is None:
        return _server_error(error)
    current_app.logger.warning("storage trouble on %s %s: %s", request.method, request.path,
                               error)
    forget_connection()
    lang = g.get("lang") or chosen_lang()
    if _is_api():
        response = json_error(t("unavailable_api", lang), 503, wait)
    else:
        response = current_app.make_response(
            (render_template("error.html", key="unavailable", code=503), 503))
        response.headers["Retry-After"] = str(wait)
    # An answer for this moment only: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _server_error(error):
    current_app.logger.exception("unhandled error on %s", request.path)
    if _is_api():
        return json_error("internal error", 500)
    return render_template("error.html", key="error", code=500), 500


def register(app):
    """Install the error handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    for storage_error in STORAGE_ERRORS:
        app.register_error_handler(storage_error, _storage_error)
    app.register_error_handler(Exception, _server_error)
