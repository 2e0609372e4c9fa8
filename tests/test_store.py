"""bot.store: the help center's views, feedback and searches, on both backends (a real
SQLite file, a real PostgreSQL database: tests/pg_fixtures.py)."""
import pytest

from bot import store
from test_store_schema import HISTORY


def test_open_db_applies_migrations_once(database, backend):
    store.open_db(database).close()
    db = store.open_db(database)  # a second start-up finds nothing pending
    try:
        assert {"article_views", "article_feedback", "searches"} <= set(db.table_names())
        if backend == "sqlite":
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [m.name for m in store.migrations.applied(db)] == HISTORY
        assert store.migrations.pending(db) == []
    finally:
        db.close()


def test_views_are_counted_and_ranked(backend_db):
    db = backend_db
    for article_id in ["refunds", "refunds", "warranty", "refunds", "warranty", "privacy"]:
        store.record_view(db, article_id, "ar")
    assert store.most_viewed(db, limit=2) == [("refunds", 3), ("warranty", 2)]
    assert store.most_viewed(db) == [("refunds", 3), ("warranty", 2), ("privacy", 1)]


def test_feedback_is_stored_with_its_comment_trimmed(database):
    path = database
    db = store.open_db(path)
    store.record_feedback(db, "refunds", "ar", True, "  مفيدة جدًا  ")
    store.record_feedback(db, "refunds", "en", False, "x" * 5000)
    store.record_feedback(db, "refunds", "en", False)
    db.close()
    reader = store.connect(path)  # what another connection finds stored
    rows = list(reader["article_feedback"].rows)
    reader.close()
    assert [(r["lang"], r["helpful"]) for r in rows] == [("ar", 1), ("en", 0), ("en", 0)]
    assert rows[0]["comment"] == "مفيدة جدًا"
    assert len(rows[1]["comment"]) == store.MAX_COMMENT_LENGTH
    assert rows[2]["comment"] == "" and rows[0]["created"].endswith("+00:00")
    db = store.connect(path)
    assert store.feedback_summary(db, "refunds") == {"helpful": 1, "not_helpful": 2}
    assert store.feedback_summary(db, "nothing") == {"helpful": 0, "not_helpful": 0}
    db.close()


def test_searches_are_logged_with_their_source(backend_db):
    db = backend_db
    store.record_search(db, "'; DROP TABLE searches; --", "ar", 0, source="api")
    store.record_search(db, "وين طلبي", "ar", 3)
    rows = list(db["searches"].rows)
    assert [(r["query"], r["results"], r["source"]) for r in rows] == [
        ("'; DROP TABLE searches; --", 0, "api"), ("وين طلبي", 3, "page")]


def test_a_question_mark_or_percent_sign_in_a_value_is_stored_as_written(backend_db):
    # PostgreSQL's driver takes %s placeholders: the store's ? ones are turned into
    # those, never what a reader typed.
    for query in ("100% refund?", "?", "%s", "'?'", "50%% off"):
        store.record_search(backend_db, query, "en", 0)
    assert [row["query"] for row in backend_db.query(
        "SELECT query FROM searches WHERE query LIKE '%' ORDER BY id")] == [
        "100% refund?", "?", "%s", "'?'", "50%% off"]


def test_a_read_only_database_is_storage_unavailable_and_stores_nothing(backend_db, backend):
    db = backend_db
    # What a full or read-only disk (SQLite) or a standby server (PostgreSQL) says.
    db.execute("PRAGMA query_only = ON" if backend == "sqlite" else
               "SET default_transaction_read_only = on")
    with pytest.raises(store.StorageUnavailable) as caught:
        store.record_search(db, "وين طلبي", "ar", 3)
    assert caught.value.retry_after == 30
    with pytest.raises(store.StorageUnavailable):
        with store.transaction(db):
            store.create_conversation(db, "ar")
    db.execute("PRAGMA query_only = OFF" if backend == "sqlite" else
               "SET default_transaction_read_only = off")
    assert list(db.query("SELECT * FROM searches")) == []
    assert list(db.query("SELECT * FROM conversations")) == []
