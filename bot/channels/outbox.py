"""Delivering what waits in the outbox: each due row goes to its channel's sender; a
temporary failure is tried again later (BACKOFF), a permanent one — or the last of the
tries — marks it "failed" and tells the agent in the conversation, so nothing is dropped
silently.

    senders = {"email": send_email, "whatsapp": send_whatsapp}   # bot/channels/senders.py
    deliver_due(db, senders)          # {"sent": 2, "retried": 1, "failed": 0}

A sender is called with the outbox row (its ``text``, ``address``, ``reply_to``, the
conversation's ``subject``, ``mailbox`` and ``lang``, the message's ``role``) and the
conversation's thread (the channel ids of its messages, oldest first); it returns the
channel's id of what it sent, or raises bot.channels.DeliveryError.

Each row is leased before it is sent (bot.store.channels.take_delivery), so deliverers
on several workers or machines never send one twice while all are alive. One that dies
between the send and its record leaves the row to be sent again when the lease ends:
at least once, never lost.
"""
import datetime
import logging

from bot import store
from bot.messages import message
from bot.store import channels as channel_store

from . import DeliveryError

log = logging.getLogger(__name__)

__all__ = ["BACKOFF", "LEASE_SECONDS", "CHANNEL_NAMES", "deliver_due", "retry_failed", "provider_failed"]

# Seconds before each retry: quick at first (a blip), then spread over some hours (an
# outage); after the last one the delivery is given up and shown to the agent.
BACKOFF = (30, 120, 600, 1800, 3600, 3 * 3600)
# A send takes seconds; a lease this long outlives any, and a crashed deliverer's rows
# go out again within minutes.
LEASE_SECONDS = 300
CHANNEL_NAMES = {"email": {"ar": "البريد الإلكتروني", "en": "e-mail"},
                 "whatsapp": {"ar": "واتساب", "en": "WhatsApp"},
                 "telegram": {"ar": "تيليجرام", "en": "Telegram"}}


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


def deliver_due(db, senders, *, at=None, limit=50, only=None):
    """Send the deliveries due at ``at`` (an aware datetime; the clock by default) with
    ``senders`` ({channel: sender}); ``only``: just these outbox ids. Return {"sent": n,
    "retried": n, "failed": n}."""
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for row in channel_store.due_deliveries(db, _iso(at or _now()), limit, only=only):
        # Each lease and back-off from its own moment (the clock, unless ``at`` is
        # given): after a few slow sends a lease taken from the round's start would be
        # over already, and another deliverer would send the same reply again.
        moment = at or _now()
        with store.transaction(db):
            leased = channel_store.take_delivery(
                db, row["id"], _iso(moment),
                _iso(moment + datetime.timedelta(seconds=LEASE_SECONDS)))
        if leased:
            counts[_deliver(db, senders, row, at or _now())] += 1
    return counts


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _deliver(db, senders, row, at):
    sender = senders.get(row["channel"])
    try:
        if sender is None:
            raise DeliveryError(f"{row['channel']} is not set up on this server "
                                f"(README: Channels)")
        thread = channel_store.thread_of(db, row["conversation_id"], row["channel"])
        external_id = sender(row, thread)
    except DeliveryError as error:
        return _failed(db, row, str(error)[:500], error.temporary, at)
    except Exception as error:  # a sender's own bug must not stop the others' deliveries
        log.exception("delivery %s failed", row["id"])
        return _failed(db, row, f"unexpected error: {type(error).__name__}", True, at)
    with store.transaction(db):
        channel_store.mark_sent(db, row["id"], external_id)
        if external_id:
            channel_store.record_channel_message(db, row["channel"], external_id,
                                                 row["conversation_id"], row["message_id"],
                                                 "out")
    return "sent"


def _failed(db, row, error, temporary, at):
    tries = row["attempts"] + 1
    with store.transaction(db):
        if temporary and tries <= len(BACKOFF):
            later = at + datetime.timedelta(seconds=BACKOFF[tries - 1])
            channel_store.mark_retry(db, row["id"], error, _iso(later))
            return "retried"
        _give_up(db, row, error)
        return "failed"


def _give_up(db, row, error):
    """Mark the delivery failed and tell the agent in the conversation."""
    with store.transaction(db):
        channel_store.mark_failed(db, row["id"], error)
        lang = row.get("lang") or "ar"
        handoff = store.active_handoff(db, row["conversation_id"])
        channel = CHANNEL_NAMES.get(row["channel"], {}).get(lang, row["channel"])
        store.add_message(db, row["conversation_id"], "system",
                          message("delivery_failed", lang).format(channel=channel, error=error),
                          {"kind": "delivery_failed", "outbox_id": row["id"],
                           "message_id": row["message_id"]},
                          handoff_id=handoff["id"] if handoff else None)


def provider_failed(db, channel, external_id, error):
    """A delivery the provider took and then reports failed (a WhatsApp status): marked
    "failed" and shown to the agent like one that never left; False when unknown."""
    with store.transaction(db):
        row = channel_store.delivery_with_external(db, channel, external_id)
        if row is None:
            log.warning("%s reports %s failed, a message the outbox does not know: %s",
                        channel, external_id, error)
            return False
        if row["status"] == "failed":
            return False
        _give_up(db, row, str(error)[:500])
        return True


def retry_failed(db, outbox_id, at=None):
    """Put a failed delivery back in the queue for the next run (an agent's "try
    again"); return True when there was one."""
    at = at or datetime.datetime.now(datetime.timezone.utc)
    with store.transaction(db):
        return channel_store.retry_delivery(db, outbox_id, _iso(at))
