"""The customer chat: the /chat page, the embeddable /widget.js, and the conversation
API under /api/conversations (a contract: see the README).

A conversation is reached with its id and the token it was created with, sent as
``X-Conversation-Token``; a wrong or missing token gets 404, like a missing
conversation. These routes carry no cookies, so any site may embed the widget: they
answer CORS requests from every origin (the agents' API does not).

A message may carry an ``Idempotency-Key`` header (the widget sends a fresh one per
message and the same one when it retries): the conversation stores a message once per
key, and a retry gets back what the first send got.
"""
import re
import time

from flask import (Blueprint, current_app, g, jsonify, render_template, request,
                   stream_with_context)

from bot import InvalidQuestion, store
from bot.desk import conversations, customers
from bot.store import customers as customer_store

from . import events, ratelimit, typing_ping
from .context import get_bot, get_db, get_hours, get_teams, now, pool
from .errors import ApiError
from .i18n import LANGS, MESSAGES
from .inputs import json_body, numeric_id, row_id, text_field
from .payloads import conversation_state, customer_handoff_json, message_json

bp = Blueprint("chat", __name__)
bp.url_value_preprocessor(numeric_id("conversation_id"))

TOKEN_HEADER = "X-Conversation-Token"
KEY_HEADER = "Idempotency-Key"  # the IETF httpapi draft's name for it
# Visible ASCII, no spaces: a UUID or random hex is typical (the widget sends 32 hex digits).
KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
EMAIL = customers.EMAIL  # the shape every deliverable address has
MAX_NAME_LENGTH = 100
MAX_EMAIL_LENGTH = 254  # RFC 5321's longest path
# "article:" and an article id (a file name): the longest choice a chat button sends.
MAX_CHOICE_LENGTH = 200


@bp.after_request
def _cors(response):
    if request.path.startswith("/api/conversations"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = (f"Content-Type, {TOKEN_HEADER}, "
                                                            f"{KEY_HEADER}, Last-Event-ID")
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.headers["Access-Control-Max-Age"] = "3600"
    return response



def _conversation(conversation_id):
    """Return the conversation the token opens, or raise 404."""
    conversation = store.get_conversation(get_db(), conversation_id,
                                          request.headers.get(TOKEN_HEADER) or "")
    if conversation is None:
        raise ApiError("no such conversation (or a wrong X-Conversation-Token)", 404)
    return conversation


def _limits(check, *args):
    """Return the rate-limit ``check`` as a write transaction runs it, with its database
    (so the count and the insert share one write lock); a reached limit is a 429."""
    def run(db):
        try:
            check(db, *args, now())
        except ratelimit.Limited as limited:
            raise ApiError(str(limited), 429, retry_after=limited.seconds) from None
    return run


def _idempotency_key():
    """Return the request's Idempotency-Key, None without one; 400 for a malformed one."""
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    if not KEY.match(key):
        raise ApiError(f"{KEY_HEADER} must be 1 to 128 visible ASCII characters "
                       "(a UUID, say), new for each message")
    return key


# --- pages ----------------------------------------------------------------------------------

@bp.get("/chat")
def page():
    return render_template("chat/page.html")


@bp.get("/widget.js")
def widget():
    """The embeddable chat: one script tag on any site (data-lang="ar" or "en").

    The same bytes for every request (both languages' strings; the script reads
    data-lang), so shared caches may keep it: where Dalil is comes from the PUBLIC_URL
    setting or, without one, from the script's own src in the browser — never from the
    request's Host header, which a client can forge into a cached copy."""
    # No request language either (the script reads data-lang), so no lang cookie
    # (web/hooks.py remembers ?lang=): a response a shared cache keeps sets none.
    g.pop("lang", None)
    strings = {lang: {key: texts[lang] for key, texts in MESSAGES.items()
                      if key.startswith(("chat_", "role_"))} for lang in LANGS}
    body = render_template("chat/widget.js", strings=strings,
                           base=(current_app.config["PUBLIC_URL"] or "").rstrip("/") or None,
                           poll_ms=int(float(current_app.config["CHAT_POLL_SECONDS"]) * 1000))
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- the conversation API ----------------------------------------------------------------------

@bp.post("/api/conversations")
def create_conversation():
    """Start a conversation: {"lang": optional, "customer": optional {"id", "email",
    "name", "hash"}, the shop's signed identity} -> {"id", "token", "lang", "customer"}.
    A customer whose hash is not the shop's signature under IDENTITY_SECRET: 403."""
    data = json_body(allow_empty=True)
    lang = data.get("lang") or g.get("lang") or "ar"
    if lang not in LANGS:
        raise ApiError("unknown lang: use ar or en")
    identity = None
    if data.get("customer") is not None:
        try:
            identity = customers.verify(current_app.config["IDENTITY_SECRET"], data["customer"])
        except customers.IdentityError as error:
            raise ApiError(str(error), 403 if error.forged else 400) from None
    client = ratelimit.client_key()
    db = get_db()
    with store.transaction(db):  # counted and stored under one write lock
        _limits(ratelimit.check_new_conversation, client)(db)
        conversation = store.create_conversation(db, lang, client)
        if identity is not None:
            customers.identify(db, conversation["id"], identity)
    return jsonify({"id": conversation["id"], "token": conversation["token"],
                    "lang": lang, "customer": _customer_json(db, conversation["id"])}), 201


def _customer_json(db, conversation_id):
    """What the customer's side may know of who Dalil takes them for: their name and
    e-mail when the shop vouched for them (so the widget never asks again), else None."""
    customer = customer_store.conversation_customer(db, conversation_id)
    if customer is None or customer["identified"] != "verified":
        return None
    return {"name": customer["name"], "email": customer["email"], "verified": True}


@bp.get("/api/conversations/<conversation_id>/history")
def history(conversation_id):
    """The signed-in customer's earlier conversations, newest first (each with its id
    and token, so the widget can open it again): only for a conversation started with
    the shop's verified identity, and only those started so, with messages in them; []
    otherwise."""
    conversation = _conversation(conversation_id)
    db = get_db()
    customer = customer_store.conversation_customer(db, conversation["id"])
    if customer is None or customer["identified"] != "verified":
        return jsonify({"customer": None, "conversations": []})
    rows = customer_store.customer_conversations(db, customer["id"], verified_only=True)
    return jsonify({"customer": _customer_json(db, conversation["id"]), "conversations": [
        {"id": row["id"], "token": row["token"], "lang": row["lang"], "created": row["created"],
         "first_message": row["first_message"] or "", "messages": row["messages"],
         "handoff": row["handoff_status"], "outcome": row["outcome"], "rating": row["rating"]}
        for row in rows if row["id"] != conversation["id"] and row["messages"]]})


@bp.post("/api/conversations/<conversation_id>/messages")
def post_message(conversation_id):
    """{"text": "...", "choice": optional} -> {"messages": [the new messages], "handoff"}."""
    conversation = _conversation(conversation_id)
    data = json_body(allow_empty=True)
    text = data.get("text")
    if not isinstance(text, str):
        raise ApiError("text is required: the customer's message")
    limit = int(current_app.config["MAX_MESSAGE_LENGTH"])
    if len(text) > limit:
        raise ApiError(f"the message is too long ({len(text)} characters; the limit "
                       f"is {limit})", 413)
    choice = data.get("choice")
    if choice is not None and not isinstance(choice, str):
        raise ApiError("choice must be text")
    if choice is not None:  # stored with the message: clean it like any stored text
        choice = text_field(data, "choice", MAX_CHOICE_LENGTH)
    key = _idempotency_key()
    db = get_db()
    try:
        new, _ = conversations.post_message(
            db, get_bot(), conversation, text, choice=choice, hours=get_hours(), now=now(),
            key=key, teams=get_teams(), limits=_limits(ratelimit.check_message, conversation_id,
                                    ratelimit.client_key()))
    except conversations.KeyReused as error:
        raise ApiError(str(error), 422) from None
    except (InvalidQuestion, conversations.ChatError) as error:
        raise ApiError(str(error)) from None
    # The message is what they were typing: "typing…" ends as it arrives (a read, and
    # a write only when it was shown).
    store.stop_typing(db, conversation_id, "customer", at=time.time())
    return jsonify({"messages": [message_json(m) for m in new],
                    **conversation_state(db, conversation_id)})


@bp.get("/api/conversations/<conversation_id>/messages")
def get_messages(conversation_id):
    """?after=<message id> -> {"messages": [later messages], "handoff", "rated",
    "typing"}: ``typing`` is what the stream's ``typing`` event carries, {"typing",
    "agent"}, for a page that polls."""
    _conversation(conversation_id)
    after = row_id(request.args.get("after", "0"))
    if after is None:
        raise ApiError("after must be a message id (a whole number)")
    db = get_db()
    return jsonify({"messages": [message_json(m) for m in
                                 store.messages(db, conversation_id, after)],
                    **conversation_state(db, conversation_id),
                    "typing": events.agent_typing(db, conversation_id)})


@bp.post("/api/conversations/<conversation_id>/typing")
def typing(conversation_id):
    """{"typing": true (default) | false} -> {"typing", "seconds"}: the customer is
    typing (for ``seconds`` from now, unless pinged again) or stopped. Never the text.
    Only while a person handles the conversation or it waits for one (409 otherwise:
    the bot does not watch). Cheap: a ping within typing_ping.EVERY of the last one
    writes nothing."""
    conversation = _conversation(conversation_id)
    flag = typing_ping.flag(json_body(allow_empty=True))
    db = get_db()
    if store.active_handoff(db, conversation["id"]) is None:
        raise ApiError("no person is on this conversation: typing is shown only while "
                       "one handles it or it waits for one", 409)
    seconds, at = typing_ping.seconds(), time.time()
    if flag:
        store.mark_typing(db, conversation["id"], "customer", at=at, seconds=seconds,
                          every=typing_ping.EVERY)
    else:
        store.stop_typing(db, conversation["id"], "customer", at=at)
    return jsonify({"typing": flag, "seconds": seconds if flag else 0})


@bp.get("/api/conversations/<conversation_id>/events")
def stream(conversation_id):
    """The conversation's Server-Sent Events (web/events.py): an ``update`` with the
    messages after ``?after=`` (or the ``Last-Event-ID`` a reconnecting client sends)
    and the handoff's state, then one whenever they change; with ``?typing=1`` a
    ``typing`` event whenever the agent side starts or stops typing."""
    _conversation(conversation_id)
    after = row_id(request.headers.get("Last-Event-ID") or request.args.get("after", "0"))
    if after is None:
        raise ApiError("after (or Last-Event-ID) must be a message id (a whole number)")
    # ?typing=1: the client reads ``typing`` events (an older widget would take one
    # for an update).
    body = stream_with_context(events.conversation_stream(
        pool(), conversation_id, after, typing=request.args.get("typing") == "1"))
    response = current_app.response_class(body, mimetype="text/event-stream")
    # Not kept by any cache, not held back by a buffering proxy (nginx honours this).
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@bp.post("/api/conversations/<conversation_id>/handoff")
def handoff(conversation_id):
    """{"name", "email", "handoff_id"} (all optional) -> the handoff: hands the
    conversation to a person (or adds contact details to the handoff it has). With
    "handoff_id" it only adds details to that handoff: 409 once it is resolved."""
    conversation = _conversation(conversation_id)
    data = json_body(allow_empty=True)
    name = text_field(data, "name", MAX_NAME_LENGTH)
    email = text_field(data, "email", MAX_EMAIL_LENGTH)
    if email and not EMAIL.match(email):
        raise ApiError("email is not a valid e-mail address")
    handoff_id = data.get("handoff_id")
    if handoff_id is not None and (not isinstance(handoff_id, int) or row_id(handoff_id) is None):
        raise ApiError("handoff_id must be a handoff's id (a whole number)")
    db = get_db()
    try:
        found, new = conversations.request_handoff(
            db, get_bot(), conversation, name=name, email=email, hours=get_hours(),
            now=now(), handoff_id=handoff_id, teams=get_teams())
    except conversations.HandoffClosed as error:
        raise ApiError(str(error), 409) from None
    # The address they gave links the conversation to them for the agents' eyes (a
    # customer the shop vouched for stays who the shop said).
    customers.identify_by_email(db, conversation["id"], email, name)
    return jsonify({**customer_handoff_json(db, found),
                    "messages": [message_json(m) for m in new]})


@bp.post("/api/conversations/<conversation_id>/rating")
def rating(conversation_id):
    """{"score": 1..5, "comment": optional} after a resolved handoff."""
    conversation = _conversation(conversation_id)
    data = json_body(allow_empty=True)
    comment = text_field(data, "comment", store.MAX_COMMENT_LENGTH, lines=True)
    try:
        row = conversations.rate(get_db(), conversation, data.get("score"), comment)
    except conversations.RatingConflict as error:
        raise ApiError(str(error), 409) from None
    except conversations.RatingError as error:
        raise ApiError(str(error)) from None
    return jsonify({"ok": True, "id": row}), 201
