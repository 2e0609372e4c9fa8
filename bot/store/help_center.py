"""What readers do in the help center and the API: the article_views, article_feedback,
searches and asks tables."""
from .connection import insert_row, now

# A comment is a sentence or two about an article; a pasted novel is refused.
MAX_COMMENT_LENGTH = 2000


def _log(db, table, row):
    """Insert ``row`` into the log ``table`` as one plain statement; return its id.
    The logs are written on every read of the help center and every ask: sqlite-utils'
    insert (which first reads the table's columns) costs three times as much."""
    return insert_row(db, table, row)


def record_view(db, article_id, lang):
    """Count one reading of ``article_id`` in ``lang``; return the row id."""
    return _log(db, "article_views", {"article_id": article_id, "lang": lang, "created": now()})


def record_feedback(db, article_id, lang, helpful, comment=""):
    """Store a reader's "was this helpful?" answer and optional comment; return the row id."""
    comment = (comment or "").strip()[:MAX_COMMENT_LENGTH]
    return db["article_feedback"].insert(
        {"article_id": article_id, "lang": lang, "helpful": int(bool(helpful)),
         "comment": comment, "created": now()}).last_pk


def record_search(db, query, lang, results, source="page"):
    """Log one search with how many results it found; return the row id."""
    return _log(db, "searches", {"query": query, "lang": lang, "results": results,
                                 "source": source, "created": now()})


def record_ask(db, question, lang, action, article_id=None, reason=""):
    """Log one question asked through the API (POST /api/ask, which nothing else records)
    and the bot's action; return the row id."""
    return _log(db, "asks", {"question": question, "lang": lang, "action": action,
                             "article_id": article_id, "reason": reason, "created": now()})


def most_viewed(db, limit=5):
    """Return [(article_id, views), ...] of the most read articles, most first."""
    rows = db.query("SELECT article_id, count(*) AS views FROM article_views "
                    "GROUP BY article_id ORDER BY views DESC, article_id LIMIT ?", [limit])
    return [(row["article_id"], row["views"]) for row in rows]


def feedback_summary(db, article_id):
    """Return {"helpful": n, "not_helpful": n} for ``article_id`` (all languages)."""
    # count, not sum: PostgreSQL's sum of a BIGINT is a NUMERIC (a Decimal in Python).
    row = next(db.query("SELECT count(CASE WHEN helpful != 0 THEN 1 END) AS yes, "
                        "count(*) AS total FROM article_feedback WHERE article_id = ?",
                        [article_id]))
    return {"helpful": row["yes"], "not_helpful": row["total"] - row["yes"]}
