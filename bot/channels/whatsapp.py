"""WhatsApp Business Cloud API (Meta's Graph API): check a webhook call is Meta's, read
the customer messages and delivery statuses it carries, and send a text reply.

    verify_signature(app_secret, body, request.headers.get("X-Hub-Signature-256"))  # -> bool
    subscription_challenge(request.args, verify_token)   # the GET handshake -> str or None
    inbound_messages(payload)      # -> [Inbound(channel="whatsapp", address="9665...", ...)]
    delivery_statuses(payload)     # -> [("wamid....", "delivered", ""), ...]
    send_text(base_url="https://graph.facebook.com/v21.0", phone_number_id="1234",
              token=token, to="966501234567", text="أهلاً")   # -> "wamid...."

Media (images, voice notes, documents, stickers, locations...) arrive as a marker such as
"[image]" (with the caption, when there is one) so an agent sees that something came; the
media themselves are not downloaded. Reactions and system notices are not messages.
One message of a batch that cannot be read does not cost the others: with its sender
and id it still arrives, as "[unsupported message]"; without them (nobody to answer)
it is logged and left out. A body that is not a WhatsApp webhook is refused whole.
Webhook shape: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
"""
import hashlib
import hmac
import logging
import re

from bot.channels import DeliveryError, Inbound, PayloadError
from bot.channels.http import post_json, shorten

log = logging.getLogger(__name__)

__all__ = ["verify_signature", "subscription_challenge", "inbound_messages",
           "delivery_statuses", "send_text", "MAX_TEXT_LENGTH"]

# The Cloud API refuses a text body longer than this.
MAX_TEXT_LENGTH = 4096
# What a wamid or a phone number id may look like; longer is not Meta's.
MAX_ID_LENGTH = 256
# E.164 numbers have at most 15 digits; WhatsApp ids are the number without "+".
PHONE = re.compile(r"^\+?([0-9]{5,15})$")
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
SIGNATURE = re.compile(r"^sha256=([0-9a-fA-F]{64})$")
# Types whose content is a file or a place: the agent sees the marker and the caption.
MEDIA = {"image": "[image]", "video": "[video]", "audio": "[voice message]",
         "document": "[document]", "sticker": "[sticker]", "location": "[location]",
         "contacts": "[contact card]", "order": "[order]"}
# A message of a type Dalil does not read, or one it could not read.
MEDIA_UNSUPPORTED = "[unsupported message]"
# Not something a customer said: a 👍 on our reply, "customer changed number".
NOT_MESSAGES = {"reaction", "system"}
# Graph error codes that mean "later" although the HTTP status is a 400: throughput and
# spam rate limits, and Meta's own temporary failures.
# https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
TEMPORARY_ERROR_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


def verify_signature(app_secret, body, header):
    """Return True when ``header`` (X-Hub-Signature-256) is "sha256=" and the hex
    HMAC-SHA256 of the raw ``body`` under ``app_secret``; False otherwise, including a
    missing or malformed header or an empty secret."""
    if not app_secret or not isinstance(header, str) or not isinstance(body, (bytes, bytearray)):
        return False
    match = SIGNATURE.match(header.strip())
    if not match:
        return False
    expected = hmac.new(app_secret.encode("utf-8"), bytes(body), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match.group(1).lower())


def subscription_challenge(params, verify_token):
    """Return the ``hub.challenge`` to echo when ``params`` (the query string) is Meta's
    subscription handshake with our ``verify_token``; None otherwise (answer 403)."""
    mode, token, challenge = (params.get(key) for key in ("hub.mode", "hub.verify_token",
                                                          "hub.challenge"))
    if not verify_token or mode != "subscribe" or not isinstance(token, str):
        return None
    if not hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8")):
        return None
    # Echoed into the response body: only a short plain token, never markup.
    if not isinstance(challenge, str) or not CHALLENGE.match(challenge):
        return None
    return challenge


def inbound_messages(payload):
    """Return one Inbound per customer message in a webhook ``payload`` (the decoded
    JSON body), oldest first; [] for a call that carries only statuses. Raise
    PayloadError saying what is wrong when the payload is not a WhatsApp webhook."""
    messages = []
    for value in _values(payload):
        names = _contact_names(value)
        for message in _list(value, "messages", "a change's value"):
            # One message that cannot be read must not refuse the batch: Meta would send
            # it again and again, the customers' readable messages with it, until it
            # gave up on them all.
            try:
                inbound = _inbound(_dict(message, "a message"), names)
            except PayloadError as error:  # no sender or id: nobody to answer
                log.warning("a WhatsApp message without a readable sender or id was "
                            "left out: %s", error)
                continue
            if inbound is not None:
                messages.append(inbound)
    return messages


def delivery_statuses(payload):
    """Return (provider_id, status, error_text) for each status in a webhook
    ``payload``: our message's wamid, "sent", "delivered", "read" or "failed", and
    Meta's reason when it failed ("" otherwise). Raise PayloadError like
    inbound_messages."""
    statuses = []
    for value in _values(payload):
        for status in _list(value, "statuses", "a change's value"):
            status = _dict(status, "a status")
            provider_id = _text(status, "id", "a status", limit=MAX_ID_LENGTH)
            state = _text(status, "status", "a status", limit=40)
            errors = _list(status, "errors", "a status")
            statuses.append((provider_id, state, _error_text(errors[0]) if errors else ""))
    return statuses


def send_text(*, base_url, phone_number_id, token, to, text, reply_to=None, timeout=10):
    """Return the wamid of a text message sent to ``to`` (international digits) from
    the business number ``phone_number_id``, as a reply to ``reply_to`` (a wamid) when
    given. Raise ValueError for a text that is empty or too long (it is never cut), and
    DeliveryError when it did not leave: ``temporary`` for no answer, a 429, a 5xx or a
    rate limit; permanent for a refusal (bad number, expired token, 24-hour window)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a WhatsApp message needs some text")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"a WhatsApp message is at most {MAX_TEXT_LENGTH} characters, "
                         f"this one has {len(text)}")
    match = PHONE.match(to) if isinstance(to, str) else None
    if not match:
        raise ValueError(f"{str(to)[:40]!r} is not a phone number in international digits")
    if not str(phone_number_id).isdigit() or not str(phone_number_id).isascii():
        raise ValueError("the WhatsApp phone number id is not a number (it is not the phone "
                         "number itself: Meta's app dashboard shows it)")
    message = {"messaging_product": "whatsapp", "recipient_type": "individual",
               "to": match.group(1), "type": "text",
               "text": {"preview_url": True, "body": text}}
    if reply_to:
        message["context"] = {"message_id": reply_to}
    response = post_json(f"{base_url.rstrip('/')}/{phone_number_id}/messages", message,
                         service="WhatsApp", timeout=timeout,
                         headers={"Authorization": f"Bearer {token}"})
    data = response.data if isinstance(response.data, dict) else {}
    if 200 <= response.status < 300:
        try:
            return _text(_dict(data["messages"][0], "a sent message"), "id", "the answer",
                         limit=MAX_ID_LENGTH)
        except (KeyError, IndexError, TypeError, PayloadError):
            # It may have left; sending again could send it twice, so not temporary.
            raise DeliveryError(f"WhatsApp answered {response.status} without a message id",
                                temporary=False) from None
    raise _refusal(response.status, data.get("error"))


def _refusal(status, error):
    """Return the DeliveryError for a Graph API error answer."""
    code = error.get("code") if isinstance(error, dict) else None
    temporary = status == 429 or status >= 500 or code in TEMPORARY_ERROR_CODES
    text = f"WhatsApp refused the message ({status})"
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        text += f": {shorten(error['message'])}"
    return DeliveryError(text, temporary=temporary)


def _values(payload):
    """Yield the ``value`` of each "messages" change in a webhook payload."""
    payload = _dict(payload, "the webhook body")
    if payload.get("object") != "whatsapp_business_account":
        raise PayloadError("the webhook body is not from a WhatsApp Business account")
    if "entry" not in payload:
        raise PayloadError("the webhook body has no entry")
    for entry in _list(payload, "entry", "the webhook body"):
        entry = _dict(entry, "an entry")
        if "changes" not in entry:
            raise PayloadError("an entry of the webhook body has no changes")
        for change in _list(entry, "changes", "an entry"):
            change = _dict(change, "a change")
            # Other fields (template status, account updates) carry no messages.
            if change.get("field", "messages") != "messages":
                continue
            value = _dict(change.get("value"), "a change's value")
            if value.get("messaging_product") != "whatsapp":
                raise PayloadError("a change in the webhook body is not for WhatsApp")
            yield value


def _contact_names(value):
    names = {}
    for contact in _list(value, "contacts", "a change's value"):
        contact = _dict(contact, "a contact")
        profile = contact.get("profile") or {}
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(contact.get("wa_id"), str) and isinstance(name, str):
            names[contact["wa_id"]] = name.strip()[:120]
    return names


def _inbound(message, names):
    """Return the Inbound of ``message``, None for what no customer said (a reaction).
    Raise PayloadError when its sender or id cannot be read; content that cannot be
    read arrives as MEDIA_UNSUPPORTED (logged), so a person sees that something came."""
    kind = message.get("type")
    if isinstance(kind, str) and kind in NOT_MESSAGES:
        return None
    sender = _text(message, "from", "a message", limit=40)
    number = PHONE.match(sender)
    if not number:
        raise PayloadError(f"a message's sender {sender[:40]!r} is not a phone number")
    external_id = _text(message, "id", "a message", limit=MAX_ID_LENGTH)
    try:
        text = _message_text(_text(message, "type", "a message", limit=40), message)
    except PayloadError as error:
        log.warning("a WhatsApp message from %s could not be read (%s): it is stored as "
                    "an unsupported message", number.group(1), error)
        text = MEDIA_UNSUPPORTED
    context = message.get("context")
    references = ()
    if isinstance(context, dict) and isinstance(context.get("id"), str) and context["id"]:
        references = (context["id"][:MAX_ID_LENGTH],)
    return Inbound(channel="whatsapp", address=number.group(1), external_id=external_id,
                   text=text, name=names.get(sender, ""), references=references)


def _message_text(kind, message):
    """Return what a person reading the queue should see for a message of type ``kind``."""
    if kind == "text":
        return _text(_dict(message.get("text"), "a text message's text"), "body",
                     "a text message", empty=True)
    if kind == "interactive":
        # The customer tapped one of our buttons or picked a row of a list.
        interactive = _dict(message.get("interactive"), "an interactive reply")
        reply = interactive.get("button_reply") or interactive.get("list_reply")
        return _text(_dict(reply, "an interactive reply"), "title", "an interactive reply")
    if kind == "button":
        # A quick-reply button of a template message.
        return _text(_dict(message.get("button"), "a button reply"), "text", "a button reply")
    marker = MEDIA.get(kind, MEDIA_UNSUPPORTED)
    media = message.get(kind)
    caption = media.get("caption") if isinstance(media, dict) else None
    if isinstance(caption, str) and caption.strip():
        return f"{marker} {caption.strip()}"
    return marker


def _error_text(error):
    error = _dict(error, "a status error")
    details = error.get("error_data", {}).get("details") if isinstance(
        error.get("error_data"), dict) else None
    parts = [str(error[key]) for key in ("code", "title") if key in error]
    text = " ".join(parts)
    for extra in (error.get("message"), details):
        if isinstance(extra, str) and extra and extra not in text:
            text = f"{text}: {extra}" if text else extra
    return shorten(text) or "failed without a reason"


def _dict(value, what):
    if not isinstance(value, dict):
        raise PayloadError(f"{what} is not an object")
    return value


def _list(container, key, what):
    value = container.get(key, [])
    if not isinstance(value, list):
        raise PayloadError(f"the {key!r} of {what} is not a list")
    return value


def _text(container, key, what, *, limit=None, empty=False):
    value = container.get(key)
    if not isinstance(value, str) or (not empty and not value):
        raise PayloadError(f"{what} has no {key!r} text")
    if limit and len(value) > limit:
        raise PayloadError(f"the {key!r} of {what} is longer than {limit} characters")
    return value

