"""The channels' tables (m016): each message's id on its channel, the outbox, the
attachments, the addresses a customer is known by, and a conversation's channel.

    conversation = create_channel_conversation(db, "email", "mona@example.com", "ar",
                                               subject="Late order", mailbox="support")
    record_channel_message(db, "email", "<abc@mail>", conversation["id"], message_id, "in")
    queue_delivery(db, conversation, message_id)     # in the transaction that stored it
    due_deliveries(db, now_text)                     # what the deliverer sends next

Outbox statuses: "pending" (waiting for its ``next_attempt``), "sent", "failed" (given up:
shown to the agent, never dropped silently).
"""
import secrets

from .connection import first_row, insert_row, now, transaction
from .conversations import get_conversation

__all__ = ["OUTBOX_STATUSES", "CHANNELS", "create_channel_conversation", "latest_channel_conversation",
           "conversation_of_external", "last_message_at", "messages_from", "record_channel_message", "is_known_external",
           "thread_of", "queue_delivery", "due_deliveries", "take_delivery", "mark_sent",
           "mark_retry", "mark_failed", "retry_delivery", "get_delivery", "deliveries_of", "deliveries_for", "reply_route",
           "delivery_with_external", "outbox_counts", "failed_deliveries", "add_attachment",
           "attachments_for", "get_attachment", "customer_by_address", "add_customer_address",
           "customer_addresses"]

OUTBOX_STATUSES = ("pending", "sent", "failed")
# What a conversation's ``channel`` may be: "web" (the chat page and the widget), or one
# that bot/channels brings in.
CHANNELS = ("web", "email", "whatsapp", "telegram")


# --- conversations on a channel -------------------------------------------------------------

def create_channel_conversation(db, channel, address, lang, *, subject="", mailbox="",
                                name=""):
    """Start a conversation that came in on ``channel`` from ``address``; return its row."""
    pk = insert_row(db, "conversations", {
        "token": secrets.token_urlsafe(24), "lang": lang, "client": "", "name": name or "",
        "email": address if channel == "email" else "", "created": now(),
        "channel": channel, "address": address, "subject": subject or "",
        "mailbox": mailbox or ""})
    return get_conversation(db, pk)


def latest_channel_conversation(db, channel, address):
    """Return the newest conversation on ``channel`` with ``address``, or None."""
    return first_row(db.query("SELECT * FROM conversations WHERE channel = ? AND address = ? "
                              "ORDER BY id DESC LIMIT 1", [channel, address]))


def conversation_of_external(db, channel, external_ids):
    """Return the conversation one of ``external_ids`` (a mail's References, say) belongs
    to — the newest match — or None."""
    external_ids = [e for e in external_ids if e]
    if not external_ids:
        return None
    marks = ", ".join("?" * len(external_ids))
    row = first_row(db.query(f"SELECT conversation_id FROM channel_messages WHERE channel = ? "
                             f"AND external_id IN ({marks}) ORDER BY id DESC LIMIT 1",
                             [channel, *external_ids]))
    return get_conversation(db, row["conversation_id"]) if row else None


def last_message_at(db, conversation_id):
    """Return when the conversation's newest message was written (ISO), or None."""
    row = first_row(db.query("SELECT created FROM messages WHERE conversation_id = ? "
                             "ORDER BY id DESC LIMIT 1", [conversation_id]))
    return row["created"] if row else None


def messages_from(db, channel, address, since):
    """Return how many customer messages ``address`` wrote on ``channel`` since ``since``
    (ISO)."""
    return first_row(db.query(
        "SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE c.channel = ? AND c.address = ? AND m.role = 'customer' AND m.created >= ?",
        [channel, address, since]))["n"]


def record_channel_message(db, channel, external_id, conversation_id, message_id, direction):
    """Remember ``external_id`` as the channel's id of a message ("in" or "out"); return
    False when the channel already had it (the same mail taken twice), else True. Checked
    under the write lock rather than by catching the unique index's error, which on
    PostgreSQL would abort the caller's whole transaction."""
    with transaction(db):
        if is_known_external(db, channel, external_id):
            return False
        insert_row(db, "channel_messages", {
            "channel": channel, "external_id": external_id,
            "conversation_id": conversation_id, "message_id": message_id,
            "direction": direction, "created": now()})
    return True


def answers_agent(db, channel, external_ids):
    """Return whether one of ``external_ids`` (a mail's References) is the channel's id
    of a message an agent wrote."""
    external_ids = [e for e in external_ids if e]
    if not external_ids:
        return False
    marks = ", ".join("?" * len(external_ids))
    return first_row(db.query(
        f"SELECT 1 AS found FROM channel_messages cm JOIN messages m ON m.id = cm.message_id "
        f"WHERE cm.channel = ? AND cm.external_id IN ({marks}) AND m.role = 'agent' LIMIT 1",
        [channel, *external_ids])) is not None


def thread_of(db, conversation_id, channel):
    """Return the channel ids of the conversation's messages, oldest first (a reply's
    References)."""
    return [row["external_id"] for row in db.query(
        "SELECT external_id FROM channel_messages WHERE conversation_id = ? AND channel = ? "
        "ORDER BY id", [conversation_id, channel])]


def is_known_external(db, channel, external_id):
    """Return True when the channel's message ``external_id`` was stored already."""
    return first_row(db.query("SELECT 1 AS known FROM channel_messages WHERE channel = ? AND "
                              "external_id = ?", [channel, external_id])) is not None


# --- the outbox -----------------------------------------------------------------------------

def queue_delivery(db, conversation, message_id, text, *, reply_to=""):
    """Queue ``text`` (the stored message ``message_id``, as it reads on the channel) to
    leave on the conversation's channel, to its address; return the outbox row's id
    (None for a web conversation, which reads its messages itself). ``reply_to``: the
    channel's id of the message it answers."""
    if conversation.get("channel", "web") == "web":
        return None
    return insert_row(db, "outbox", {
        "conversation_id": conversation["id"], "message_id": message_id,
        "channel": conversation["channel"], "address": conversation["address"],
        "text": text, "status": "pending", "attempts": 0, "next_attempt": now(),
        "error": "", "reply_to": reply_to or "", "external_id": "", "created": now(),
        "sent": None})


def due_deliveries(db, at, limit=50, only=None):
    """Return the pending outbox rows whose next attempt is at or before ``at`` (ISO),
    oldest first (``only``: of these ids), each with its message's role and the
    conversation's subject, mailbox and lang."""
    ids = list(only or ())
    chosen = f"AND o.id IN ({', '.join('?' * len(ids))})" if only is not None else ""
    if only is not None and not ids:
        return []
    return [dict(row) for row in db.query(
        "SELECT o.*, m.role, c.subject, c.mailbox, c.lang FROM outbox o "
        "JOIN messages m ON m.id = o.message_id JOIN conversations c ON c.id = o.conversation_id "
        f"WHERE o.status = 'pending' AND o.next_attempt <= ? {chosen} ORDER BY o.id LIMIT ?",
        [at, *ids, limit])]


def take_delivery(db, outbox_id, at, until):
    """Lease a due delivery until ``until`` (ISO), so two deliverers (workers, machines)
    never send it both; return True when this caller has it. A deliverer that dies
    holding it leaves it to be tried again once the lease runs out."""
    return db.execute("UPDATE outbox SET next_attempt = ? WHERE id = ? AND status = 'pending' "
                      "AND next_attempt <= ?", [until, outbox_id, at]).rowcount == 1


def mark_sent(db, outbox_id, external_id):
    """Record the delivery as sent with the channel's id of what left."""
    db.execute("UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent = ?, "
               "external_id = ?, error = '' WHERE id = ?", [now(), external_id, outbox_id])


def mark_retry(db, outbox_id, error, next_attempt):
    """Record a failed attempt that is worth another at ``next_attempt`` (ISO)."""
    db.execute("UPDATE outbox SET attempts = attempts + 1, error = ?, next_attempt = ? "
               "WHERE id = ?", [error, next_attempt, outbox_id])


def mark_failed(db, outbox_id, error):
    """Give up on a delivery: "failed", with the last error (the agent sees it)."""
    db.execute("UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? "
               "WHERE id = ?", [error, outbox_id])


def retry_delivery(db, outbox_id, at):
    """Put a failed delivery back in the queue (an agent's "try again"); return True when
    there was one to put back."""
    # Its tries start again: the agent asked, so a blip gets its back-off as before.
    return db.execute("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt = ? "
                      "WHERE id = ? AND status = 'failed'", [at, outbox_id]).rowcount == 1


def get_delivery(db, outbox_id):
    """Return one outbox row, or None."""
    return first_row(db.query("SELECT * FROM outbox WHERE id = ?", [outbox_id]))


def deliveries_of(db, message_id):
    """Return the ids of the outbox rows that carry message ``message_id``."""
    return [row["id"] for row in db.query("SELECT id FROM outbox WHERE message_id = ?",
                                          [message_id])]


def deliveries_for(db, conversation_id):
    """Return {message id: the latest outbox row for it} for the conversation's messages
    (a reply may leave by another of the customer's conversations: reply_route)."""
    found = {}
    for row in db.query("SELECT o.* FROM outbox o JOIN messages m ON m.id = o.message_id "
                        "WHERE m.conversation_id = ? ORDER BY o.id", [conversation_id]):
        found[row["message_id"]] = dict(row)
    return found


def reply_route(db, conversation):
    """Return the conversation a reply in ``conversation`` leaves by: the customer's
    conversation on a channel beyond the chat where they wrote last, when that is newer
    than their last message here (they mailed after leaving the chat: the reply goes by
    mail, in that thread); else ``conversation`` itself."""
    if not conversation.get("customer_id"):
        return conversation
    row = first_row(db.query(
        "SELECT m.conversation_id, m.id FROM messages m JOIN conversations c ON "
        "c.id = m.conversation_id WHERE c.customer_id = ? AND m.role = 'customer' "
        # Not an auto-reply ("out of office") or a command: no sign of where they read.
        "AND m.data NOT LIKE '%\"not_answered\"%' AND m.data NOT LIKE '%\"command\"%' "
        "ORDER BY m.id DESC LIMIT 1", [conversation["customer_id"]]))
    if row is None or row["conversation_id"] == conversation["id"]:
        return conversation
    latest = get_conversation(db, row["conversation_id"])
    if (latest.get("channel") or "web") == "web":
        return conversation  # a chat reads its own conversation only
    return latest


def delivery_with_external(db, channel, external_id):
    """Return the sent delivery the channel knows as ``external_id``, with its
    conversation's lang, or None."""
    return first_row(db.query(
        "SELECT o.*, c.lang FROM outbox o JOIN conversations c ON c.id = o.conversation_id "
        "WHERE o.channel = ? AND o.external_id = ? AND o.external_id != '' LIMIT 1",
        [channel, external_id]))


def outbox_counts(db):
    """Return {status: how many outbox rows have it}."""
    return {row["status"]: row["n"] for row in db.query(
        "SELECT status, count(*) AS n FROM outbox GROUP BY status")}


def failed_deliveries(db, limit=100):
    """Return the outbox rows given up on, newest first."""
    return [dict(row) for row in db.query(
        "SELECT * FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?", [limit])]


# --- attachments ----------------------------------------------------------------------------

def add_attachment(db, conversation_id, message_id, attachment):
    """Store a bot.channels.Attachment of the customer's message; return its id."""
    return insert_row(db, "attachments", {
        "conversation_id": conversation_id, "message_id": message_id,
        "filename": attachment.filename, "content_type": attachment.content_type,
        "size": attachment.size, "data": attachment.data, "created": now()})


def attachments_for(db, conversation_id):
    """Return the conversation's attachments without their bytes (``stored``: whether
    the file was kept), oldest first."""
    return [dict(row) for row in db.query(
        "SELECT id, message_id, filename, content_type, size, data IS NOT NULL AS stored, "
        "created FROM attachments WHERE conversation_id = ? ORDER BY id", [conversation_id])]


def get_attachment(db, attachment_id):
    """Return one attachment with its bytes, or None."""
    row = first_row(db.query("SELECT * FROM attachments WHERE id = ?", [attachment_id]))
    if row is not None and isinstance(row["data"], memoryview):
        row = {**row, "data": bytes(row["data"])}
    return row


# --- one customer, many addresses -----------------------------------------------------------

def customer_by_address(db, channel, address):
    """Return the id of the customer known by ``address`` on ``channel``, or None."""
    row = first_row(db.query("SELECT customer_id FROM customer_addresses WHERE channel = ? "
                             "AND address = ?", [channel, address]))
    return row["customer_id"] if row else None


def add_customer_address(db, customer_id, channel, address):
    """Record that the customer is known by ``address`` on ``channel`` (nothing when the
    address is someone's already)."""
    with transaction(db):
        if customer_by_address(db, channel, address) is None:
            insert_row(db, "customer_addresses", {"customer_id": customer_id,
                                                  "channel": channel, "address": address,
                                                  "created": now()})


def customer_addresses(db, customer_id):
    """Return the customer's (channel, address) pairs, in the order they were learned."""
    return [(row["channel"], row["address"]) for row in db.query(
        "SELECT channel, address FROM customer_addresses WHERE customer_id = ? ORDER BY id",
        [customer_id])]
