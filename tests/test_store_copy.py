"""bot.store.copy: an installation moved from SQLite to PostgreSQL and back, every row
with its id, counts verified; a real file and a real server (tests/pg_fixtures.py)."""
import pytest

from bot import store
from insights_fixtures import seed


def _everything(db):
    return {table: list(db.query(f"SELECT * FROM {table} ORDER BY id"))
            for table in store.copy.TABLES}


def _a_used_store(path):
    db = seed(store.open_db(path))  # a week of conversations, handoffs, logs, ratings
    store.add_agent(db, "mona", "hash")
    store.add_agent_session(db, "mona", "session-1", "0")
    store.record_login_failure(db, "omar", "client")
    held = store.add_learned_question(db, "refunds", "وين فلوسي", "ar", status="review",
                                      conflict=("returns", "ابغى ارجع"))
    store.approve_learned_question(db, held)
    conversation = store.create_conversation(db, "ar", "c")
    store.add_message(db, conversation["id"], "customer", "سلام", {"n": 1}, key="k-1")
    handoff = next(db.query("SELECT id, conversation_id FROM handoffs ORDER BY id LIMIT 1"))
    store.add_note(db, handoff["id"], handoff["conversation_id"], "mona", "اتصلت بالعميل")
    return db


def test_every_table_of_the_schema_is_copied(tmp_path):
    # A table a later migration adds must join TABLES, or a copy would leave it behind.
    db = store.open_db(tmp_path / "dalil.sqlite3")
    tables = {name for name in db.table_names() if not name.startswith(("_", "sqlite_"))}
    db.close()
    assert tables == set(store.copy.TABLES)


def test_a_sqlite_file_moves_to_postgresql_whole_and_then_serves(tmp_path, pg_url):
    source = _a_used_store(tmp_path / "dalil.sqlite3")
    target = store.open_db(pg_url)
    copied = store.copy_store(source, target)
    assert copied == {table: len(rows) for table, rows in _everything(source).items()}
    assert copied["messages"] > 10 and copied["agent_sessions"] == 1
    assert _everything(target) == _everything(source)
    # The sequences moved past the copied ids: new rows get new ids.
    conversation = store.create_conversation(target, "en")
    assert conversation["id"] == copied["conversations"] + 1
    assert store.add_learned_question(target, "orders", "where is it", "en") > max(
        row["id"] for row in _everything(source)["learned_questions"])
    assert store.session_agent(target, "session-1", "0") == "mona"
    source.close()
    target.close()


def test_postgresql_copies_back_to_a_new_sqlite_file(tmp_path, pg_url):
    original = _a_used_store(tmp_path / "original.sqlite3")
    server = store.open_db(pg_url)
    store.copy_store(original, server)
    back = store.open_db(tmp_path / "back.sqlite3")
    store.copy_store(server, back)
    assert _everything(back) == _everything(original)
    for db in (original, server, back):
        db.close()


def test_a_target_with_rows_is_refused_and_left_as_it_was(tmp_path, database):
    source = _a_used_store(tmp_path / "source.sqlite3")
    target = store.open_db(database)
    store.record_view(target, "refunds", "ar")
    with pytest.raises(store.CopyError, match="article_views"):
        store.copy_store(source, target)
    assert {table: len(rows) for table, rows in _everything(target).items()
            if rows} == {"article_views": 1}
    source.close()
    target.close()
