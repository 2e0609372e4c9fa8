"""Every SQL statement of the bot, over one SQLite file opened with sqlite-utils.

    db = open_db("instance/dalil.sqlite3")      # WAL mode, migrations applied
    record_view(db, "refunds", "ar")
    record_feedback(db, "refunds", "ar", helpful=True, comment="")
    most_viewed(db, limit=5) -> [(article_id, views), ...]

Functions take the sqlite-utils Database first. Sections: schema (migrations), help
center (views, feedback, searches); later issues add conversations and handoffs here.
"""
import datetime

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
