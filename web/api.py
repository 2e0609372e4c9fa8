"""The JSON API: ask the bot."""
from flask import Blueprint, current_app, jsonify, request

from bot import InvalidQuestion

bp = Blueprint("api", __name__, url_prefix="/api")


def _error(message, status):
    return jsonify({"error": message}), status


@bp.post("/ask")
def ask():
    """Return the bot's reply to {"question": "...", "lang": optional}."""
    if not request.is_json:
        return _error("send JSON with the header Content-Type: application/json", 415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error("the body is not a JSON object", 400)
    bot = current_app.extensions["dalil"]
    try:
        reply = bot.ask(data.get("question", ""), lang=data.get("lang"))
    except InvalidQuestion as error:
        return _error(str(error), 400)
    return jsonify({
        "action": reply.action,
        "article_id": reply.article_id,
        "title": reply.title,
        "text": reply.text,
        "lang": reply.lang,
        "reason": reply.reason,
        "confidence": reply.confidence,
        "candidates": [{"article_id": aid, "score": score,
                        "title": bot.article(aid, reply.lang).title}
                       for aid, score in reply.candidates],
    })


@bp.errorhandler(413)
def too_large(error):
    return _error("the request is too large", 413)
