"""How far each agent has read each handoff's conversation (the agent_reads table): the
inbox's unread counts. Only customer messages count as unread: the agent's own lines,
the bot's and the system's need no answer."""
from .connection import now, transaction

__all__ = ["mark_read", "unread_counts", "last_seen", "newest_message_id"]


def mark_read(db, agent, handoff_id, message_id):
    """Record that ``agent`` has seen the handoff's conversation up to ``message_id``;
    a mark never moves back (a late request for an older message changes nothing).
    Return the agent's mark after the call."""
    with transaction(db):
        # One statement both backends read: ON CONFLICT upserts, and the CASE keeps the
        # higher mark (SQLite's max() and PostgreSQL's greatest() differ in name).
        db.execute(
            "INSERT INTO agent_reads (agent, handoff_id, last_seen_message_id, updated) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (agent, handoff_id) DO UPDATE SET "
            "last_seen_message_id = CASE WHEN excluded.last_seen_message_id > "
            "agent_reads.last_seen_message_id THEN excluded.last_seen_message_id "
            "ELSE agent_reads.last_seen_message_id END, updated = excluded.updated",
            [agent, handoff_id, message_id, now()])
    return last_seen(db, agent, handoff_id)


def last_seen(db, agent, handoff_id):
    """Return the newest message id ``agent`` has seen of the handoff (0: none)."""
    rows = list(db.query("SELECT last_seen_message_id FROM agent_reads WHERE agent = ? AND "
                         "handoff_id = ?", [agent, handoff_id]))
    return rows[0]["last_seen_message_id"] if rows else 0


def unread_counts(db, agent, handoff_ids):
    """Return {handoff id: how many customer messages of its conversation ``agent`` has
    not seen} for the given handoffs (0 for those all seen), in one query over the
    messages' (conversation_id, id) index."""
    ids = [int(i) for i in handoff_ids]
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = db.query(f"""
SELECT h.id AS handoff_id, count(m.id) AS unread
FROM handoffs h
LEFT JOIN agent_reads r ON r.agent = ? AND r.handoff_id = h.id
JOIN messages m ON m.conversation_id = h.conversation_id AND m.role = 'customer'
  AND m.id > coalesce(r.last_seen_message_id, 0)
WHERE h.id IN ({marks})
GROUP BY h.id""", [agent, *ids])
    counts = dict.fromkeys(ids, 0)
    counts.update({row["handoff_id"]: row["unread"] for row in rows})
    return counts


def newest_message_id(db, conversation_id):
    """Return the id of the conversation's newest message (0 when it has none)."""
    rows = list(db.query("SELECT max(id) AS newest FROM messages WHERE conversation_id = ?",
                         [conversation_id]))
    return (rows[0]["newest"] if rows else None) or 0
