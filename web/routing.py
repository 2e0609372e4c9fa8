"""Small request helpers the chat and console blueprints share."""
from flask import g, request, url_for

from .i18n import query_args


def numeric_id(name):
    """Return a url_value_preprocessor that turns the view argument ``name`` into an
    int, or -1 — an id nobody has, which views answer with 404 — when it is not a whole
    number. (The rules keep a plain <name>: the OpenAPI test matches them by name.)"""
    def preprocess(endpoint, values):
        value = (values or {}).get(name)
        if value is not None:
            whole = value.isascii() and value.isdigit() and len(value) < 16
            values[name] = int(value) if whole else -1
    return preprocess


def switch_keeps_the_page():
    """Context: the language switch's URL, this page in the other language with its
    query kept (web/help_center.py's own switch keeps only ``q`` on its pages)."""
    if request.method != "GET" or not request.endpoint:
        return {}
    other = "en" if g.get("lang", "ar") == "ar" else "ar"
    args = {**(request.view_args or {}), **query_args(), "lang": other}
    return {"switch_url": url_for(request.endpoint, **args)}
