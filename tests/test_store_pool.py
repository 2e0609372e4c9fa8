"""bot.store.connection.Pool: connections kept between requests, what a request left
uncommitted rolled back, none carried across a fork; and the site's requests using it.
On both backends (SQLite's own pool, psycopg's for a PostgreSQL URL) where both keep
the promise; the SQLite pool's ``keep`` limit on idle connections is its own."""
import os

import pytest

from bot import store
from bot.store.connection import Pool, in_transaction


def _pool(tmp_path, **kwargs):
    path = str(tmp_path / "dalil.sqlite3")
    store.open_db(path).close()
    return Pool(path, **kwargs)


@pytest.fixture
def pool(database):
    """A Pool over the test's migrated store on its backend; closed after the test."""
    store.open_db(database).close()
    lender = Pool(database)
    yield lender
    lender.close()


def _connection(db):
    """The driver connection under a lent handle (psycopg's pool lends the same
    connection in a new handle)."""
    return db.conn


def test_a_given_back_connection_is_lent_again(pool):
    db = pool.take()
    conn = _connection(db)
    pool.give(db)
    assert _connection(pool.take()) is conn


def test_what_a_unit_of_work_left_uncommitted_is_rolled_back(pool):
    db = pool.take()
    db.execute("BEGIN")  # a request that failed between its BEGIN and COMMIT
    db.execute("INSERT INTO asks (question, lang, action, created) "
               "VALUES ('q', 'ar', 'answer', '2026-12-01T00:00:00+00:00')")
    assert in_transaction(db)
    pool.give(db)
    again = pool.take()
    assert not in_transaction(again)
    other = store.connect(pool.path)
    assert other.execute("SELECT count(*) FROM asks").fetchone()[0] == 0
    other.close()
    pool.give(again)


def test_no_more_than_keep_connections_stay_open(tmp_path):
    pool = _pool(tmp_path, keep=2)
    lent = [pool.take() for _ in range(4)]
    for db in lent:
        pool.give(db)
    kept = [pool.take() for _ in range(2)]
    assert kept[0] in lent and kept[1] in lent
    assert pool.take() not in lent  # the other two were closed
    pool.close()


def test_a_forked_process_opens_its_own_connections(pool):
    db = pool.take()
    conn = _connection(db)
    pool.give(db)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: it must not be lent the parent's connection
        try:
            child_db = pool.take()
            ok = (_connection(child_db) is not conn
                  and child_db.execute("SELECT 1").fetchone()[0] == 1)
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    assert answer == b"1"
    db = pool.take()
    assert _connection(db) is conn  # the parent's pool is untouched
    assert db.execute("SELECT 1").fetchone()[0] == 1  # and its connection still works
    pool.give(db)


def test_requests_share_a_kept_connection_and_store_their_rows(app, client):
    for question in ("where is my order", "how much is shipping"):
        assert client.post("/api/ask", json={"question": question}).status_code == 200
    pool = app.extensions["dalil_db"]
    db = pool.take()
    assert db.execute("SELECT count(*) FROM asks").fetchone()[0] == 2
    pool.give(db)
    assert pool.take() is db  # one connection served both requests and this look
