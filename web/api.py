"""The JSON API: search, articles, feedback and the bot. A contract: see
/api/openapi.json. Errors are {"error": "..."} with a 4xx status, whatever the input
(503 with Retry-After when storing feedback meets storage trouble; searches and
questions are logged best effort, so they are answered whatever the disk says)."""
from flask import Blueprint, current_app, jsonify, request

from bot import InvalidQuestion, store

from . import openapi
from .context import get_bot, get_db
from .errors import ApiError, best_effort
from .i18n import LANGS
from .inputs import json_body, row_id, text_field
from .payloads import article_json, reply_json, search_results_json

bp = Blueprint("api", __name__, url_prefix="/api")


def _lang(value):
    """Return ``value`` (None, "ar" or "en"); raise ApiError for anything else."""
    if value is not None and value not in LANGS:
        raise ApiError(f"unknown lang {value!r}: use ar or en")
    return value


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
    limit = row_id(request.args.get("limit", str(config["SEARCH_LIMIT"])))
    if limit is None or not 1 <= limit <= config["MAX_SEARCH_LIMIT"]:
        raise ApiError(f"limit must be a whole number from 1 to {config['MAX_SEARCH_LIMIT']}")
    bot = get_bot()
    try:
        question = bot.read(query)  # the text as stored: checked, bidi controls removed
        results = bot.search(question, lang=lang, limit=limit)
    except InvalidQuestion as error:
        raise ApiError(str(error)) from None
    lang = lang or (results[0].lang if results else "ar")
    source = "suggest" if request.args.get("source") == "suggest" else "api"
    with best_effort("a search"):
        store.record_search(get_db(), question.text, lang, len(results), source=source)
    return jsonify(search_results_json(results, lang))


@bp.get("/articles/<article_id>")
def article(article_id):
    """Return one article: title, rendered HTML, language, translations, last update."""
    lang = _lang(request.args.get("lang")) or "ar"
    shown = get_bot().article(article_id, lang)
    if shown is None:
        raise ApiError(f"unknown article {article_id!r}", 404)
    return jsonify(article_json(shown, lang))


@bp.post("/articles/<article_id>/feedback")
def feedback(article_id):
    """Store {"helpful": true|false, "comment": optional, "lang": optional}."""
    data = json_body()
    lang = _lang(data.get("lang"))
    shown = get_bot().article(article_id, lang or "ar")
    if shown is None:
        raise ApiError(f"unknown article {article_id!r}", 404)
    helpful = data.get("helpful")
    if not isinstance(helpful, bool):
        raise ApiError("helpful must be true or false")
    comment = text_field(data, "comment", store.MAX_COMMENT_LENGTH, lines=True)
    row = store.record_feedback(get_db(), article_id, lang or shown.lang, helpful, comment)
    return jsonify({"ok": True, "id": row}), 201


@bp.post("/ask")
def ask():
    """Return the bot's reply to {"question": "...", "lang": optional}."""
    data = json_body()
    bot = get_bot()
    try:
        question = bot.read(data.get("question", ""))
        reply = bot.ask(question, lang=data.get("lang"))
    except InvalidQuestion as error:
        raise ApiError(str(error)) from None
    # The insights' API channel (bot/desk/insights): nothing else records these questions.
    with best_effort("a question"):
        store.record_ask(get_db(), question.text, reply.lang, reply.action,
                         reply.article_id, reply.reason)
    return jsonify(reply_json(reply))


@bp.get("/openapi.json")
def openapi_json():
    """Return the OpenAPI 3 description of this API."""
    return jsonify(openapi.SPEC)
