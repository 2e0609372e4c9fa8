"""The channels' webhooks: what WhatsApp, Telegram and a mail provider post when a
customer writes, under /api/channels/ (JSON errors, listed in the OpenAPI document).

Each endpoint is off (404) until its secret is set, and refuses (403) a request that does
not prove it comes from the provider: WhatsApp signs the body with the app secret
(``X-Hub-Signature-256``, WHATSAPP_APP_SECRET), Telegram echoes the secret token it was
given (``X-Telegram-Bot-Api-Secret-Token``, TELEGRAM_SECRET), and a mail provider's
inbound route sends ``Authorization: Bearer`` MAIL_WEBHOOK_SECRET with the raw mail
(``Content-Type: message/rfc822``). A message is stored before the 200 goes back, so a
provider that retries after a lost response finds it taken already (no second answer).
"""
import hmac

from flask import Blueprint, current_app, jsonify, request

from bot.channels import PayloadError, mail, telegram, whatsapp

from . import channels
from .context import get_db
from .errors import ApiError
from .inputs import json_body

bp = Blueprint("webhooks", __name__, url_prefix="/api/channels")
# A provider's batch of messages and statuses is larger than a chat message, though
# still small; a mail with its attachments is the one large body Dalil takes.
MAX_WEBHOOK_BYTES = 1024 * 1024


@bp.before_request
def _body_limit():
    request.max_content_length = (int(current_app.config["MAX_MAIL_BYTES"])
                                  if request.endpoint == "webhooks.inbound_mail"
                                  else MAX_WEBHOOK_BYTES)


def _setting(name, what):
    value = current_app.config.get(name)
    if not value:
        raise ApiError(f"{what} is not set up on this server ({name})", 404)
    return value


def _taken(inbounds):
    """Store each inbound message, then send what the bot answered; return the JSON."""
    received = channels.receive_all(get_db(), inbounds)
    return jsonify({"received": sum(not r.duplicate for r in received),
                    "duplicates": sum(r.duplicate for r in received)})


@bp.get("/whatsapp")
def whatsapp_subscription():
    """Meta's webhook handshake: the verify token given in the app's settings."""
    token = _setting("WHATSAPP_VERIFY_TOKEN", "WhatsApp")
    challenge = whatsapp.subscription_challenge(request.args, token)
    if challenge is None:
        raise ApiError("wrong or missing hub.verify_token", 403)
    return current_app.response_class(challenge, mimetype="text/plain")


@bp.post("/whatsapp")
def whatsapp_messages():
    secret = _setting("WHATSAPP_APP_SECRET", "WhatsApp")
    if not whatsapp.verify_signature(secret, request.get_data(cache=True),
                                     request.headers.get("X-Hub-Signature-256")):
        raise ApiError("the X-Hub-Signature-256 signature does not match the body", 403)
    payload = json_body()
    try:
        inbounds = whatsapp.inbound_messages(payload)
        statuses = whatsapp.delivery_statuses(payload)
    except PayloadError as error:
        raise ApiError(str(error)) from None
    channels.record_statuses(get_db(), "whatsapp", statuses)
    return _taken(inbounds)


@bp.post("/telegram")
def telegram_update():
    secret = _setting("TELEGRAM_SECRET", "Telegram")
    if not telegram.verify_secret(secret, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
        raise ApiError("wrong or missing X-Telegram-Bot-Api-Secret-Token", 403)
    try:
        inbounds = telegram.inbound_messages(json_body())
    except PayloadError as error:
        raise ApiError(str(error)) from None
    return _taken(inbounds)


@bp.post("/email")
def inbound_mail():
    """A mail posted whole by a provider's inbound route; ``?mailbox=`` names the
    mailbox it reached (replies leave from it), the first one by default."""
    secret = _setting("MAIL_WEBHOOK_SECRET", "Inbound mail")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), f"Bearer {secret}".encode()):
        raise ApiError("wrong or missing Authorization: Bearer <MAIL_WEBHOOK_SECRET>", 403)
    if request.mimetype != "message/rfc822":
        raise ApiError("send the raw mail with Content-Type: message/rfc822", 415)
    mailbox = channels.mailbox_named(request.args.get("mailbox", ""))
    if mailbox is None:
        raise ApiError("no mailbox has that name: use a name from the mailboxes file "
                       "(MAILBOXES), or leave mailbox out for the first one")
    config = current_app.config
    try:
        inbound = mail.read_mail(request.get_data(cache=False), mailbox=mailbox,
                                 max_attachment_bytes=int(config["MAX_ATTACHMENT_BYTES"]),
                                 max_mail_bytes=int(config["MAX_MAIL_BYTES"]))
    except PayloadError as error:
        raise ApiError(str(error)) from None
    return _taken([inbound])
