""""Typing…" on either side of a conversation (m015's columns on conversations): until
when the customer, and the agent holding it, count as typing, in seconds since the
epoch. The text being typed is never sent nor kept: only that someone types.

A ping arrives every few seconds while a person types, and every stream reads these
columns at every look, on whichever node: so a ping reads first and writes only when
the stored moment is older than ``every`` seconds — most pings of a fast typist take
no write lock at all.
"""
from .connection import first_row, transaction

__all__ = ["SIDES", "typing_of", "mark_typing", "stop_typing", "customers_typing"]

# The side -> its column: the only names that reach the SQL text.
SIDES = {"customer": "customer_typing_until", "agent": "agent_typing_until"}


def typing_of(db, conversation_id):
    """Return {"customer_until", "agent_until", "agent"} of the conversation (the
    moments as epoch seconds or None; ``agent`` the typing agent's name), or None for a
    conversation that does not exist. One look-up by primary key."""
    row = first_row(db.query(
        "SELECT customer_typing_until, agent_typing_until, agent_typing FROM conversations "
        "WHERE id = ?", [conversation_id]))
    if row is None:
        return None
    return {"customer_until": row["customer_typing_until"],
            "agent_until": row["agent_typing_until"], "agent": row["agent_typing"]}


def mark_typing(db, conversation_id, side, *, at, seconds, every, agent=None):
    """Record that ``side`` ("customer" or "agent"; an agent by ``agent``, their name)
    types in the conversation at ``at`` (epoch seconds), for ``seconds`` from then.
    Written only when the stored moment is from a ping more than ``every`` seconds ago
    (or another agent's): return True when it wrote, False when the ping changed
    nothing worth a write."""
    column = SIDES[side]
    current = typing_of(db, conversation_id)
    if current is None:
        return False
    until = current[side + "_until"]
    # Still shown, and pinged less than ``every`` ago (the stored moment less this
    # ping's length: the settings are the same for every ping).
    fresh = until is not None and until > at and until - seconds > at - every
    if fresh and (side == "customer" or current["agent"] == agent):
        return False
    with transaction(db):
        if side == "agent":
            db.execute(f"UPDATE conversations SET {column} = ?, agent_typing = ? WHERE id = ?",
                       [at + seconds, agent, conversation_id])
        else:
            db.execute(f"UPDATE conversations SET {column} = ? WHERE id = ?",
                       [at + seconds, conversation_id])
    return True


def stop_typing(db, conversation_id, side, *, at):
    """Record that ``side`` stopped typing (sent their message, left the box); return
    True when it was typing at ``at`` and so was written, False (no write) otherwise."""
    current = typing_of(db, conversation_id)
    until = current and current[side + "_until"]
    if until is None or until <= at:
        return False
    with transaction(db):
        db.execute(f"UPDATE conversations SET {SIDES[side]} = NULL WHERE id = ?",
                   [conversation_id])
    return True


def customers_typing(db, conversation_ids, at):
    """Return the set of ``conversation_ids`` whose customer types at ``at``: one query
    over their primary keys (an agent's stream asks it for all they hold at once)."""
    ids = [int(i) for i in conversation_ids]
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    rows = db.query(f"SELECT id FROM conversations WHERE id IN ({marks}) AND "
                    "customer_typing_until > ?", [*ids, at])
    return {row["id"] for row in rows}
