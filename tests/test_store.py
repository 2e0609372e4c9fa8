"""bot.store: the help center's views, feedback and searches in a real SQLite file."""
import sqlite_utils

from bot import store


def test_open_db_applies_migrations_once_in_wal_mode(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    store.open_db(path).close()
    db = store.open_db(path)  # a second start-up finds nothing pending
    try:
        assert {"article_views", "article_feedback", "searches"} <= set(db.table_names())
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [m.name for m in store.migrations.applied(db)] == [
            "m001_help_center", "m002_conversations", "m003_learned_sources",
            "m004_login_failures", "m005_asks", "m006_learned_review",
            "m007_agent_sessions", "m008_message_keys"]
        assert store.migrations.pending(db) == []
    finally:
        db.close()


def test_views_are_counted_and_ranked(tmp_path):
    db = store.open_db(tmp_path / "dalil.sqlite3")
    for article_id in ["refunds", "refunds", "warranty", "refunds", "warranty", "privacy"]:
        store.record_view(db, article_id, "ar")
    assert store.most_viewed(db, limit=2) == [("refunds", 3), ("warranty", 2)]
    assert store.most_viewed(db) == [("refunds", 3), ("warranty", 2), ("privacy", 1)]
    db.close()


def test_feedback_is_stored_with_its_comment_trimmed(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    db = store.open_db(path)
    store.record_feedback(db, "refunds", "ar", True, "  مفيدة جدًا  ")
    store.record_feedback(db, "refunds", "en", False, "x" * 5000)
    store.record_feedback(db, "refunds", "en", False)
    db.close()
    rows = list(sqlite_utils.Database(path)["article_feedback"].rows)
    assert [(r["lang"], r["helpful"]) for r in rows] == [("ar", 1), ("en", 0), ("en", 0)]
    assert rows[0]["comment"] == "مفيدة جدًا"
    assert len(rows[1]["comment"]) == store.MAX_COMMENT_LENGTH
    assert rows[2]["comment"] == "" and rows[0]["created"].endswith("+00:00")
    db = store.connect(path)
    assert store.feedback_summary(db, "refunds") == {"helpful": 1, "not_helpful": 2}
    assert store.feedback_summary(db, "nothing") == {"helpful": 0, "not_helpful": 0}
    db.close()


def test_searches_are_logged_with_their_source(tmp_path):
    db = store.open_db(tmp_path / "dalil.sqlite3")
    store.record_search(db, "'; DROP TABLE searches; --", "ar", 0, source="api")
    store.record_search(db, "وين طلبي", "ar", 3)
    rows = list(db["searches"].rows)
    assert [(r["query"], r["results"], r["source"]) for r in rows] == [
        ("'; DROP TABLE searches; --", 0, "api"), ("وين طلبي", 3, "page")]
    db.close()
