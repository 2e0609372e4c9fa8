"""Reading what a request sends: its JSON body, whole-number ids in the path, and text
fields — each refused with a clear ApiError (or a 404 id) rather than a 500."""
from flask import request

from .errors import ApiError

__all__ = ["json_body", "numeric_id", "text_field", "row_id", "MAX_ID"]

# SQLite's (and PostgreSQL's bigint) largest row id: a bigger number is no row's id, and
# binding it would overflow.
MAX_ID = 2 ** 63 - 1


def json_body(allow_empty=False):
    """Return the request's JSON object; with ``allow_empty`` an empty body is ``{}``.
    Raise ApiError: 415 when it is not ``Content-Type: application/json``, 400 when it
    is not valid JSON or not an object."""
    if allow_empty and not request.content_length and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise ApiError("send JSON with the header Content-Type: application/json", 415)
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError("the body is not valid JSON")
    if not isinstance(data, dict):
        raise ApiError("the body is not a JSON object")
    return data


def text_field(data, key, limit):
    """Return ``data[key]`` stripped ("" when missing); raise ApiError when it is not
    text or longer than ``limit`` characters."""
    value = data.get(key) or ""
    if not isinstance(value, str):
        raise ApiError(f"{key} must be text")
    value = value.strip()
    if len(value) > limit:
        raise ApiError(f"{key} is too long (the limit is {limit} characters)")
    return value


def row_id(value):
    """Return ``value`` (text of ASCII digits, or an int) as a row id, or None when it
    is not a whole number from 0 to MAX_ID ("²", "-1", "1e3", 10**20, True)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        return None
    return value


def numeric_id(name):
    """Return a url_value_preprocessor that turns the view argument ``name`` into an
    int, or -1 — an id nobody has, which views answer with 404 — when it is not a row
    id. (The rules keep a plain <name>: the OpenAPI test matches them by name.)"""
    def preprocess(endpoint, values):
        value = (values or {}).get(name)
        if isinstance(value, str):
            found = row_id(value)
            values[name] = -1 if found is None else found
    return preprocess
