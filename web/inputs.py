"""Reading what a request sends: its JSON body, whole-number ids in the path, and text
fields — each refused with a clear ApiError (or a 404 id) rather than a 500.

Every JSON body is read here (json_body): nothing else in web/ calls request.get_json,
so a body nested too deeply is a 400 on every route. Every text field goes through
bot.clean.clean_text, which says what is refused and what removed."""
from flask import request

from bot.clean import UncleanText, clean_text

from .errors import ApiError

__all__ = ["json_body", "numeric_id", "text_field", "row_id", "MAX_ID", "MAX_JSON_DEPTH"]

# SQLite's (and PostgreSQL's bigint) largest row id: a bigger number is no row's id, and
# binding it would overflow.
MAX_ID = 2 ** 63 - 1
# Every body the API takes is one flat object; a deep one is an attack. Past Python's
# recursion limit (about 1000 levels) the parser itself fails, and repr() of a value a
# few hundred levels deep fails in an error message, so refuse long before either.
MAX_JSON_DEPTH = 20


def _depth(value):
    """Return how deeply ``value`` (parsed JSON) nests lists and objects (without
    recursing: the value may be deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend((item, depth + 1) for item in
                             (value.values() if isinstance(value, dict) else value))
    return deepest


def json_body(allow_empty=False):
    """Return the request's JSON object; with ``allow_empty`` an empty body is ``{}``.
    Raise ApiError: 415 when it is not ``Content-Type: application/json``, 400 when it
    is not valid JSON, nests deeper than MAX_JSON_DEPTH or is not an object."""
    if allow_empty and not request.content_length and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise ApiError("send JSON with the header Content-Type: application/json", 415)
    try:
        data = request.get_json(silent=True)
        too_deep = _depth(data) > MAX_JSON_DEPTH
    except RecursionError:  # the parser gives up past Python's recursion limit
        too_deep = True
    if too_deep:
        raise ApiError(f"the body is nested too deeply (the limit is {MAX_JSON_DEPTH} levels)")
    if data is None:
        raise ApiError("the body is not valid JSON")
    if not isinstance(data, dict):
        raise ApiError("the body is not a JSON object")
    return data


def text_field(data, key, limit, lines=False):
    """Return ``data[key]`` cleaned by bot.clean.clean_text ("" when missing or empty):
    stripped, bidi controls removed. Raise ApiError when it is not text, holds
    undecodable or control characters (tab and line breaks only with ``lines``), or
    is longer than ``limit`` characters."""
    try:
        return clean_text(data.get(key) or None, key, limit=limit, lines=lines)
    except UncleanText as error:
        raise ApiError(str(error)) from None


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
