"""The JSON API: search, articles, feedback and the bot. A contract: see
/api/openapi.json. Errors are {"error": "..."} with a 4xx status, whatever the input."""
import os

from flask import Blueprint, current_app, jsonify, request, url_for

from bot import InvalidQuestion, store

from . import openapi
from .db import get_db
from .help_center import _updated, article_html
from .i18n import LANGS

bp = Blueprint("api", __name__, url_prefix="/api")


class ApiError(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def error_response(message, status):
    return jsonify({"error": message}), status


@bp.errorhandler(ApiError)
def _api_error(error):
    return error_response(error.message, error.status)


def _bot():
    return current_app.extensions["dalil"]


def _lang(value, required=False):
    if value is None and not required:
        return None
    if value not in LANGS:
        raise ApiError(f"unknown lang {value!r}: use ar or en")
    return value


def _json_body():
    """Return the request's JSON object, or raise ApiError (415 / 400)."""
    if not request.is_json:
        raise ApiError("send JSON with the header Content-Type: application/json", 415)
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError("the body is not valid JSON")
    if not isinstance(data, dict):
        raise ApiError("the body is not a JSON object")
    return data


def _article_url(article_id, lang):
    return url_for("help_center.article", lang=lang, article_id=article_id)


@bp.get("/search")
def search():
    """Return {"results": [...]} for ?q=…&lang=…&limit=…"""
    config = current_app.config
    query = request.args.get("q", "")
    if not query.strip():
        raise ApiError("the parameter q is required: what to search for")
    if len(query) > config["MAX_QUERY_LENGTH"]:
        raise ApiError(f"q is too long ({len(query)} characters; the limit is "
                       f"{config['MAX_QUERY_LENGTH']})")
    lang = _lang(request.args.get("lang"))
    limit = request.args.get("limit", str(config["SEARCH_LIMIT"]))
    if not limit.isascii() or not limit.isdigit() or not 1 <= int(limit) <= config["MAX_SEARCH_LIMIT"]:
        raise ApiError(f"limit must be a whole number from 1 to {config['MAX_SEARCH_LIMIT']}")
    try:
        results = _bot().search(query, lang=lang, limit=int(limit))
    except InvalidQuestion as error:
        raise ApiError(str(error)) from None
    lang = lang or (results[0].lang if results else "ar")
    source = "suggest" if request.args.get("source") == "suggest" else "api"
    store.record_search(get_db(), query.strip(), lang, len(results), source=source)
    return jsonify({"results": [
        {"article_id": r.article_id, "title": r.title, "snippet": r.snippet,
         "url": _article_url(r.article_id, lang), "score": r.score, "lang": r.lang}
        for r in results]})


@bp.get("/articles/<article_id>")
def article(article_id):
    """Return one article: title, rendered HTML, language, translations, last update."""
    lang = _lang(request.args.get("lang")) or "ar"
    bot = _bot()
    shown = bot.article(article_id, lang)
    if shown is None:
        raise ApiError(f"unknown article {article_id!r}", 404)
    folder = os.path.relpath(os.path.dirname(shown.path), current_app.config["ARTICLES"])
    return jsonify({
        "article_id": shown.id,
        "lang": shown.lang,
        "title": shown.title,
        "html": article_html(shown.body, lang, folder.replace(os.sep, "/")),
        "summary": shown.summary,
        "category": shown.category,
        "tags": list(shown.tags),
        "url": _article_url(shown.id, shown.lang),
        "updated": _updated(shown.path),
        "translations": [{"lang": other.lang, "title": other.title,
                          "url": _article_url(other.id, other.lang)}
                         for other in bot.versions(article_id).values()
                         if other.lang != shown.lang],
    })


@bp.post("/articles/<article_id>/feedback")
def feedback(article_id):
    """Store {"helpful": true|false, "comment": optional, "lang": optional}."""
    data = _json_body()
    lang = _lang(data.get("lang"))
    shown = _bot().article(article_id, lang or "ar")
    if shown is None:
        raise ApiError(f"unknown article {article_id!r}", 404)
    helpful = data.get("helpful")
    if not isinstance(helpful, bool):
        raise ApiError("helpful must be true or false")
    comment = data.get("comment") or ""
    if not isinstance(comment, str):
        raise ApiError("comment must be text")
    if len(comment) > store.MAX_COMMENT_LENGTH:
        raise ApiError(f"comment is too long (the limit is {store.MAX_COMMENT_LENGTH} characters)")
    row = store.record_feedback(get_db(), article_id, lang or shown.lang, helpful, comment)
    return jsonify({"ok": True, "id": row}), 201


@bp.post("/ask")
def ask():
    """Return the bot's reply to {"question": "...", "lang": optional}."""
    data = _json_body()
    bot = _bot()
    try:
        reply = bot.ask(data.get("question", ""), lang=data.get("lang"))
    except InvalidQuestion as error:
        raise ApiError(str(error)) from None
    # The insights' API channel (bot/insights.py): nothing else records these questions.
    store.record_ask(get_db(), bot.check_question(data["question"]), reply.lang, reply.action,
                     reply.article_id, reply.reason)
    return jsonify({
        "action": reply.action,
        "article_id": reply.article_id,
        "title": reply.title,
        "text": reply.text,
        "url": _article_url(reply.article_id, reply.lang) if reply.article_id else None,
        "lang": reply.lang,
        "reason": reply.reason,
        "confidence": reply.confidence,
        "candidates": [{"article_id": aid, "score": score,
                        "title": bot.article(aid, reply.lang).title,
                        "url": _article_url(aid, reply.lang)}
                       for aid, score in reply.candidates],
    })


@bp.get("/openapi.json")
def openapi_json():
    """Return the OpenAPI 3 description of this API."""
    return jsonify(openapi.SPEC)
