"""Every SQL statement of the bot, over one SQLite file opened with sqlite-utils.

    db = open_db("instance/dalil.sqlite3")      # WAL mode, migrations applied
    record_view(db, "refunds", "ar")
    record_feedback(db, "refunds", "ar", helpful=True, comment="")
    most_viewed(db, limit=5) -> [(article_id, views), ...]

Functions take the sqlite-utils Database first. Sections: schema (migrations), help
center (views, feedback, searches); later issues add conversations and handoffs here.
"""
import contextlib
import datetime
import hmac
import json
import secrets

import sqlite_utils
from sqlite_utils.migrations import Migrations

__all__ = ["connect", "open_db", "migrations", "record_view", "record_feedback", "record_search",
           "most_viewed", "feedback_summary", "MAX_COMMENT_LENGTH"]

# A comment is a sentence or two about an article; a pasted novel is refused.
MAX_COMMENT_LENGTH = 2000


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


# --- schema ------------------------------------------------------------------------------

migrations = Migrations("dalil")


@migrations()
def m001_help_center(db):
    """Views, feedback and searches of the help center (issue 5's insights read them)."""
    db["article_views"].create({"id": int, "article_id": str, "lang": str, "created": str},
                               pk="id")
    db["article_views"].create_index(["article_id"])
    db["article_feedback"].create({"id": int, "article_id": str, "lang": str,
                                   "helpful": int, "comment": str, "created": str}, pk="id")
    db["article_feedback"].create_index(["article_id", "lang"])
    # ``source``: "page" (the results page), "api", or "suggest" (search as you type,
    # one row per pause in typing: insights should usually leave these out).
    db["searches"].create({"id": int, "query": str, "lang": str, "results": int,
                           "source": str, "created": str}, pk="id")
    db["searches"].create_index(["created"])


def connect(path):
    """Return the sqlite-utils Database at ``path`` for one unit of work (a request)."""
    db = sqlite_utils.Database(path)
    # gunicorn's workers share the file: wait for a moment's write lock, don't fail.
    db.execute("PRAGMA busy_timeout = 5000")
    return db


def open_db(path):
    """Return the sqlite-utils Database at ``path`` in WAL mode, its migrations applied
    (call once at start-up)."""
    db = connect(path)
    # Readers never wait for the writer; the mode is stored in the file.
    db.enable_wal()
    migrations.apply(db)
    chat_migrations.apply(db)
    insights_migrations.apply(db)
    return db


# --- help center ----------------------------------------------------------------------------

def record_view(db, article_id, lang):
    """Count one reading of ``article_id`` in ``lang``; return the row id."""
    return db["article_views"].insert(
        {"article_id": article_id, "lang": lang, "created": _now()}).last_pk


def record_feedback(db, article_id, lang, helpful, comment=""):
    """Store a reader's "was this helpful?" answer and optional comment; return the row id."""
    comment = (comment or "").strip()[:MAX_COMMENT_LENGTH]
    return db["article_feedback"].insert(
        {"article_id": article_id, "lang": lang, "helpful": int(bool(helpful)),
         "comment": comment, "created": _now()}).last_pk


def record_search(db, query, lang, results, source="page"):
    """Log one search with how many results it found; return the row id."""
    return db["searches"].insert(
        {"query": query, "lang": lang, "results": results, "source": source,
         "created": _now()}).last_pk


def most_viewed(db, limit=5):
    """Return [(article_id, views), ...] of the most read articles, most first."""
    rows = db.query("SELECT article_id, count(*) AS views FROM article_views "
                    "GROUP BY article_id ORDER BY views DESC, article_id LIMIT ?", [limit])
    return [(row["article_id"], row["views"]) for row in rows]


def feedback_summary(db, article_id):
    """Return {"helpful": n, "not_helpful": n} for ``article_id`` (all languages)."""
    row = next(db.query("SELECT coalesce(sum(helpful), 0) AS yes, count(*) AS total "
                        "FROM article_feedback WHERE article_id = ?", [article_id]))
    return {"helpful": row["yes"], "not_helpful": row["total"] - row["yes"]}


# --- conversations and handoffs ---------------------------------------------------------------
# A conversation is one customer's chat (its token is the only key to it); messages are
# its lines (customer, bot, agent, system); a handoff puts the conversation in the
# agents' queue until an agent resolves it. At most one handoff per conversation is
# active (open or claimed): a partial unique index makes that a fact of the file, so
# two requests escalating at once cannot open two.

HANDOFF_STATUSES = ("open", "claimed", "resolved")
OUTCOMES = ("article", "no_article", "not_support")

# The chat's own migration set (sqlite-utils keeps each named set's history apart), so
# the help center's and the chat's schemas evolve without renumbering each other.
chat_migrations = Migrations("dalil-chat")


@chat_migrations()
def m001_conversations(db):
    """Conversations, their messages, handoffs, agents, learned questions, ratings."""
    db["conversations"].create({"id": int, "token": str, "lang": str, "client": str,
                                "name": str, "email": str, "created": str}, pk="id")
    db["conversations"].create_index(["client", "created"])
    db["handoffs"].create({
        "id": int, "conversation_id": int, "status": str, "assignee": str, "reason": str,
        "lang": str, "first_question": str, "candidates": str, "created": str,
        "claimed": str, "resolved": str, "outcome": str, "article_id": str,
    }, pk="id", foreign_keys=[("conversation_id", "conversations", "id")],
        not_null={"conversation_id", "status", "created"}, defaults={"status": "open"})
    db.execute("CREATE UNIQUE INDEX handoffs_one_active ON handoffs(conversation_id) "
               "WHERE status != 'resolved'")
    db["handoffs"].create_index(["status", "id"])
    # ``data``: JSON of what the line carries beyond its text (a bot reply's action,
    # article and candidates; an agent's name; a system notice's kind).
    db["messages"].create({"id": int, "conversation_id": int, "role": str, "text": str,
                           "data": str, "handoff_id": int, "created": str}, pk="id",
                          foreign_keys=[("conversation_id", "conversations", "id"),
                                        ("handoff_id", "handoffs", "id")],
                          not_null={"conversation_id", "role", "text", "created"})
    db["messages"].create_index(["conversation_id", "id"])
    db["messages"].create_index(["handoff_id"])
    db["agents"].create({"id": int, "name": str, "password_hash": str, "created": str},
                        pk="id", not_null={"name", "password_hash"})
    db["agents"].create_index(["name"], unique=True)
    db["learned_questions"].create({"id": int, "article_id": str, "question": str,
                                    "lang": str, "handoff_id": int, "agent": str,
                                    "created": str}, pk="id")
    db["learned_questions"].create_index(["article_id"])
    db["ratings"].create({"id": int, "conversation_id": int, "handoff_id": int, "score": int,
                          "comment": str, "created": str}, pk="id")
    db["ratings"].create_index(["handoff_id"], unique=True)


@chat_migrations()
def m002_learned_sources(db):
    """Where a learned question came from ("agent": an article-linked resolution;
    "customer": "yes, this answered my question"), and how often customers said "no"
    to an answer it produced (a reason to review it)."""
    db["learned_questions"].add_column("source", str, not_null_default="agent")
    db["learned_questions"].add_column("disputed", int, not_null_default=0)


@chat_migrations()
def m003_login_failures(db):
    """Failed agent sign-ins, so guessing passwords is slowed down (web/ratelimit.py)."""
    db["login_failures"].create({"id": int, "name": str, "client": str, "created": str},
                                pk="id")
    db["login_failures"].create_index(["created"])


@contextlib.contextmanager
def transaction(db):
    """Run the block as one write transaction (all or nothing), taking the write lock
    first: a deferred transaction that reads, then writes, fails at once with "database
    is locked" when another writer committed in between (WAL snapshots), however long
    busy_timeout is. Nested use joins the outer transaction."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def _row(rows):
    return next(iter(rows), None)


def _message(row):
    row = dict(row)
    row["data"] = json.loads(row["data"]) if row.get("data") else {}
    return row


def create_conversation(db, lang, client=""):
    """Start a conversation; return its row (with the new unguessable ``token``)."""
    token = secrets.token_urlsafe(24)
    pk = db["conversations"].insert({"token": token, "lang": lang, "client": client,
                                     "name": "", "email": "", "created": _now()}).last_pk
    return get_conversation(db, pk)


def get_conversation(db, conversation_id, token=None):
    """Return the conversation's row, or None when there is none or ``token`` (when
    given) is not its token."""
    row = _row(db.query("SELECT * FROM conversations WHERE id = ?", [conversation_id]))
    if row is None or (token is not None and not hmac.compare_digest(
            row["token"].encode(), str(token).encode())):
        return None
    return row


def set_contact(db, conversation_id, name, email):
    """Store the customer's (already checked) name and e-mail; empty ones keep the old."""
    db.execute("UPDATE conversations SET name = coalesce(nullif(?, ''), name), "
               "email = coalesce(nullif(?, ''), email) WHERE id = ?",
               [name or "", email or "", conversation_id])


def add_message(db, conversation_id, role, text, data=None, handoff_id=None):
    """Store one line of a conversation; return it as a dict (``data`` decoded)."""
    pk = db["messages"].insert({
        "conversation_id": conversation_id, "role": role, "text": text,
        "data": json.dumps(data or {}, ensure_ascii=False), "handoff_id": handoff_id,
        "created": _now()}).last_pk
    return _message(next(db.query("SELECT * FROM messages WHERE id = ?", [pk])))


def messages(db, conversation_id, after=0):
    """Return the conversation's messages with an id above ``after``, oldest first."""
    return [_message(row) for row in db.query(
        "SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id",
        [conversation_id, after])]


def last_bot_message(db, conversation_id):
    """Return the conversation's latest bot message, or None."""
    row = _row(db.query("SELECT * FROM messages WHERE conversation_id = ? AND role = 'bot' "
                        "ORDER BY id DESC LIMIT 1", [conversation_id]))
    return _message(row) if row else None


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
    return _handoff(_row(db.query(_HANDOFF + "WHERE h.id = ?", [handoff_id])))


def active_handoff(db, conversation_id):
    """Return the conversation's open or claimed handoff, or None."""
    return _handoff(_row(db.query(_HANDOFF + "WHERE h.conversation_id = ? AND "
                                  "h.status != 'resolved'", [conversation_id])))


def latest_handoff(db, conversation_id):
    """Return the conversation's most recent handoff (any status), or None."""
    return _handoff(_row(db.query(_HANDOFF + "WHERE h.conversation_id = ? ORDER BY h.id "
                                  "DESC LIMIT 1", [conversation_id])))


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
            "created": _now()}).last_pk
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
                        "WHERE id = ? AND status = 'open'", [agent, _now(), handoff_id])
    return cursor.rowcount == 1


def release_handoff(db, handoff_id, agent):
    """Put ``agent``'s claimed handoff back in the queue; return True when it was theirs."""
    cursor = db.execute("UPDATE handoffs SET assignee = NULL, status = 'open', claimed = NULL "
                        "WHERE id = ? AND status = 'claimed' AND assignee = ?",
                        [handoff_id, agent])
    return cursor.rowcount == 1


def resolve_handoff(db, handoff_id, agent, outcome, article_id=None):
    """Close ``agent``'s claimed handoff with ``outcome``; return True when it was theirs."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    cursor = db.execute(
        "UPDATE handoffs SET status = 'resolved', resolved = ?, outcome = ?, article_id = ? "
        "WHERE id = ? AND status = 'claimed' AND assignee = ?",
        [_now(), outcome, article_id if outcome == "article" else None, handoff_id, agent])
    return cursor.rowcount == 1


def handoffs(db, status="open", agent=None, limit=200):
    """Return the queue: "open" (oldest first), "mine" (``agent``'s claimed ones, oldest
    first) or "resolved" (newest first)."""
    if status == "open":
        where, params, order = "h.status = 'open'", [], "h.id"
    elif status == "mine":
        where, params, order = "h.status = 'claimed' AND h.assignee = ?", [agent], "h.id"
    elif status == "resolved":
        where, params, order = "h.status = 'resolved'", [], "h.id DESC"
    else:
        raise ValueError(f"unknown queue {status!r}: open, mine or resolved")
    return [_handoff(row) for row in db.query(
        f"{_HANDOFF} WHERE {where} ORDER BY {order} LIMIT ?", [*params, limit])]


def queue_position(db, handoff_id):
    """Return the open handoff's place in the queue (1 = next), or 0 when it is not open."""
    row = next(db.query(
        "SELECT count(*) AS ahead FROM handoffs WHERE status = 'open' AND id <= ? "
        "AND EXISTS (SELECT 1 FROM handoffs WHERE id = ? AND status = 'open')",
        [handoff_id, handoff_id]))
    return row["ahead"]


def add_learned_question(db, article_id, question, lang, handoff_id=None, agent=None,
                         source="agent"):
    """Record that ``question`` is answered by ``article_id``; return the row id (an
    identical question already recorded for the article is not stored twice).
    ``source``: "agent" (a resolution) or "customer" (a confirmed answer)."""
    existing = _row(db.query("SELECT id FROM learned_questions WHERE article_id = ? AND "
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
        "created": _now()}).last_pk


def learned_version(db):
    """Return (count, highest id) of the learned questions: it changes whenever one is
    added or removed, so a server can tell cheaply whether its bot is up to date."""
    row = _row(db.query("SELECT count(*) AS n, coalesce(max(id), 0) AS top "
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


def record_login_failure(db, name, client):
    """Note a failed agent sign-in as ``name`` from ``client`` (an address key)."""
    db["login_failures"].insert({"name": str(name)[:100], "client": client,
                                 "created": _now()})


def login_failure_times(db, name, client, since):
    """Return the times of failed sign-ins as ``name`` or from ``client`` since the ISO
    time ``since``."""
    return [row["created"] for row in db.query(
        "SELECT created FROM login_failures WHERE created >= ? AND (name = ? OR client = ?)",
        [since, str(name)[:100], client])]


def clear_login_failures(db, name):
    """Forget ``name``'s failed sign-ins (after a successful one)."""
    db.execute("DELETE FROM login_failures WHERE name = ?", [str(name)[:100]])


def dispute_learned_question(db, article_id, question):
    """Count a customer's "no" against the learned question that produced an answer;
    return whether such a learned question exists."""
    return db.execute("UPDATE learned_questions SET disputed = disputed + 1 "
                      "WHERE article_id = ? AND question = ?",
                      [article_id, question]).rowcount > 0


def learned_questions(db):
    """Return {article_id: [question, ...]} of every learned question, oldest first."""
    learned = {}
    for row in db.query("SELECT article_id, question FROM learned_questions ORDER BY id"):
        learned.setdefault(row["article_id"], []).append(row["question"])
    return learned


def add_rating(db, conversation_id, handoff_id, score, comment=""):
    """Store the customer's 1–5 rating of a resolved handoff; return the row id, or None
    when that handoff was already rated."""
    if db["ratings"].count_where("handoff_id = ?", [handoff_id]):
        return None
    return db["ratings"].insert({
        "conversation_id": conversation_id, "handoff_id": handoff_id, "score": int(score),
        "comment": (comment or "").strip()[:MAX_COMMENT_LENGTH], "created": _now()}).last_pk


# --- agents ---------------------------------------------------------------------------------

def add_agent(db, name, password_hash):
    """Create the agent ``name``; return the row id (sqlite3.IntegrityError when taken)."""
    return db["agents"].insert({"name": name, "password_hash": password_hash,
                                "created": _now()}).last_pk


def get_agent(db, name):
    """Return the agent's row, or None."""
    return _row(db.query("SELECT * FROM agents WHERE name = ?", [name]))


def list_agents(db):
    """Return every agent's name and creation time, by name."""
    return list(db.query("SELECT name, created FROM agents ORDER BY name"))


def remove_agent(db, name):
    """Delete the agent ``name``; return True when there was one."""
    return db.execute("DELETE FROM agents WHERE name = ?", [name]).rowcount == 1


__all__ += ["chat_migrations", "HANDOFF_STATUSES", "OUTCOMES", "transaction", "create_conversation",
            "get_conversation", "set_contact", "add_message", "messages", "last_bot_message",
            "customer_times", "conversation_times", "get_handoff", "active_handoff",
            "latest_handoff", "open_handoff", "attach_message", "join_handoff", "claim_handoff",
            "release_handoff", "resolve_handoff", "handoffs", "queue_position",
            "add_learned_question", "learned_questions", "learned_version",
            "learned_questions_after", "list_learned", "remove_learned_question",
            "dispute_learned_question", "record_login_failure", "login_failure_times",
            "clear_login_failures", "add_rating", "add_agent",
            "get_agent", "list_agents", "remove_agent"]


# --- insights -------------------------------------------------------------------------------
# Read-only queries behind the support leads' figures (bot/insights.py computes them), plus
# the log of POST /api/ask (the API channel, which nothing else records). Each query takes
# a period [since, until) of ISO-8601 UTC strings and compares it with the ``created``
# columns as text: _now() writes every one in the same "YYYY-MM-DDTHH:MM:SS+00:00" form, so
# text order is time order.

insights_migrations = Migrations("dalil-insights")


@insights_migrations()
def m001_asks(db):
    """Questions asked through POST /api/ask and the bot's action on each."""
    db["asks"].create({"id": int, "question": str, "lang": str, "action": str,
                       "article_id": str, "reason": str, "created": str}, pk="id")
    db["asks"].create_index(["created"])


def record_ask(db, question, lang, action, article_id=None, reason=""):
    """Log one question asked through the API and the bot's action; return the row id."""
    return db["asks"].insert({"question": question, "lang": lang, "action": action,
                              "article_id": article_id, "reason": reason,
                              "created": _now()}).last_pk


def chat_messages(db, since, until):
    """Return the customer and bot messages created in the period, by conversation then
    id (``data`` decoded)."""
    return [_message(row) for row in db.query(
        "SELECT id, conversation_id, role, text, data, handoff_id, created FROM messages "
        "WHERE role IN ('customer', 'bot') AND created >= ? AND created < ? "
        "ORDER BY conversation_id, id", [since, until])]


def conversation_messages(db, since, until):
    """Return the customer and bot messages of the conversations started in the period
    (whenever written), by conversation then id (``data`` decoded)."""
    return [_message(row) for row in db.query(
        "SELECT m.id, m.conversation_id, m.role, m.text, m.data, m.handoff_id, m.created "
        "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE m.role IN ('customer', 'bot') AND c.created >= ? AND c.created < ? "
        "ORDER BY m.conversation_id, m.id", [since, until])]


def conversations_with_handoffs(db, since, until):
    """Return the ids of the conversations started in the period that have a handoff."""
    return {row["id"] for row in db.query(
        "SELECT c.id FROM conversations c WHERE c.created >= ? AND c.created < ? AND "
        "EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id)", [since, until])}


def asks_in(db, since, until):
    """Return the API's logged questions of the period, oldest first."""
    return list(db.query("SELECT question, lang, action, article_id, reason, created FROM asks "
                         "WHERE created >= ? AND created < ? ORDER BY id", [since, until]))


def searches_in(db, since, until, sources=("page", "api")):
    """Return the searches of the period from ``sources`` (leave out "suggest": one row
    per pause in typing), oldest first."""
    marks = ", ".join("?" for _ in sources)
    return list(db.query(
        f"SELECT query, lang, results, source, created FROM searches WHERE created >= ? "
        f"AND created < ? AND source IN ({marks}) ORDER BY id", [since, until, *sources]))


def views_per_article(db, since, until):
    """Return [{"article_id", "views"}, ...] of the period, most read first."""
    return list(db.query(
        "SELECT article_id, count(*) AS views FROM article_views WHERE created >= ? AND "
        "created < ? GROUP BY article_id ORDER BY views DESC, article_id", [since, until]))


def article_feedback_in(db, since, until):
    """Return the help center's "was this helpful?" answers of the period, oldest first."""
    return list(db.query(
        "SELECT article_id, lang, helpful, comment, created FROM article_feedback "
        "WHERE created >= ? AND created < ? ORDER BY id", [since, until]))


def handoffs_in(db, since, until):
    """Return the handoffs opened in the period with the time of their first agent reply
    (``first_response``, None when no agent has written yet), oldest first."""
    return list(db.query(
        "SELECT h.id, h.conversation_id, h.status, h.assignee, h.reason, h.lang, "
        "h.first_question, h.outcome, h.created, h.claimed, h.resolved, "
        "(SELECT min(m.created) FROM messages m WHERE m.handoff_id = h.id AND "
        "m.role = 'agent') AS first_response FROM handoffs h "
        "WHERE h.created >= ? AND h.created < ? ORDER BY h.id", [since, until]))


def backlog_at(db, moment):
    """Return the handoffs opened before ``moment`` and not resolved by then, oldest
    first."""
    return list(db.query(
        "SELECT id, status, assignee, created, claimed, resolved FROM handoffs "
        "WHERE created < ? AND (resolved IS NULL OR resolved >= ?) ORDER BY id",
        [moment, moment]))


def ratings_in(db, since, until):
    """Return the customers' ratings of the period with the agent who resolved the rated
    handoff, oldest first."""
    return list(db.query(
        "SELECT r.score, r.comment, r.created, h.assignee FROM ratings r "
        "LEFT JOIN handoffs h ON h.id = r.handoff_id WHERE r.created >= ? AND r.created < ? "
        "ORDER BY r.id", [since, until]))


__all__ += ["insights_migrations", "record_ask", "chat_messages", "conversation_messages",
            "conversations_with_handoffs", "asks_in", "searches_in", "views_per_article",
            "article_feedback_in", "handoffs_in", "backlog_at", "ratings_in"]
