"""Canned replies (the canned_replies table): the saved answers the team shares, each
in one language. Any agent may add, change or delete one; the checks are
bot/desk/canned.py's."""
from .connection import insert_row, now

__all__ = ["add_canned_reply", "get_canned_reply", "canned_replies", "update_canned_reply",
           "delete_canned_reply"]


def add_canned_reply(db, title, lang, text, created_by):
    """Store a canned reply by ``created_by``; return it as a dict."""
    moment = now()
    row = {"title": title, "lang": lang, "text": text, "created_by": created_by,
           "created": moment, "updated": moment}
    return {"id": insert_row(db, "canned_replies", row), **row}


def get_canned_reply(db, reply_id):
    """Return the canned reply ``reply_id`` as a dict, or None."""
    rows = list(db.query("SELECT * FROM canned_replies WHERE id = ?", [reply_id]))
    return rows[0] if rows else None


def canned_replies(db, lang=None):
    """Return the canned replies (only those in ``lang`` when given), by title."""
    where, params = ("WHERE lang = ? ", [lang]) if lang else ("", [])
    return list(db.query(f"SELECT * FROM canned_replies {where}ORDER BY title, id", params))


def update_canned_reply(db, reply_id, title, lang, text):
    """Change the canned reply's title, language and text; return True when there is
    such a reply."""
    return db.execute("UPDATE canned_replies SET title = ?, lang = ?, text = ?, updated = ? "
                      "WHERE id = ?", [title, lang, text, now(), reply_id]).rowcount == 1


def delete_canned_reply(db, reply_id):
    """Delete the canned reply; return True when there was one."""
    return db.execute("DELETE FROM canned_replies WHERE id = ?", [reply_id]).rowcount == 1
