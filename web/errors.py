"""Every error answered from one place: JSON ``{"error": "…"}`` under /api/, an HTML page
(in the reader's language, with a search box) elsewhere; never a traceback.

Views raise ``ApiError(message, status)`` for what a client did wrong, or ``abort(code)``
on pages; ``register(app)`` installs the handlers.
"""
from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

__all__ = ["ApiError", "json_error", "register"]


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


def _server_error(error):
    current_app.logger.exception("unhandled error on %s", request.path)
    if _is_api():
        return json_error("internal error", 500)
    return render_template("error.html", key="error", code=500), 500


def register(app):
    """Install the error handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
