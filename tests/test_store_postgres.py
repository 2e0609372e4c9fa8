"""bot.store on PostgreSQL alone: what only a server shared by several nodes needs —
nodes starting at once migrate once, write transactions queue across connections,
ids follow the sequence, a lost connection is StorageUnavailable. A real server from
tests/pg_fixtures.py; each test its own database."""
import os
import subprocess
import sys
import threading
import time

import pytest

from bot import store
from bot.store import postgres
from conftest import run_in_threads

from test_store_schema import HISTORY
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _names(db):
    return [row["name"] for row in db.query(
        "SELECT name FROM _sqlite_migrations ORDER BY id")]


def test_nodes_starting_at_once_migrate_a_new_database_once(pg_url):
    # Four processes (four nodes) and four threads open one empty database together.
    code = "import sys; from bot import store; store.open_db(sys.argv[1]).close()"
    processes = [subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=ROOT,
                                  stderr=subprocess.PIPE) for _ in range(4)]
    failures, start = [], threading.Barrier(4)

    def node():
        start.wait()
        try:
            store.open_db(pg_url).close()
        except Exception as error:  # noqa: BLE001  (collected, asserted below)
            failures.append(error)

    run_in_threads(node, [()] * 4)
    errors = [p.communicate()[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, errors
    assert failures == []
    db = store.connect(pg_url)
    assert _names(db) == HISTORY  # each migration recorded once, in order
    assert store.migrations.pending(db) == []
    db.close()


def test_write_transactions_on_two_connections_run_one_after_the_other(pg_url):
    first, second = store.open_db(pg_url), store.connect(pg_url)
    inside, seen = threading.Event(), []

    def writer():
        with store.transaction(first):
            store.record_ask(first, "q1", "en", "answer")
            inside.set()
            time.sleep(0.3)  # the window in which the other would read without the lock

    thread = threading.Thread(target=writer)
    thread.start()
    inside.wait()
    with store.transaction(second):  # waits for the first to commit
        seen.append(next(second.query("SELECT count(*) AS n FROM asks"))["n"])
        store.record_ask(second, "q2", "en", "answer")
    thread.join()
    assert seen == [1]
    assert [row["question"] for row in store.asks_in(second, "0", "9")] == ["q1", "q2"]
    first.close()
    second.close()


def test_a_limit_checked_and_recorded_in_one_transaction_holds_across_connections(pg_url):
    # The chat's rate limits and the sign-in throttle count, then insert, inside
    # store.transaction: ten nodes at once must not all see room for one more.
    store.open_db(pg_url).close()
    limit, start, stored = 3, threading.Barrier(10), []

    def try_sign_in(n):
        db = store.connect(pg_url)
        try:
            start.wait()
            with store.transaction(db):
                pair, _ = store.sign_in_failures(db, "mona", "client", "0", 100)
                if len(pair) < limit:
                    store.record_login_failure(db, "mona", "client")
                    stored.append(n)
        finally:
            db.close()

    run_in_threads(try_sign_in, [(n,) for n in range(10)])
    assert len(stored) == limit
    db = store.connect(pg_url)
    assert len(store.sign_in_failures(db, "mona", "client", "0", 100)[0]) == limit
    db.close()


def test_messages_written_at_once_come_back_in_id_order_with_none_lost(pg_url):
    db = store.open_db(pg_url)
    conversation = store.create_conversation(db, "ar")
    start = threading.Barrier(8)

    def say(n):
        own = store.connect(pg_url)
        try:
            start.wait()
            for i in range(5):
                store.add_message(own, conversation["id"], "customer", f"{n}-{i}")
        finally:
            own.close()

    run_in_threads(say, [(n,) for n in range(8)])
    stored = store.messages(db, conversation["id"])
    assert len(stored) == 40 and len({m["text"] for m in stored}) == 40
    assert [m["id"] for m in stored] == sorted(m["id"] for m in stored)
    db.close()


def test_an_approved_question_takes_the_next_id_and_later_ones_follow_it(pg_url):
    db = store.open_db(pg_url)
    held = store.add_learned_question(db, "refunds", "وين فلوسي", "ar", status="review",
                                      conflict=("returns", "ابغى ارجع"))
    store.add_learned_question(db, "shipping", "كم التوصيل", "ar")
    approved = store.approve_learned_question(db, held)
    assert approved > held and store.learned_version(db) == (2, approved)
    later = store.add_learned_question(db, "orders", "وين طلبي", "ar")  # no duplicate id
    assert later > approved
    assert store.learned_questions_after(db, approved) == {"orders": ["وين طلبي"]}
    db.close()


def test_iso_times_compare_as_text_in_byte_order(pg_url):
    # The created columns are ISO text compared as text (the insights' periods): the
    # "C" collation makes that byte order, whatever the server's locale.
    db = store.open_db(pg_url)
    for moment in ("2026-11-01T00:00:00+00:00", "2026-11-07T23:59:59+00:00",
                   "2026-11-08T00:00:00+00:00", "2026-10-31T23:59:59+00:00"):
        db.execute("INSERT INTO asks (question, lang, action, created) VALUES (?, 'en', "
                   "'answer', ?)", [moment, moment])
    inside = store.asks_in(db, "2026-11-01T00:00:00+00:00", "2026-11-08T00:00:00+00:00")
    assert [row["question"] for row in inside] == ["2026-11-01T00:00:00+00:00",
                                                   "2026-11-07T23:59:59+00:00"]
    assert [row["name"] for row in db.query(
        "SELECT * FROM (VALUES ('b'), ('B'), ('a'), ('_')) AS t(name) ORDER BY name "
        'COLLATE "C"')] == ["B", "_", "a", "b"]
    assert store.list_agents(db) == []
    for name in ("omar", "Mona", "_bot"):
        store.add_agent(db, name, "hash")
    assert [row["name"] for row in store.list_agents(db)] == ["Mona", "_bot", "omar"]
    db.close()


def test_a_lost_connection_is_storage_unavailable_and_the_pool_lends_a_working_one(pg_url):
    store.open_db(pg_url).close()
    pool = store.connection.Pool(pg_url)
    db = pool.take()
    pid = db.conn.info.backend_pid
    other = store.connect(pg_url)
    other.execute("SELECT pg_terminate_backend(?)", [pid])  # the server ends the session
    other.close()
    with pytest.raises(store.StorageUnavailable) as caught:
        store.record_ask(db, "q", "en", "answer")
    assert caught.value.retry_after > 0
    pool.give(db)  # a broken connection is not kept
    db = pool.take()
    assert store.record_ask(db, "q", "en", "answer") == 1  # nothing of the failed one
    pool.give(db)
    pool.close()


def test_a_server_that_is_not_there_is_storage_unavailable(pg_server, tmp_path):
    url = f"postgresql://dalil@/dalil?host={tmp_path}"  # no server listens there
    with pytest.raises(store.StorageUnavailable):
        store.open_db(url)


def test_placeholders_inside_quoted_text_are_left_alone():
    assert postgres._statement("SELECT '?', ? WHERE a LIKE '%x?' AND b = ?") == (
        "SELECT '?', %s WHERE a LIKE '%%x?' AND b = %s")
    assert postgres._statement("SELECT 'it''s ?' || ? % 2") == "SELECT 'it''s ?' || %s %% 2"


def test_a_percent_sign_in_a_statement_is_the_operator_with_or_without_parameters(pg_url):
    db = store.connect(pg_url)
    assert db.execute("SELECT 7 % 3").fetchone() == (1,)
    assert next(db.query("SELECT 7 % ? AS r", [4])) == {"r": 3}
    db.close()


def test_a_change_to_the_live_learned_questions_wakes_every_listener(pg_url, tmp_path):
    assert store.learned_listener(tmp_path / "dalil.sqlite3") is None  # SQLite polls
    db = store.open_db(pg_url)
    listeners = [store.learned_listener(pg_url) for _ in range(2)]  # two other nodes
    try:
        assert not any(listener.wait(0.2) for listener in listeners)  # nothing yet
        held = store.add_learned_question(db, "refunds", "وين فلوسي", "ar", status="review",
                                          conflict=("returns", "ابغى ارجع"))
        assert not listeners[0].wait(0.2)  # a held question reaches no bot
        listeners[1].wait(0)
        live = store.add_learned_question(db, "shipping", "كم التوصيل", "ar")
        assert all(listener.wait(2) for listener in listeners)
        approved = store.approve_learned_question(db, held)
        assert all(listener.wait(2) for listener in listeners)
        with store.transaction(db):  # told when the transaction commits, not before
            store.remove_learned_question(db, live)
            assert not listeners[0].wait(0.2)
        assert all(listener.wait(2) for listener in listeners)
        store.remove_learned_question(db, approved)
        assert all(listener.wait(2) for listener in listeners)
        assert store.learned_version(db) == (0, 0)
    finally:
        for listener in listeners:
            listener.close()
        db.close()
