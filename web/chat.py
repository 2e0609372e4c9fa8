"""The customer chat: the /chat page, the embeddable /widget.js, and the conversation
API under /api/conversations (a contract: see the README).

A conversation is reached with its id and the token it was created with, sent as
``X-Conversation-Token``; a wrong or missing token gets 404, like a missing
conversation. These routes carry no cookies, so any site may embed the widget: they
answer CORS requests from every origin (the agents' API does not).
"""
import datetime
import re

from flask import (Blueprint, current_app, g, jsonify, render_template, request, url_for)

from bot import InvalidQuestion, chat, store
from bot.hours import BusinessHours

from . import ratelimit
from .db import get_db
from .routing import numeric_id, switch_keeps_the_page
from .i18n import LANGS, MESSAGES

bp = Blueprint("chat", __name__)

TOKEN_HEADER = "X-Conversation-Token"
# One @, something before it, a dot in the domain, no spaces or angle brackets: the
# shape every deliverable address has (RFC 5321 allows more; customers don't use it).
EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]+\.[^@\s<>\".]{2,}$")
MAX_NAME_LENGTH = 100
MAX_EMAIL_LENGTH = 254  # RFC 5321's longest path


class ChatApiError(Exception):
    def __init__(self, message, status=400, retry_after=None):
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


@bp.errorhandler(ChatApiError)
def _error(error):
    response = jsonify({"error": error.message})
    response.status_code = error.status
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.record_once
def _setup(state):
    # Fails at start-up, with the setting's value, when the hours cannot be read.
    config = state.app.config
    state.app.extensions["dalil_hours"] = BusinessHours.parse(
        config["BUSINESS_HOURS"], config["BUSINESS_TIMEZONE"])


@bp.after_request
def _cors(response):
    if request.path.startswith("/api/conversations"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = f"Content-Type, {TOKEN_HEADER}"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.headers["Access-Control-Max-Age"] = "3600"
    return response


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


bp.url_value_preprocessor(numeric_id("conversation_id"))
bp.context_processor(switch_keeps_the_page)


def _bot():
    return current_app.extensions["dalil"]


def _body():
    """Return the request's JSON object ({} for an empty body); raise ChatApiError."""
    if not request.content_length and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise ChatApiError("send JSON with the header Content-Type: application/json", 415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ChatApiError("the body is not a JSON object")
    return data


def _conversation(conversation_id):
    """Return the conversation the token opens, or raise 404."""
    conversation = store.get_conversation(get_db(), conversation_id,
                                          request.headers.get(TOKEN_HEADER) or "")
    if conversation is None:
        raise ChatApiError("no such conversation (or a wrong X-Conversation-Token)", 404)
    return conversation


def _limited(check, *args):
    try:
        check(get_db(), *args, _now())
    except ratelimit.Limited as limited:
        raise ChatApiError(str(limited), 429, retry_after=limited.seconds) from None


def _article(article_id, lang):
    article = _bot().article(article_id, lang) if article_id else None
    if article is None:
        return None
    return {"article_id": article.id, "title": article.title,
            "url": url_for("help_center.article", lang=lang, article_id=article.id)}


def message_json(message):
    """The API form of a stored message: bot messages carry /api/ask's reply fields."""
    data = message["data"]
    out = {"id": message["id"], "role": message["role"], "text": message["text"],
           "created": message["created"]}
    if message["role"] == "bot":
        lang = data.get("lang", "ar")
        answer = _article(data.get("article_id"), lang)
        out.update({
            "action": data.get("action"), "article_id": data.get("article_id"),
            "title": data.get("title", ""), "url": answer["url"] if answer else None,
            "lang": lang, "reason": data.get("reason"), "confidence": data.get("confidence"),
            "candidates": [{**(_article(aid, lang) or {"article_id": aid}), "score": score}
                           for aid, score in data.get("candidates", ())],
            "suggestions": [a for a in (_article(aid, lang)
                                        for aid in data.get("suggestions", ())) if a],
            "ask_feedback": bool(data.get("ask_feedback")),
        })
    elif message["role"] == "agent":
        out["agent"] = data.get("agent")
    elif message["role"] == "system":
        out["kind"] = data.get("kind")
        out["rating"] = bool(data.get("rating"))
    return out


def handoff_json(db, handoff):
    """What the customer may know of a handoff: no contact details, no agent notes."""
    if handoff is None:
        return None
    return {"id": handoff["id"], "status": handoff["status"],
            "position": store.queue_position(db, handoff["id"])}


def _state(db, conversation_id):
    handoff = store.latest_handoff(db, conversation_id)
    rated = (handoff is not None and handoff["status"] == "resolved"
             and store.is_rated(db, handoff["id"]))
    return {"handoff": handoff_json(db, handoff), "rated": rated}


# --- pages ----------------------------------------------------------------------------------

@bp.get("/chat")
def page():
    return render_template("chat/page.html")


@bp.get("/widget.js")
def widget():
    """The embeddable chat: one script tag on any site (data-lang="ar" or "en")."""
    strings = {lang: {key: texts[lang] for key, texts in MESSAGES.items()
                      if key.startswith(("chat_", "role_"))} for lang in LANGS}
    body = render_template("chat/widget.js", strings=strings,
                           base=request.url_root.rstrip("/"),
                           poll_ms=int(float(current_app.config["CHAT_POLL_SECONDS"]) * 1000))
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- the conversation API ----------------------------------------------------------------------

@bp.post("/api/conversations")
def create_conversation():
    """Start a conversation: {"lang": optional} -> {"id", "token"}."""
    data = _body()
    lang = data.get("lang") or g.get("lang") or "ar"
    if lang not in LANGS:
        raise ChatApiError("unknown lang: use ar or en")
    client = ratelimit.client_key()
    _limited(ratelimit.check_new_conversation, client)
    conversation = store.create_conversation(get_db(), lang, client)
    return jsonify({"id": conversation["id"], "token": conversation["token"],
                    "lang": lang}), 201


@bp.post("/api/conversations/<conversation_id>/messages")
def post_message(conversation_id):
    """{"text": "...", "choice": optional} -> {"messages": [the new messages], "handoff"}."""
    conversation = _conversation(conversation_id)
    data = _body()
    text = data.get("text")
    if not isinstance(text, str):
        raise ChatApiError("text is required: the customer's message")
    limit = int(current_app.config["MAX_MESSAGE_LENGTH"])
    if len(text) > limit:
        raise ChatApiError(f"the message is too long ({len(text)} characters; the limit "
                           f"is {limit})", 413)
    choice = data.get("choice")
    if choice is not None and not isinstance(choice, str):
        raise ChatApiError("choice must be text")
    _limited(ratelimit.check_message, conversation_id, ratelimit.client_key())
    db = get_db()
    try:
        new, _ = chat.post_message(db, _bot(), conversation, text, choice=choice,
                                   hours=current_app.extensions["dalil_hours"], now=_now())
    except (InvalidQuestion, chat.ChatError) as error:
        raise ChatApiError(str(error)) from None
    return jsonify({"messages": [message_json(m) for m in new], **_state(db, conversation_id)})


@bp.get("/api/conversations/<conversation_id>/messages")
def get_messages(conversation_id):
    """?after=<message id> -> {"messages": [later messages], "handoff", "rated"}."""
    _conversation(conversation_id)
    after = request.args.get("after", "0")
    if not after.isascii() or not after.isdigit():
        raise ChatApiError("after must be a message id (a whole number)")
    db = get_db()
    return jsonify({"messages": [message_json(m) for m in
                                 store.messages(db, conversation_id, int(after))],
                    **_state(db, conversation_id)})


def _text_field(data, key, limit):
    value = data.get(key) or ""
    if not isinstance(value, str):
        raise ChatApiError(f"{key} must be text")
    value = value.strip()
    if len(value) > limit:
        raise ChatApiError(f"{key} is too long (the limit is {limit} characters)")
    return value


@bp.post("/api/conversations/<conversation_id>/handoff")
def handoff(conversation_id):
    """{"name", "email", "handoff_id"} (all optional) -> the handoff: hands the
    conversation to a person (or adds contact details to the handoff it has). With
    "handoff_id" it only adds details to that handoff: 409 once it is resolved."""
    conversation = _conversation(conversation_id)
    data = _body()
    name = _text_field(data, "name", MAX_NAME_LENGTH)
    email = _text_field(data, "email", MAX_EMAIL_LENGTH)
    if email and not EMAIL.match(email):
        raise ChatApiError("email is not a valid e-mail address")
    if any(ch in name for ch in "\x00\r\n"):
        raise ChatApiError("name must be one line of text")
    handoff_id = data.get("handoff_id")
    if handoff_id is not None and (isinstance(handoff_id, bool) or not isinstance(handoff_id, int)):
        raise ChatApiError("handoff_id must be a handoff's id (a whole number)")
    db = get_db()
    try:
        found, new = chat.request_handoff(db, _bot(), conversation, name=name, email=email,
                                          hours=current_app.extensions["dalil_hours"],
                                          now=_now(), handoff_id=handoff_id)
    except chat.HandoffClosed as error:
        raise ChatApiError(str(error), 409) from None
    return jsonify({**handoff_json(db, found), "messages": [message_json(m) for m in new]})


@bp.post("/api/conversations/<conversation_id>/rating")
def rating(conversation_id):
    """{"score": 1..5, "comment": optional} after a resolved handoff."""
    conversation = _conversation(conversation_id)
    data = _body()
    try:
        row = chat.rate(get_db(), conversation, data.get("score"), data.get("comment") or "")
    except chat.RatingConflict as error:
        raise ChatApiError(str(error), 409) from None
    except chat.RatingError as error:
        raise ChatApiError(str(error)) from None
    return jsonify({"ok": True, "id": row}), 201
