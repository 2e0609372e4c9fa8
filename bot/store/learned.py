"""Questions the bot has learned from agents and customers: the learned_questions table.

A learned question is "live" (the bot answers with it) or held for "review": nearly the
same as a writer's question of another article, it waits for an agent to approve it
(bot.desk.learning decides which). Only live ones reach the bot: ``learned_questions``,
``learned_questions_after`` and ``learned_version`` count nothing else, so a server's
watcher (web/live.py) never sees a held one until it is approved.
"""
from .connection import first_row, is_postgres, now, transaction

LEARNED_STATUSES = ("live", "review")
# PostgreSQL's ids come from a sequence that does not look at the table: an approved
# question takes its next value, or the next insert would be given the same id.
_NEXT_ID_POSTGRES = ("SELECT nextval(pg_get_serial_sequence('learned_questions', 'id')) "
                     "AS id")


def add_learned_question(db, article_id, question, lang, handoff_id=None, agent=None,
                         source="agent", status="live", conflict=None):
    """Record that ``question`` is answered by ``article_id``; return the row id (an
    identical question already recorded for the article is not stored twice).
    ``source``: "agent" (a resolution) or "customer" (a confirmed answer); ``status``:
    "live" or "review", with ``conflict`` (article id, writer question) saying why."""
    if status not in LEARNED_STATUSES:
        raise ValueError(f"unknown status {status!r}: live or review")
    if is_postgres(db):
        # Under the write lock: ids are then given in commit order, so a watcher
        # reading past its last id (learned_questions_after) never skips one.
        with transaction(db):
            learned_id = _add_learned_question(db, article_id, question, lang, handoff_id,
                                               agent, source, status, conflict)
            if status == "live":
                announce_learned_change(db)
            return learned_id
    return _add_learned_question(db, article_id, question, lang, handoff_id, agent,
                                 source, status, conflict)


def _add_learned_question(db, article_id, question, lang, handoff_id, agent, source,
                          status, conflict):
    existing = first_row(db.query("SELECT id FROM learned_questions WHERE article_id = ? AND "
                                  "question = ?", [article_id, question]))
    if existing:
        return existing["id"]
    if source == "agent":
        # An agent linking the question to another article relinks it: the earlier
        # link was wrong, whoever made it.
        db.execute("DELETE FROM learned_questions WHERE question = ? AND article_id != ?",
                   [question, article_id])
    conflict_article_id, conflict_question = conflict or (None, None)
    return db["learned_questions"].insert({
        "article_id": article_id, "question": question, "lang": lang,
        "handoff_id": handoff_id, "agent": agent, "source": source, "created": now(),
        "status": status, "conflict_article_id": conflict_article_id,
        "conflict_question": conflict_question}).last_pk


def learned_questions(db):
    """Return {article_id: [question, ...]} of every live learned question, oldest first."""
    learned = {}
    for row in db.query("SELECT article_id, question FROM learned_questions "
                        "WHERE status = 'live' ORDER BY id"):
        learned.setdefault(row["article_id"], []).append(row["question"])
    return learned


def learned_version(db):
    """Return (count, highest id) of the live learned questions: it changes whenever one
    is added, approved or removed, so a server can tell cheaply whether its bot is up to
    date (an approved question gets the highest id: ``approve_learned_question``)."""
    row = first_row(db.query("SELECT count(*) AS n, coalesce(max(id), 0) AS top "
                             "FROM learned_questions WHERE status = 'live'"))
    return row["n"], row["top"]


def learned_questions_after(db, after_id):
    """Return {article_id: [question, ...]} of the live learned questions with an id
    above ``after_id``, oldest first."""
    learned = {}
    for row in db.query("SELECT article_id, question FROM learned_questions WHERE id > ? "
                        "AND status = 'live' ORDER BY id", [after_id]):
        learned.setdefault(row["article_id"], []).append(row["question"])
    return learned


def list_learned(db, *, held=False):
    """Return the live learned questions as row dicts, the most disputed first, then the
    newest (what a reviewer should look at first); with ``held``, the ones held for
    review too, before all others."""
    where = "" if held else "WHERE status = 'live' "
    return list(db.query(f"SELECT * FROM learned_questions {where}"
                         "ORDER BY status = 'review' DESC, disputed DESC, id DESC"))


def get_learned_question(db, learned_id):
    """Return the learned question's row, or None."""
    return first_row(db.query("SELECT * FROM learned_questions WHERE id = ?", [learned_id]))


def learned_for_handoff(db, handoff_id):
    """Return the learned questions (live or held) a handoff's resolution taught, oldest
    first."""
    return list(db.query("SELECT * FROM learned_questions WHERE handoff_id = ? ORDER BY id",
                         [handoff_id]))


def approve_learned_question(db, learned_id):
    """Make a held learned question live; return its new id (the highest of the table),
    or None when there is no such held question. The new id is what lets every server
    see the approval: ``learned_version`` grows, and ``learned_questions_after`` the
    watcher's last id returns it, as for a question learned just now."""
    with transaction(db):
        top = first_row(db.query(_NEXT_ID_POSTGRES if is_postgres(db) else
                                 "SELECT coalesce(max(id), 0) + 1 AS id "
                                 "FROM learned_questions"))["id"]
        cursor = db.execute("UPDATE learned_questions SET id = ?, status = 'live', "
                            "conflict_article_id = NULL, conflict_question = NULL "
                            "WHERE id = ? AND status = 'review'", [top, learned_id])
        if cursor.rowcount != 1:
            return None
        announce_learned_change(db)
        return top


def remove_learned_question(db, learned_id):
    """Delete one learned question (live or held); return whether it existed."""
    removed = db.execute("DELETE FROM learned_questions WHERE id = ?",
                         [learned_id]).rowcount > 0
    if removed:
        announce_learned_change(db)
    return removed


# --- telling other nodes ----------------------------------------------------------------------
# On PostgreSQL every change to the live learned questions is announced on a channel
# (NOTIFY, delivered when its transaction commits), so the other nodes' watchers reload
# at once instead of at their next poll; SQLite has no such thing: its watchers poll.

LEARNED_CHANNEL = "dalil_learned"


def announce_learned_change(db):
    """Tell every node the live learned questions changed (PostgreSQL; delivered when
    the transaction commits). On SQLite the nodes' watchers poll instead."""
    if is_postgres(db):
        db.execute("SELECT pg_notify(?, '')", [LEARNED_CHANNEL])


def learned_listener(database):
    """Return a listener for changes to the live learned questions of ``database`` (the
    DATABASE setting): ``wait(timeout)`` returns True as soon as one is committed on any
    node (False after ``timeout`` seconds without), ``close()`` ends it. None on SQLite,
    where a watcher polls ``learned_version`` instead."""
    if not is_postgres(database):
        return None
    from .postgres import Listener  # psycopg only for PostgreSQL
    return Listener(str(database), LEARNED_CHANNEL)


def dispute_learned_question(db, article_id, question):
    """Count a customer's "no" against the learned question that produced an answer;
    return whether such a learned question exists."""
    return db.execute("UPDATE learned_questions SET disputed = disputed + 1 "
                      "WHERE article_id = ? AND question = ?",
                      [article_id, question]).rowcount > 0
