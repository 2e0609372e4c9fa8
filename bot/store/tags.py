"""Tags on conversations (the conversation_tags table): short labels agents add and
remove (bot/desk/tags.py says what a tag is), one row per conversation and tag."""
from .connection import first_row, insert_row, now, transaction

__all__ = ["add_tag", "remove_tag", "tags_for", "tags_in_use"]


def add_tag(db, conversation_id, tag, agent, most):
    """Put the (already normal) ``tag`` on the conversation for ``agent``; return
    "added", "exists" (it had it: nothing changed) or "full" (it has ``most`` tags
    already: nothing changed). The count and the insert are one transaction."""
    with transaction(db):
        if first_row(db.query("SELECT 1 FROM conversation_tags WHERE conversation_id = ? "
                              "AND tag = ?", [conversation_id, tag])):
            return "exists"
        count = next(db.query("SELECT count(*) AS n FROM conversation_tags WHERE "
                              "conversation_id = ?", [conversation_id]))["n"]
        if count >= most:
            return "full"
        insert_row(db, "conversation_tags", {"conversation_id": conversation_id, "tag": tag,
                                             "added_by": agent, "added": now()})
        return "added"


def remove_tag(db, conversation_id, tag):
    """Take ``tag`` off the conversation; return True when it had it."""
    return db.execute("DELETE FROM conversation_tags WHERE conversation_id = ? AND tag = ?",
                      [conversation_id, tag]).rowcount == 1


def tags_for(db, conversation_ids):
    """Return {conversation id: [its tags, oldest first]} for every id asked for ([]
    for one without tags), in one query."""
    ids = [int(i) for i in conversation_ids]
    found = {i: [] for i in ids}
    if ids:
        marks = ", ".join("?" * len(ids))
        for row in db.query(f"SELECT conversation_id, tag FROM conversation_tags WHERE "
                            f"conversation_id IN ({marks}) ORDER BY id", ids):
            found[row["conversation_id"]].append(row["tag"])
    return found


def tags_in_use(db, limit=500):
    """Return the tags on any conversation as [{"tag", "count"}], the most used first
    (then by tag): what the console suggests."""
    return list(db.query("SELECT tag, count(*) AS count FROM conversation_tags GROUP BY tag "
                         "ORDER BY count(*) DESC, tag LIMIT ?", [limit]))
