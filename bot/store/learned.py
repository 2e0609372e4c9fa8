"""Questions the bot has learned from agents and customers: the learned_questions table."""
from .connection import first_row, now


def add_learned_question(db, article_id, question, lang, handoff_id=None, agent=None,
                         source="agent"):
    """Record that ``question`` is answered by ``article_id``; return the row id (an
    identical question already recorded for the article is not stored twice).
    ``source``: "agent" (a resolution) or "customer" (a confirmed answer)."""
    existing = first_row(db.query("SELECT id FROM learned_questions WHERE article_id = ? AND "
                                  "question = ?", [article_id, question]))
    if existing:
        return existing["id"]
    if source == "agent":
        # An agent linking the question to another article relinks it: the earlier
        # link was wrong, whoever made it.
        db.execute("DELETE FROM learned_questions WHERE question = ? AND article_id != ?",
                   [question, article_id])
    return db["learned_questions"].insert({
        "article_id": article_id, "question": question, "lang": lang,
        "handoff_id": handoff_id, "agent": agent, "source": source,
        "created": now()}).last_pk


def learned_questions(db):
    """Return {article_id: [question, ...]} of every learned question, oldest first."""
    learned = {}
    for row in db.query("SELECT article_id, question FROM learned_questions ORDER BY id"):
        learned.setdefault(row["article_id"], []).append(row["question"])
    return learned


def learned_version(db):
    """Return (count, highest id) of the learned questions: it changes whenever one is
    added or removed, so a server can tell cheaply whether its bot is up to date."""
    row = first_row(db.query("SELECT count(*) AS n, coalesce(max(id), 0) AS top "
                             "FROM learned_questions"))
    return row["n"], row["top"]


def learned_questions_after(db, after_id):
    """Return {article_id: [question, ...]} of the learned questions with an id above
    ``after_id``, oldest first."""
    learned = {}
    for row in db.query("SELECT article_id, question FROM learned_questions WHERE id > ? "
                        "ORDER BY id", [after_id]):
        learned.setdefault(row["article_id"], []).append(row["question"])
    return learned


def list_learned(db):
    """Return every learned question as a row dict, the most disputed first, then the
    newest (what a reviewer should look at first)."""
    return list(db.query("SELECT * FROM learned_questions ORDER BY disputed DESC, id DESC"))


def remove_learned_question(db, learned_id):
    """Delete one learned question; return whether it existed."""
    return db.execute("DELETE FROM learned_questions WHERE id = ?", [learned_id]).rowcount > 0


def dispute_learned_question(db, article_id, question):
    """Count a customer's "no" against the learned question that produced an answer;
    return whether such a learned question exists."""
    return db.execute("UPDATE learned_questions SET disputed = disputed + 1 "
                      "WHERE article_id = ? AND question = ?",
                      [article_id, question]).rowcount > 0
