"""bot/store/schema.py: one migration history, adopted by files made under the old three
sets; and the ratings' read functions. Real SQLite files in tmp_path; the history and
the ratings on a real PostgreSQL database too (tests/pg_fixtures.py; adopting the old
sets is SQLite's alone: no PostgreSQL database predates the one history)."""
import sqlite_utils
from sqlite_utils.migrations import Migrations

from bot import store
from bot.store import schema

TABLES = {"article_views", "article_feedback", "searches", "asks", "conversations",
          "messages", "handoffs", "ratings", "agents", "login_failures", "learned_questions",
          "notes", "transfers", "customers", "canned_replies", "agent_reads",
          "conversation_tags", "message_search", "channel_messages", "outbox", "attachments",
          "customer_addresses"}
HISTORY = ["m001_help_center", "m002_conversations", "m003_learned_sources",
           "m004_login_failures", "m005_asks", "m006_learned_review",
           "m007_agent_sessions", "m008_message_keys", "m009_notes", "m010_teams",
           "m011_customers", "m012_canned_replies", "m013_agent_reads",
           "m014_conversation_tags", "m015_typing", "m016_channels"]

# The migrations as earlier releases declared them: three sets, each numbered from 1
# (the bodies have not changed, only their set and name).
OLD_SETS = [
    ("dalil", [("m001_help_center", schema.m001_help_center)]),
    ("dalil-chat", [("m001_conversations", schema.m002_conversations),
                    ("m002_learned_sources", schema.m003_learned_sources),
                    ("m003_login_failures", schema.m004_login_failures)]),
    ("dalil-insights", [("m001_asks", schema.m005_asks)]),
]


def make_old_file(path, leave_out=()):
    """Create ``path`` the way earlier releases did (less the migrations named in
    ``leave_out``, for a file from before they existed)."""
    db = sqlite_utils.Database(path)
    db.enable_wal()
    for set_name, steps in OLD_SETS:
        old = Migrations(set_name)
        for name, fn in steps:
            if name not in leave_out:
                old(name=name)(fn)
        old.apply(db)
    return db


def records(db):
    return list(db.query("SELECT id, migration_set, name, applied_at FROM _sqlite_migrations "
                         "ORDER BY id"))


def test_a_new_database_gets_every_table_from_one_history(database):
    db = store.open_db(database)
    assert TABLES <= set(db.table_names())
    assert [m.name for m in store.migrations.applied(db)] == HISTORY
    assert store.migrations.pending(db) == []
    assert [row["name"] for row in records(db)] == HISTORY
    assert {row["migration_set"] for row in records(db)} == {"dalil"}
    db.close()
    db = store.open_db(database)  # a second start-up applies nothing
    assert [row["name"] for row in records(db)] == HISTORY
    db.close()


def test_the_schema_has_the_same_columns_on_both_backends(database, tmp_path):
    reference = store.open_db(tmp_path / "reference.sqlite3")
    db = store.open_db(database)
    for table in TABLES | {"agent_sessions"}:
        assert db[table].columns_dict == reference[table].columns_dict, table
    db.close()
    reference.close()


def test_a_new_file_gets_every_table_from_one_history(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    assert schema.adopt_old_migrations(sqlite_utils.Database(path)) == 0  # nothing to adopt
    db = store.open_db(path)
    assert TABLES <= set(db.table_names())
    assert [m.name for m in store.migrations.applied(db)] == HISTORY
    assert store.migrations.pending(db) == []
    assert {row["migration_set"] for row in records(db)} == {"dalil"}
    db.close()


def test_a_file_from_the_three_old_sets_is_adopted_with_its_rows(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    old = make_old_file(path)
    store.record_view(old, "refunds", "ar")
    conversation = store.create_conversation(old, "ar", "client-1")
    store.add_message(old, conversation["id"], "customer", "وين طلبي")
    handoff, _ = store.open_handoff(old, conversation["id"], reason="no match", lang="ar")
    # A row as the old schema holds it (today's add_learned_question writes newer columns).
    old["learned_questions"].insert({"article_id": "refunds", "question": "ابغى فلوسي",
                                     "lang": "ar", "source": "customer",
                                     "created": "2026-11-01T00:00:00+00:00"})
    store.record_ask(old, "where is my order", "en", "answer", "shipping")
    applied_at = [row["applied_at"] for row in records(old)]
    old.close()

    db = store.open_db(path)
    assert [m.name for m in store.migrations.applied(db)] == HISTORY
    assert store.migrations.pending(db) == []
    # The old records were renamed in place: same rows, same times, none left behind
    # (the migrations that came after the old sets follow them).
    assert [row["applied_at"] for row in records(db)][:len(applied_at)] == applied_at
    assert {row["migration_set"] for row in records(db)} == {"dalil"}
    assert store.most_viewed(db) == [("refunds", 1)]
    assert [m["text"] for m in store.messages(db, conversation["id"])] == ["وين طلبي"]
    assert store.active_handoff(db, conversation["id"])["id"] == handoff["id"]
    assert store.learned_questions(db) == {"refunds": ["ابغى فلوسي"]}
    assert [row["question"] for row in db["asks"].rows] == ["where is my order"]
    before = records(db)
    db.close()

    db = store.open_db(path)  # every later start-up: nothing renamed, nothing applied
    assert records(db) == before
    with store.transaction(db):
        assert schema.adopt_old_migrations(db) == 0
    db.close()


def test_a_file_from_before_login_failures_and_asks_gets_them(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    make_old_file(path, leave_out={"m003_login_failures", "m001_asks"}).close()
    db = store.open_db(path)
    assert {"login_failures", "asks"} <= set(db.table_names())
    assert [m.name for m in store.migrations.applied(db)] == HISTORY
    assert store.migrations.pending(db) == []
    db.close()


def test_an_old_record_beside_its_new_one_is_dropped(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    store.open_db(path).close()
    db = sqlite_utils.Database(path)
    db["_sqlite_migrations"].insert({"migration_set": "dalil-chat", "name": "m001_conversations",
                                     "applied_at": "2025-01-01 00:00:00+00:00"})
    db.close()
    db = store.open_db(path)  # no "UNIQUE constraint failed", and m002 is not run again
    assert [m.name for m in store.migrations.applied(db)] == HISTORY
    assert {row["migration_set"] for row in records(db)} == {"dalil"}
    db.close()


def test_a_handoff_rating_comes_back_once_given(backend_db):
    db = backend_db
    conversation = store.create_conversation(db, "ar")
    first, _ = store.open_handoff(db, conversation["id"], reason="asked for a person", lang="ar")
    assert store.handoff_rating(db, first["id"]) is None
    assert store.is_rated(db, first["id"]) is False
    store.add_rating(db, conversation["id"], first["id"], 4, "  شكرًا  ")
    assert store.handoff_rating(db, first["id"]) == {"score": 4, "comment": "شكرًا"}
    assert store.is_rated(db, first["id"]) is True
    assert store.handoff_rating(db, first["id"] + 1) is None
    assert store.is_rated(db, first["id"] + 1) is False
    assert store.add_rating(db, conversation["id"], first["id"], 1) is None  # once only
