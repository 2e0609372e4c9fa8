"""The chat: the conversations, messages, handoffs and ratings tables, and the rate-limit
counts over them.

A conversation is one customer's chat (its token is the only key to it); messages are its
lines (customer, bot, agent, system); a handoff puts the conversation in the agents' queue
until an agent resolves it. At most one handoff per conversation is active (open or
claimed): a partial unique index (schema.m002_conversations) makes that a fact of the file,
so two requests escalating at once cannot open two.
"""
import hmac
import json
import secrets

from .connection import decode_message, first_row, insert_row, is_postgres, now, transaction
from .help_center import MAX_COMMENT_LENGTH

HANDOFF_STATUSES = ("open", "claimed", "resolved")
OUTCOMES = ("article", "no_article", "not_support")


# --- conversations and messages -------------------------------------------------------------

def create_conversation(db, lang, client=""):
    """Start a conversation; return its row (with the new unguessable ``token``)."""
    token = secrets.token_urlsafe(24)
    pk = db["conversations"].insert({"token": token, "lang": lang, "client": client,
                                     "name": "", "email": "", "created": now()}).last_pk
    return get_conversation(db, pk)


def get_conversation(db, conversation_id, token=None):
    """Return the conversation's row, or None when there is none or ``token`` (when
    given) is not its token."""
    row = first_row(db.query("SELECT * FROM conversations WHERE id = ?", [conversation_id]))
    if row is None or (token is not None and not hmac.compare_digest(
            row["token"].encode(), str(token).encode())):
        return None
    return row


def set_contact(db, conversation_id, name, email):
    """Store the customer's (already checked) name and e-mail; empty ones keep the old."""
    db.execute("UPDATE conversations SET name = coalesce(nullif(?, ''), name), "
               "email = coalesce(nullif(?, ''), email) WHERE id = ?",
               [name or "", email or "", conversation_id])


def add_message(db, conversation_id, role, text, data=None, handoff_id=None, *, key=None,
                reply_to=None):
    """Store one line of a conversation; return it as a dict (``data`` decoded). ``key``:
    the client's idempotency key of a customer message (unique in the conversation:
    look for it first with ``message_with_key``); ``reply_to``: the id of the customer
    message this line answers."""
    row = {"conversation_id": conversation_id, "role": role, "text": text,
           "data": json.dumps(data or {}, ensure_ascii=False), "handoff_id": handoff_id,
           "created": now()}
    # Only when given: a file migrated by an older release (before m008) can still be
    # written to until it is opened with open_db.
    row.update({k: v for k, v in (("idempotency_key", key), ("reply_to", reply_to))
                if v is not None})
    # One plain INSERT: sqlite-utils' insert reads the table's columns first, which
    # cost a chat message some 0.4 ms twice over.
    if is_postgres(db):
        # Under the write lock: ids are then given in commit order, so a client
        # reading past its last id (messages(after=...)) never skips a line.
        with transaction(db):
            pk = insert_row(db, "messages", row)
    else:
        pk = insert_row(db, "messages", row)
    return decode_message(next(db.query("SELECT * FROM messages WHERE id = ?", [pk])))


def message_with_key(db, conversation_id, key):
    """Return the conversation's message stored with idempotency ``key`` (decoded), or
    None when there is none."""
    row = first_row(db.query("SELECT * FROM messages WHERE conversation_id = ? AND "
                             "idempotency_key = ?", [conversation_id, key]))
    return decode_message(row) if row else None


def replies_to(db, message):
    """Return the messages stored in answer to the customer ``message`` (a dict with its
    id and conversation_id): the bot's reply, a handoff's notice; oldest first."""
    # (conversation_id, id) is indexed; reply_to alone is not.
    return [decode_message(row) for row in db.query(
        "SELECT * FROM messages WHERE conversation_id = ? AND id > ? AND reply_to = ? "
        "ORDER BY id", [message["conversation_id"], message["id"], message["id"]])]


def messages(db, conversation_id, after=0):
    """Return the conversation's messages with an id above ``after``, oldest first."""
    return [decode_message(row) for row in db.query(
        "SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id",
        [conversation_id, after])]


def last_bot_message(db, conversation_id):
    """Return the conversation's latest bot message, or None."""
    row = first_row(db.query("SELECT * FROM messages WHERE conversation_id = ? AND "
                             "role = 'bot' ORDER BY id DESC LIMIT 1", [conversation_id]))
    return decode_message(row) if row else None


# --- rate-limit counts ----------------------------------------------------------------------

def customer_times(db, *, conversation_id=None, client=None, since):
    """Return the ``created`` times (ISO) of customer messages since ``since`` (ISO), in
    one conversation or from one client address."""
    if conversation_id is not None:
        rows = db.query("SELECT created FROM messages WHERE conversation_id = ? AND "
                        "role = 'customer' AND created >= ?", [conversation_id, since])
    else:
        rows = db.query("SELECT m.created FROM messages m JOIN conversations c ON "
                        "c.id = m.conversation_id WHERE c.client = ? AND m.role = 'customer' "
                        "AND m.created >= ?", [client, since])
    return [row["created"] for row in rows]


def conversation_times(db, client, since):
    """Return the ``created`` times (ISO) of conversations started by ``client`` since
    ``since``."""
    return [row["created"] for row in db.query(
        "SELECT created FROM conversations WHERE client = ? AND created >= ?", [client, since])]


# --- handoffs -------------------------------------------------------------------------------

_HANDOFF = """
SELECT h.*, c.name, c.email,
  coalesce(h.first_question, (SELECT text FROM messages m WHERE m.handoff_id = h.id
     AND m.role = 'customer' ORDER BY m.id LIMIT 1), '') AS question,
  (SELECT count(*) FROM messages m WHERE m.handoff_id = h.id AND m.role = 'customer')
     AS customer_messages
FROM handoffs h JOIN conversations c ON c.id = h.conversation_id
"""


def _handoff(row):
    if row is None:
        return None
    row = dict(row)
    row["candidates"] = json.loads(row["candidates"]) if row.get("candidates") else []
    return row


def get_handoff(db, handoff_id):
    """Return the handoff with the customer's contact details and first question, or None."""
    return _handoff(first_row(db.query(_HANDOFF + "WHERE h.id = ?", [handoff_id])))


def active_handoff(db, conversation_id):
    """Return the conversation's open or claimed handoff, or None."""
    return _handoff(first_row(db.query(_HANDOFF + "WHERE h.conversation_id = ? AND "
                                       "h.status != 'resolved'", [conversation_id])))


def latest_handoff(db, conversation_id):
    """Return the conversation's most recent handoff (any status), or None."""
    return _handoff(first_row(db.query(_HANDOFF + "WHERE h.conversation_id = ? ORDER BY "
                                       "h.id DESC LIMIT 1", [conversation_id])))


def open_handoff(db, conversation_id, *, reason, lang, first_question=None, candidates=()):
    """Put the conversation in the agents' queue; return (handoff, created): the active
    handoff it already has comes back with created False."""
    with transaction(db):
        existing = active_handoff(db, conversation_id)
        if existing:
            return existing, False
        pk = db["handoffs"].insert({
            "conversation_id": conversation_id, "status": "open", "reason": reason,
            "lang": lang, "first_question": first_question or None,
            "candidates": json.dumps(list(candidates), ensure_ascii=False),
            "created": now()}).last_pk
        return get_handoff(db, pk), True


def attach_message(db, message_id, handoff_id):
    """Count the message as part of the handoff (the one that opened it)."""
    db.execute("UPDATE messages SET handoff_id = ? WHERE id = ?", [handoff_id, message_id])


def join_handoff(db, handoff_id, message_id, text):
    """Attach a customer message to the handoff (its first one becomes the question
    when the handoff has none yet)."""
    db.execute("UPDATE messages SET handoff_id = ? WHERE id = ?", [handoff_id, message_id])
    db.execute("UPDATE handoffs SET first_question = ? WHERE id = ? AND first_question IS NULL",
               [text, handoff_id])


def claim_handoff(db, handoff_id, agent):
    """Give an open handoff to ``agent`` in one conditional UPDATE; return True when this
    call won it (False: someone else holds it, it is resolved, or there is none)."""
    cursor = db.execute("UPDATE handoffs SET assignee = ?, status = 'claimed', claimed = ? "
                        "WHERE id = ? AND status = 'open'", [agent, now(), handoff_id])
    return cursor.rowcount == 1


def release_handoff(db, handoff_id, agent):
    """Put ``agent``'s claimed handoff back in the queue (automatic assignment then
    passes them over for it); return True when it was theirs."""
    cursor = db.execute("UPDATE handoffs SET assignee = NULL, status = 'open', claimed = NULL, "
                        "released_by = ? WHERE id = ? AND status = 'claimed' AND assignee = ?",
                        [agent, handoff_id, agent])
    return cursor.rowcount == 1


def assign_handoff(db, handoff_id, agent):
    """Give an open handoff to ``agent`` automatically, in one conditional UPDATE that
    holds only while the agent is online and under capacity; return True when it was
    given (False: it is no longer open, or the agent is not available). The agent's
    ``last_assigned`` is then now."""
    moment = now()
    cursor = db.execute(
        "UPDATE handoffs SET assignee = ?, status = 'claimed', claimed = ?, released_by = NULL "
        "WHERE id = ? AND status = 'open' AND EXISTS (SELECT 1 FROM agents a WHERE "
        "a.name = ? AND a.status = 'online' AND a.capacity > (SELECT count(*) FROM handoffs "
        "x WHERE x.status = 'claimed' AND x.assignee = ?))",
        [agent, moment, handoff_id, agent, agent])
    if cursor.rowcount != 1:
        return False
    db.execute("UPDATE agents SET last_assigned = ? WHERE name = ?", [moment, agent])
    return True


def route_handoff(db, handoff_id, team):
    """File the handoff under ``team`` (routing's choice at opening)."""
    db.execute("UPDATE handoffs SET team = ? WHERE id = ?", [team, handoff_id])


def waiting_handoffs(db, unrouted=False, limit=500):
    """Return the open handoffs (with ``unrouted``, only those without a team) oldest
    first, as routing needs them: id, team, level, released_by, and the candidates and
    language (to route one without a team)."""
    where = "AND team IS NULL" if unrouted else ""
    return [_handoff(row) for row in db.query(
        f"SELECT id, team, level, released_by, candidates, lang FROM handoffs "
        f"WHERE status = 'open' {where} ORDER BY id LIMIT ?", [limit])]


def transfer_handoff(db, handoff_id, agent, *, kind, reason, to_team, to_level,
                     to_agent=None):
    """Move ``agent``'s claimed handoff to ``to_team`` at ``to_level`` — held by
    ``to_agent`` when given, else open in that team's queue — and record the transfer
    (``kind`` "transfer" or "escalate") with ``reason``; return True when the handoff
    was ``agent``'s. A new level restarts the handoff's targets."""
    with transaction(db):
        before = first_row(db.query(
            "SELECT team, level FROM handoffs WHERE id = ? AND status = 'claimed' "
            "AND assignee = ?", [handoff_id, agent]))
        if before is None:
            return False
        moment = now()
        level_since = moment if to_level != before["level"] else None
        db.execute(
            "UPDATE handoffs SET team = ?, level = ?, level_since = coalesce(?, level_since), "
            "assignee = ?, status = ?, claimed = ?, released_by = NULL "
            "WHERE id = ? AND status = 'claimed' AND assignee = ?",
            [to_team, to_level, level_since, to_agent, "claimed" if to_agent else "open",
             moment if to_agent else None, handoff_id, agent])
        insert_row(db, "transfers", {
            "handoff_id": handoff_id, "kind": kind, "from_agent": agent, "to_agent": to_agent,
            "from_team": before["team"], "to_team": to_team, "from_level": before["level"],
            "to_level": to_level, "reason": reason, "created": moment})
        return True


def handoff_details(db, handoff_ids):
    """Return {handoff id: details} for the agents' view of the handoffs: when each
    reached its level (``level_started``: its targets count from then), the first agent
    reply since (``first_response``, or None), and its latest transfer or escalation
    (``transfer``: kind, from_agent, from_team, from_level, reason, created; or None),
    and the conversation's ``channel`` (bot/channels).
    One query for them all; kept apart from the handoff's own query, which the
    customer's every message runs."""
    ids = [int(i) for i in handoff_ids]
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = db.query(f"""
SELECT h.id, coalesce(h.level_since, h.created) AS level_started,
  (SELECT min(m.created) FROM messages m WHERE m.handoff_id = h.id AND m.role = 'agent'
     AND m.created >= coalesce(h.level_since, h.created)) AS first_response,
  t.kind, t.from_agent, t.from_team, t.from_level, t.reason, t.created, c.channel
FROM handoffs h JOIN conversations c ON c.id = h.conversation_id
LEFT JOIN transfers t ON t.id = (SELECT max(x.id) FROM transfers x WHERE x.handoff_id = h.id)
WHERE h.id IN ({marks})""", ids)
    details = {}
    for row in rows:
        transfer = ({key: row[key] for key in ("kind", "from_agent", "from_team",
                                               "from_level", "reason", "created")}
                    if row["kind"] else None)
        details[row["id"]] = {"level_started": row["level_started"],
                              "first_response": row["first_response"], "transfer": transfer,
                              "channel": row["channel"] or "web"}
    return details


def transfers_for(db, handoff_id):
    """Return the handoff's transfers and escalations, oldest first."""
    return list(db.query("SELECT * FROM transfers WHERE handoff_id = ? ORDER BY id",
                         [handoff_id]))


def resolve_handoff(db, handoff_id, agent, outcome, article_id=None):
    """Close ``agent``'s claimed handoff with ``outcome``; return True when it was theirs."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    cursor = db.execute(
        "UPDATE handoffs SET status = 'resolved', resolved = ?, outcome = ?, article_id = ? "
        "WHERE id = ? AND status = 'claimed' AND assignee = ?",
        [now(), outcome, article_id if outcome == "article" else None, handoff_id, agent])
    return cursor.rowcount == 1


def handoffs(db, status="open", agent=None, limit=200, team=None):
    """Return the queue: "open" (oldest first), "mine" (``agent``'s claimed ones, oldest
    first) or "resolved" (newest first); with ``team``, only that team's."""
    if status == "open":
        where, params, order = "h.status = 'open'", [], "h.id"
    elif status == "mine":
        where, params, order = "h.status = 'claimed' AND h.assignee = ?", [agent], "h.id"
    elif status == "resolved":
        where, params, order = "h.status = 'resolved'", [], "h.id DESC"
    else:
        raise ValueError(f"unknown queue {status!r}: open, mine or resolved")
    if team is not None:
        where, params = f"{where} AND h.team = ?", [*params, team]
    return [_handoff(row) for row in db.query(
        f"{_HANDOFF} WHERE {where} ORDER BY {order} LIMIT ?", [*params, limit])]


def queue_position(db, handoff_id):
    """Return the open handoff's place in its queue — its team's at its level, which is
    who will answer it (1 = next) — or 0 when it is not open."""
    row = next(db.query(
        "SELECT count(*) AS ahead FROM handoffs h JOIN handoffs me ON me.id = ? "
        "AND me.status = 'open' WHERE h.status = 'open' AND h.id <= me.id "
        "AND coalesce(h.team, '') = coalesce(me.team, '') AND h.level = me.level",
        [handoff_id]))
    return row["ahead"]


# --- ratings --------------------------------------------------------------------------------

def add_rating(db, conversation_id, handoff_id, score, comment=""):
    """Store the customer's 1–5 rating of a resolved handoff; return the row id, or None
    when that handoff was already rated."""
    if is_rated(db, handoff_id):
        return None
    # A rating's comment is held to the same length as an article comment.
    return db["ratings"].insert({
        "conversation_id": conversation_id, "handoff_id": handoff_id, "score": int(score),
        "comment": (comment or "").strip()[:MAX_COMMENT_LENGTH], "created": now()}).last_pk


def handoff_rating(db, handoff_id):
    """Return the handoff's rating as {"score", "comment"}, or None when it has none."""
    return first_row(db.query("SELECT score, comment FROM ratings WHERE handoff_id = ?",
                              [handoff_id]))


def is_rated(db, handoff_id):
    """Return True when the customer has rated the handoff."""
    return first_row(db.query("SELECT 1 FROM ratings WHERE handoff_id = ? LIMIT 1",
                              [handoff_id])) is not None
