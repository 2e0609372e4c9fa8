"""The agents' search over conversations (the message_search table, and reads of
conversations, handoffs, customers and conversation_tags): by text, customer, tag,
date and status, newest first.

Text is matched against each message's normalized text (kb.text.normalize: diacritics,
tatweel, alef forms, ta marbuta, alef maqsura and Latin case folded), kept beside the
message in message_search. The chat's hot path (add_message) does not write it: the
search fills it first (index_messages) for the messages newer than the newest it holds,
so the cost lands on the agent who searches, a few rows at a time. A trigger
(schema.m014_conversation_tags) deletes a message's row with the message.
"""
from .connection import transaction

__all__ = ["index_messages", "search_conversations", "first_matches", "INDEX_BATCH"]

# Messages read and folded per round while filling message_search: the write lock is
# held for one round's insert only (a few milliseconds), never for a whole backfill.
INDEX_BATCH = 2000
# Rows per INSERT statement: within SQLite's 32,766 parameters, few round trips on
# PostgreSQL.
_ROWS_PER_INSERT = 250
# The customer's fields a search for a customer looks in (lower-cased: emails are kept
# in lower case, names not).
_CUSTOMER_FIELDS = ("c.name", "c.email", "cu.name", "cu.email", "cu.external_id")
# The Arabic letters kb.text.normalize folds, folded in SQL too (REPLACE, on both
# backends), so "فاطمه" or "اسماء" finds a customer who wrote "فاطمة" or "أسماء"; the
# caller folds what the agent typed with normalize.
_LETTER_FOLDS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ة", "ه"), ("ى", "ي"),
                 ("ؤ", "و"), ("ئ", "ي"))


def _folded(expression):
    """Return SQL for ``expression`` lower-cased with _LETTER_FOLDS applied."""
    sql = f"lower(coalesce({expression}, ''))"
    for letter, folded in _LETTER_FOLDS:
        sql = f"replace({sql}, '{letter}', '{folded}')"
    return sql


def _contains(needle):
    """A LIKE pattern (ESCAPE '\\') matching text that contains ``needle`` as written."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def index_messages(db, fold, batch=INDEX_BATCH):
    """Add to message_search the text, as ``fold`` (kb.text.normalize) makes it, of the
    customer, bot and agent messages newer than the newest it holds; return how many
    were added. Safe to run from several requests at once (a row is added once), and
    beside ``forget``: a message deleted meanwhile gets no row (the insert joins the
    messages that still exist)."""
    added = 0
    while True:
        last = next(db.query("SELECT coalesce(max(id), 0) AS last FROM message_search"))["last"]
        rows = list(db.query("SELECT id, text FROM messages WHERE id > ? AND role != 'system' "
                             "ORDER BY id LIMIT ?", [last, batch]))
        if not rows:
            return added
        folded = [(row["id"], fold(row["text"] or "")) for row in rows]
        with transaction(db):
            for start in range(0, len(folded), _ROWS_PER_INSERT):
                chunk = folded[start:start + _ROWS_PER_INSERT]
                values = ", ".join(["(?, ?)"] * len(chunk))
                # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT.
                db.execute(
                    "INSERT INTO message_search (id, conversation_id, text) "
                    "SELECT m.id, m.conversation_id, v.column2 FROM messages m "
                    f"JOIN (VALUES {values}) AS v ON v.column1 = m.id WHERE true "
                    "ON CONFLICT (id) DO NOTHING",
                    [value for pair in chunk for value in pair])
        added += len(rows)
        if len(rows) < batch:
            return added


def search_conversations(db, *, text=None, customer=None, tag=None, since=None, until=None,
                         status=None, limit=25, offset=0):
    """Return the conversations that have a handoff and match every filter given, newest
    first: ``text`` (normalized) in one of their messages' normalized text (fill
    message_search first: index_messages); ``customer`` (normalized) in the
    conversation's or its customer's name, e-mail or external id; the (normal) ``tag``
    on them; started at ``since`` or after and before ``until`` (ISO times, UTC); their
    latest handoff's ``status``. Each row: conversation_id, created, lang, name, email,
    customer_name, customer_email, external_id, identified, handoff_id, status,
    assignee, team, question (the handoff's first question, else the conversation's
    first customer message)."""
    where, params = [], []
    if text:
        where.append("EXISTS (SELECT 1 FROM message_search s WHERE s.conversation_id = c.id "
                      "AND s.text LIKE ? ESCAPE '\\')")
        params.append(_contains(text))
    if customer:
        where.append("(" + " OR ".join(f"{_folded(field)} LIKE ? ESCAPE '\\'"
                                       for field in _CUSTOMER_FIELDS) + ")")
        params.extend([_contains(customer)] * len(_CUSTOMER_FIELDS))
    if tag:
        where.append("c.id IN (SELECT t.conversation_id FROM conversation_tags t "
                     "WHERE t.tag = ?)")
        params.append(tag)
    if since:
        where.append("c.created >= ?")
        params.append(since)
    if until:
        where.append("c.created < ?")
        params.append(until)
    if status:
        where.append("h.status = ?")
        params.append(status)
    conditions = " AND ".join(where) or "1 = 1"
    return list(db.query(f"""
SELECT c.id AS conversation_id, c.created, c.lang, c.name, c.email, c.identified,
  cu.name AS customer_name, cu.email AS customer_email, cu.external_id,
  h.id AS handoff_id, h.status, h.assignee, h.team,
  coalesce(nullif(h.first_question, ''), (SELECT m.text FROM messages m
     WHERE m.conversation_id = c.id AND m.role = 'customer' ORDER BY m.id LIMIT 1), '')
     AS question
FROM conversations c
JOIN handoffs h ON h.id = (SELECT max(x.id) FROM handoffs x WHERE x.conversation_id = c.id)
LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE {conditions}
ORDER BY c.id DESC LIMIT ? OFFSET ?""", [*params, limit, offset]))


def first_matches(db, conversation_ids, text):
    """Return {conversation id: its first message whose normalized text holds ``text``
    (id, role, text, created)} for the conversations that have one."""
    ids = [int(i) for i in conversation_ids]
    if not ids or not text:
        return {}
    marks = ", ".join("?" * len(ids))
    return {row["conversation_id"]: row for row in db.query(
        f"SELECT m.conversation_id, m.id, m.role, m.text, m.created FROM messages m "
        f"WHERE m.id IN (SELECT min(s.id) FROM message_search s WHERE s.conversation_id IN "
        f"({marks}) AND s.text LIKE ? ESCAPE '\\' GROUP BY s.conversation_id)",
        [*ids, _contains(text)])}
