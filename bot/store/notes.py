"""Agents' internal notes on handoffs (the notes table): what one agent tells the next
about a case. The customer's side never reads this table."""
from .connection import insert_row, now

__all__ = ["add_note", "notes_for"]


def add_note(db, handoff_id, conversation_id, agent, text):
    """Store one note by ``agent`` on the handoff; return it as a dict."""
    row = {"handoff_id": handoff_id, "conversation_id": conversation_id, "agent": agent,
           "text": text, "created": now()}
    return {"id": insert_row(db, "notes", row), **row}


def notes_for(db, handoff_id):
    """Return the handoff's notes, oldest first."""
    return list(db.query("SELECT * FROM notes WHERE handoff_id = ? ORDER BY id", [handoff_id]))
