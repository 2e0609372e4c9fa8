"""Telegram Bot API: check a webhook call is Telegram's, read the customer message an
update carries, and send a text reply.

    verify_secret(secret, request.headers.get("X-Telegram-Bot-Api-Secret-Token"))  # -> bool
    inbound_messages(update)   # -> [Inbound(channel="telegram", address="42",
                               #             external_id="42:5", text="...")] or []
    send_text(base_url="https://api.telegram.org", token=token, chat_id="42",
              text="أهلاً", reply_to="42:5")                     # -> "42:6"

Only private chats with a person are read: groups, channels, other bots, button presses
(callback queries) and service notices give []. Photos, documents, voice notes and the
like arrive as their caption, or a marker such as "[photo]"; files are not downloaded.
Message ids are per chat in Telegram, so ours are "chat_id:message_id".
The bot token is part of every API URL: no error text here contains it.
https://core.telegram.org/bots/api#update
"""
import hmac
import re

from bot.channels import DeliveryError, Inbound, PayloadError
from bot.channels.http import post_json, shorten

__all__ = ["verify_secret", "inbound_messages", "send_text", "MAX_TEXT_LENGTH"]

# sendMessage refuses a text longer than this.
MAX_TEXT_LENGTH = 4096
# Telegram ids fit in 52 bits; allow the minus of group ids and a little room.
CHAT_ID = re.compile(r"^-?[0-9]{1,16}$")
# Message contents that are a file or a place, in the order Telegram documents them.
MEDIA = (("photo", "[photo]"), ("video", "[video]"), ("animation", "[animation]"),
         ("document", "[document]"), ("audio", "[audio]"), ("voice", "[voice message]"),
         ("video_note", "[video message]"), ("sticker", "[sticker]"),
         ("location", "[location]"), ("venue", "[location]"), ("contact", "[contact card]"),
         ("poll", "[poll]"), ("dice", "[dice]"))
# Notices Telegram sends into a private chat that nobody wrote.
SERVICE = {"pinned_message", "write_access_allowed", "users_shared", "chat_shared",
           "auto_delete_timer_changed", "connected_website", "successful_payment",
           "refunded_payment", "proximity_alert_triggered", "message_auto_delete_timer_changed"}


def verify_secret(expected, header):
    """Return True when ``header`` (X-Telegram-Bot-Api-Secret-Token) is the secret
    given to setWebhook; False when it differs, is missing, or no secret is set."""
    if not expected or not isinstance(header, str):
        return False
    return hmac.compare_digest(header.encode("utf-8"), expected.encode("utf-8"))


def inbound_messages(update):
    """Return the customer message in a webhook ``update`` as a one-item list, or []
    when the update is not a person writing to the bot privately. Raise PayloadError
    saying what is wrong when ``update`` is not a Telegram update."""
    update = _dict(update, "the update")
    if not isinstance(update.get("update_id"), int) or isinstance(update.get("update_id"), bool):
        raise PayloadError("the update has no update_id number")
    edited = "message" not in update and "edited_message" in update
    message = update.get("edited_message" if edited else "message")
    if message is None:
        # callback_query, channel_post, my_chat_member...: not a customer's message.
        return []
    message = _dict(message, "the update's message")
    chat = _dict(message.get("chat"), "the message's chat")
    chat_id = _integer(chat, "id", "the message's chat")
    message_id = _integer(message, "message_id", "the message")
    sender = message.get("from")
    if sender is not None:
        sender = _dict(sender, "the message's sender")
    if chat.get("type") != "private" or (sender or {}).get("is_bot") is True:
        return []
    text = _message_text(message)
    if text is None:
        return []
    external_id = f"{chat_id}:{message_id}"
    references = []
    reply = message.get("reply_to_message")
    if isinstance(reply, dict) and _is_integer(reply.get("message_id")):
        references.append(f"{chat_id}:{reply['message_id']}")
    if edited:
        # A correction threads with the message it corrects, and counts as a new one.
        references.append(external_id)
        external_id += f":edit:{_integer(message, 'edit_date', 'the edited message')}"
    return [Inbound(channel="telegram", address=str(chat_id), external_id=external_id,
                    text=text, name=_name(sender or chat), references=tuple(references))]


def send_text(*, base_url, token, chat_id, text, reply_to=None, timeout=10):
    """Return our id ("chat_id:message_id") of a text message sent to ``chat_id``, as a
    reply to ``reply_to`` (an id of that form) when given. Raise ValueError for a text
    that is empty or too long (it is never cut), and DeliveryError when it did not
    leave: ``temporary`` for no answer, a 429 (with Telegram's wait) or a 5xx;
    permanent for a refusal (the user blocked the bot, a wrong token, a bad chat)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a Telegram message needs some text")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"a Telegram message is at most {MAX_TEXT_LENGTH} characters, "
                         f"this one has {len(text)}")
    chat_id = str(chat_id)
    if not CHAT_ID.match(chat_id):
        raise ValueError(f"{chat_id[:40]!r} is not a Telegram chat id")
    message = {"chat_id": chat_id, "text": text}
    if reply_to:
        message["reply_parameters"] = {
            "message_id": _replied_message_id(reply_to),
            # A deleted original must not turn the answer into a refusal.
            "allow_sending_without_reply": True}
    response = post_json(f"{base_url.rstrip('/')}/bot{token}/sendMessage", message,
                         service="Telegram", timeout=timeout)
    data = response.data if isinstance(response.data, dict) else {}
    if 200 <= response.status < 300 and data.get("ok") is True:
        result = data.get("result")
        if isinstance(result, dict) and _is_integer(result.get("message_id")):
            return f"{chat_id}:{result['message_id']}"
        # It may have left; sending again could send it twice, so not temporary.
        raise DeliveryError("Telegram answered without a message id", temporary=False)
    raise _refusal(response.status, data)


def _refusal(status, data):
    """Return the DeliveryError for a Bot API error answer (never naming the token)."""
    code = data.get("error_code") if _is_integer(data.get("error_code")) else status
    temporary = 429 in (code, status) or code >= 500 or status >= 500
    if code == 401 or code == 404:
        text = f"Telegram refused the bot token ({code})"
    else:
        text = f"Telegram refused the message ({code})"
    description = data.get("description")
    if isinstance(description, str) and description:
        text += f": {shorten(description)}"
    parameters = data.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if _is_integer(retry_after):
        text += f" (retry after {retry_after} seconds)"
    return DeliveryError(text, temporary=temporary)


def _replied_message_id(reply_to):
    parts = str(reply_to).split(":")
    if len(parts) < 2 or not parts[1].isascii() or not parts[1].isdigit():
        raise ValueError(f"{str(reply_to)[:60]!r} is not a Telegram message id (chat:message)")
    return int(parts[1])


def _message_text(message):
    """Return what a person reading the queue should see, or None for a notice."""
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return text
    caption = message.get("caption")
    if isinstance(caption, str) and caption.strip():
        return caption
    for key, marker in MEDIA:
        if key in message:
            return marker
    if SERVICE & message.keys() or "text" in message:
        return None
    # Something a person sent that this list does not know yet (a story, a gift...).
    return "[unsupported message]"


def _name(person):
    names = (person.get(key) for key in ("first_name", "last_name"))
    return " ".join(name.strip() for name in names if isinstance(name, str) and name.strip())[:120]


def _dict(value, what):
    if not isinstance(value, dict):
        raise PayloadError(f"{what} is not an object")
    return value


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(container, key, what):
    value = container.get(key)
    if not _is_integer(value) or abs(value) >= 2 ** 53:
        raise PayloadError(f"{what} has no {key!r} number")
    return value

