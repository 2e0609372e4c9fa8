"""What the console shows of a conversation's channel: where the customer wrote from (an
e-mail address and subject, a WhatsApp number, a Telegram chat), the files that came
with their messages (/agent/attachments/<id>, agents only), whether each reply left,
and "try again" for one that failed (/api/agent/deliveries/<id>/retry).
"""
import io

from flask import Blueprint, abort, g, jsonify, redirect, request, send_file, url_for

from bot import store
from bot.channels import outbox
from bot.store import channels as channel_store

from . import channels, csrf
from .auth import NEXT, api_login_required, login_required
from .context import get_db
from .errors import ApiError
from .i18n import filled, t
from .inputs import numeric_id

__all__ = ["bp", "channel_view"]

bp = Blueprint("agent_channels", __name__)
bp.url_value_preprocessor(numeric_id("attachment_id"))
bp.url_value_preprocessor(numeric_id("outbox_id"))

CHANNEL_TEXT = {
    "channel_via": {"ar": "وصلت عبر {channel}", "en": "Came in by {channel}"},
    "channel_subject": {"ar": "الموضوع", "en": "Subject"},
    "channel_mailbox": {"ar": "إلى صندوق {mailbox}", "en": "to the {mailbox} mailbox"},
    "channel_reply_goes": {"ar": "ردك يصل العميل عبر {channel}.",
                           "en": "Your reply reaches the customer by {channel}."},
    "channel_reply_elsewhere": {"ar": "ردك يصل العميل عبر {channel} ({address})، حيث كتب آخر مرة.",
                                "en": "Your reply reaches the customer by {channel} ({address}), "
                                      "where they wrote last."},
    "channel_attachment_missing": {"ar": "(لم يُحفظ: أكبر من الحد)",
                                   "en": "(not kept: over the size limit)"},
    "channel_identified": {"ar": "معروف برقمه أو حسابه في التطبيق (غير موثق)",
                           "en": "Known by their number or account on the app (not verified)"},
    "channel_known_by": {"ar": "يُعرف بـ", "en": "Known by"},
    "customer_history": {"ar": "سجل العميل كاملًا", "en": "The customer's whole history"},
    "customer_history_hint": {"ar": "كل رسائله في كل محادثاته: المحادثة والبريد وتطبيقات المراسلة.",
                              "en": "Every message of every conversation: the chat, e-mail and "
                                    "messaging apps."},
    "customer_no_messages": {"ar": "لا رسائل بعد.", "en": "No messages yet."},
    "customer_open_conversation": {"ar": "المحادثة", "en": "Conversation"},
    "customer_merge": {"ar": "دمج سجل آخر لنفس الشخص", "en": "Merge another record of this person"},
    "customer_merge_hint": {"ar": "البريد الإلكتروني أو رقم الهاتف أو معرّف المحادثة الذي يعرف به السجل الآخر.",
                            "en": "The e-mail address, phone number or chat id the other record "
                                  "is known by."},
    "customer_merge_address": {"ar": "العنوان", "en": "Address"},
    "customer_merge_button": {"ar": "دمج", "en": "Merge"},
    "customer_merged": {"ar": "تم الدمج: السجلان صارا سجلًا واحدًا.",
                        "en": "Merged: the two records are one history now."},
    "delivery_pending": {"ar": "في الطريق", "en": "Sending"},
    "delivery_sent": {"ar": "أُرسلت", "en": "Sent"},
    "delivery_retrying": {"ar": "لم تصل بعد، نعيد المحاولة (محاولات: {tries})",
                          "en": "Not delivered yet, trying again (tries: {tries})"},
    "delivery_failed": {"ar": "لم تصل", "en": "Not delivered"},
    "delivery_retry": {"ar": "أعد المحاولة", "en": "Try again"},
}


def ct(key, lang, **values):
    """Return the channel string ``key`` in ``lang``, ``{name}`` fields filled."""
    return filled(CHANNEL_TEXT[key][lang], values)


@bp.app_context_processor
def _channel_text():
    return {"ct": lambda key, **values: ct(key, g.get("lang", "ar"), **values)}


def channel_view(db, conversation_id, lang):
    """Return the conversation's channel as the console shows it, or None for a chat
    whose replies stay in the chat: its channel's name, the customer's address there, a
    mail's subject and the mailbox it reached (shops collect several addresses into one
    desk), the attachments by message id, each message's latest delivery, and
    ``reply_by``, the channel an agent's reply leaves by (where the customer wrote last,
    bot.store.channels.reply_route)."""
    conversation = store.get_conversation(db, conversation_id)
    if conversation is None:
        return None
    channel = conversation["channel"] or "web"
    route = channel_store.reply_route(db, conversation)
    reply_by = route["channel"] or "web"
    if channel == "web" and reply_by == "web":
        return None
    files = {}
    for attachment in channel_store.attachments_for(db, conversation_id):
        files.setdefault(attachment["message_id"], []).append(attachment)
    return {"channel": channel, "name": _name(channel, lang),
            "address": conversation["address"], "subject": conversation["subject"],
            "mailbox": conversation["mailbox"], "attachments": files,
            "deliveries": channel_store.deliveries_for(db, conversation_id),
            "reply_by": _name(reply_by, lang) if reply_by != "web" else None,
            "reply_elsewhere": route["id"] != conversation["id"],
            "reply_address": route["address"]}


def _name(channel, lang):
    # The console's one table of channel names (the insights' too).
    return t(f"ins_channel_{channel}", lang)


@bp.get("/agent/attachments/<attachment_id>")
@login_required
def attachment(attachment_id):
    """A customer's file, as a download: never shown inline (a customer's HTML or SVG
    must not run as the console's page), with its own sandboxing policy."""
    found = channel_store.get_attachment(get_db(), attachment_id)
    if found is None or found["data"] is None:
        abort(404)
    # send_file words Content-Disposition for any name: an ASCII fallback and the
    # UTF-8 filename* (RFC 6266), so an Arabic file name survives the header.
    response = send_file(io.BytesIO(found["data"]), mimetype="application/octet-stream",
                         as_attachment=True, download_name=found["filename"])
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/api/agent/deliveries/<outbox_id>/retry")
@api_login_required
def retry_delivery(outbox_id):
    """Try a failed delivery again now -> {"outbox": counts of the delivery round}."""
    db = get_db()
    if not outbox.retry_failed(db, outbox_id):
        raise ApiError("there is no failed delivery with that id", 404)
    return jsonify({"outbox": channels.deliver_now(db, [outbox_id])})


@bp.post("/agent/deliveries/<outbox_id>/retry")
@login_required
def retry_form(outbox_id):
    """The "try again" button of a failed reply: then back to the form's ``next`` (a
    console path), else the inbox."""
    csrf.protect()
    db = get_db()
    row = channel_store.get_delivery(db, outbox_id)
    if row is None:
        abort(404)
    if outbox.retry_failed(db, outbox_id):
        channels.deliver_now(db, [outbox_id])
    target = request.form.get("next", "")
    if not NEXT.fullmatch(target):
        handoff = store.latest_handoff(db, row["conversation_id"])
        target = (url_for("agent.handoff_page", handoff_id=handoff["id"]) if handoff
                  else url_for("agent.queue"))
    return redirect(target, 303)
