"""Opening the store (connect, open_db, a Pool of open connections) on a SQLite file or
a PostgreSQL URL, write transactions, and the helpers every store module shares (the
timestamp format, first row, decoded message, one-statement insert).

The DATABASE setting picks the backend: a file path is SQLite through sqlite-utils (this
module), a ``postgresql://`` URL is PostgreSQL through psycopg (postgres.py, imported
only then). Either way the handle ``db`` offers the same small interface, which is all
the store modules use: ``db.query(sql, params)`` (rows as dicts), ``db.execute(sql,
params).rowcount``, ``db[table].insert(row).last_pk`` or ``insert_row`` (the new id),
``transaction(db)`` (one write transaction), ``db.close()``; statements use ``?``
placeholders. The storage's own trouble is raised as errors.StorageUnavailable on both.
"""
import collections
import contextlib
import datetime
import json
import os
import sqlite3
import sys
import threading

import sqlite_utils

from .errors import SQLiteStorageUnavailable, sqlite_trouble
from .schema import adopt_old_migrations, migrations


# Seconds a write waits for another's write lock before failing ("database is locked").
BUSY_TIMEOUT = 5.0
# One write transaction at a time per process (transaction()). A real lock even under
# gevent, where it is never contended: a transaction does no I/O that would yield.
_WRITERS = threading.RLock()  # re-entered by a thread nesting transactions on two files


def now():
    """Return the current UTC time as ISO text ("YYYY-MM-DDTHH:MM:SS+00:00"), the form of
    every ``created`` column (the insights queries rely on its text order)."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def is_postgres(database):
    """Return True when ``database`` (the DATABASE setting, or an open handle) is
    PostgreSQL: a postgresql:// or postgres:// URL, or a handle opened on one."""
    if isinstance(database, (str, os.PathLike)):
        return str(database).startswith(("postgresql://", "postgres://"))
    return getattr(database, "backend", "sqlite") == "postgres"


def _postgres():
    from . import postgres  # psycopg is needed only by those who use PostgreSQL
    return postgres


def integrity_errors():
    """Return the exception classes a refused row (a unique or other constraint) raises,
    for ``except``: sqlite3's, and psycopg's once PostgreSQL is in use."""
    psycopg = sys.modules.get("psycopg")
    return ((sqlite3.IntegrityError,) if psycopg is None else
            (sqlite3.IntegrityError, psycopg.IntegrityError))


class SQLiteDatabase(sqlite_utils.Database):
    """A sqlite-utils Database whose statements raise the storage's trouble (a lock
    held too long, a full or read-only disk) as StorageUnavailable, which is still the
    sqlite3.OperationalError it was."""

    backend = "sqlite"

    def execute(self, sql, parameters=None):
        try:  # not _sqlite_trouble(): this runs for every statement, and a try is free
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as error:
            wait = sqlite_trouble(error)
            if wait is None or isinstance(error, SQLiteStorageUnavailable):
                raise
            raise SQLiteStorageUnavailable(error, wait) from error


@contextlib.contextmanager
def _sqlite_trouble():
    try:
        yield
    except sqlite3.OperationalError as error:
        wait = sqlite_trouble(error)
        if wait is None or isinstance(error, SQLiteStorageUnavailable):
            raise
        raise SQLiteStorageUnavailable(error, wait) from error


def connect(path, any_thread=False):
    """Return the store at ``path`` for one unit of work (a request): a sqlite-utils
    Database on the SQLite file, or a postgres.Database on its own connection when
    ``path`` is a PostgreSQL URL. With ``any_thread`` a SQLite connection may be used
    from another thread than the one that opened it — by one at a time (what a Pool
    ensures)."""
    if is_postgres(path):
        return _postgres().connect(str(path))
    with _sqlite_trouble():
        db = SQLiteDatabase(sqlite3.connect(path, check_same_thread=not any_thread)
                            if any_thread else path)
    # gunicorn's workers share the file: wait for a moment's write lock, don't fail.
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    # In WAL mode a commit then writes the WAL without waiting for the disk (fsync at
    # checkpoints only): the file can never be corrupted, a crash or restart of Dalil
    # loses nothing, and only a power loss or an OS crash can undo the last moments'
    # commits (sqlite.org/pragma.html#pragma_synchronous). The fsync per commit it
    # saves took 0.2-2.6 ms per logged ask here — time a gevent worker cannot serve
    # anyone else, since SQLite does not yield.
    db.execute("PRAGMA synchronous = NORMAL")
    return db


class Pool:
    """Open connections to the SQLite file at ``path``, lent for a unit of work and kept
    between them (at most ``keep`` idle). Made with a PostgreSQL URL, it is a
    postgres.Pool instead (psycopg's pool; the same take/give/close).

    Opening a connection per request and closing it after cost 0.93 ms of CPU for one
    logged ask, against 0.12 ms on a kept connection (docs/benchmarks.md, "HTTP"):
    the last connection to close checkpoints the WAL. SQLite still checkpoints as the
    WAL grows (every 1,000 pages), so it stays small. A connection must not cross a
    fork: a process that did not open the pool starts an empty one of its own.
    """

    def __new__(cls, path, keep=8):
        if is_postgres(path):
            return _postgres().Pool(str(path), keep)
        return super().__new__(cls)

    def __init__(self, path, keep=8):
        self.path = path
        self.keep = keep
        self._pid = os.getpid()
        self._idle = collections.deque()  # append and pop are atomic: no lock needed

    def take(self):
        """Return an open sqlite-utils Database, idle or new, for the caller alone."""
        if self._pid != os.getpid():  # forked: the parent's connections are not ours
            self._pid, self._idle = os.getpid(), collections.deque()
        try:
            return self._idle.pop()
        except IndexError:
            return connect(self.path, any_thread=True)

    def give(self, db):
        """Take ``db`` back (from take): what it left uncommitted is rolled back, as
        closing it would; it is closed instead when enough are idle or it failed."""
        try:
            if db.conn.in_transaction:
                db.conn.rollback()
        except sqlite3.Error:
            _close(db)
            return
        if self._pid != os.getpid() or len(self._idle) >= self.keep:
            _close(db)
        else:
            self._idle.append(db)

    def close(self):
        """Close every idle connection (the pool stays usable)."""
        while self._idle:
            _close(self._idle.pop())

    def __del__(self):
        if self._pid == os.getpid():
            self.close()


def _close(db):
    try:
        db.close()
    except sqlite3.Error:
        pass


def open_db(path):
    """Return the store at ``path`` with its migrations applied (call once at start-up):
    the SQLite file in WAL mode, or the PostgreSQL database of a URL, migrated under an
    advisory lock so that nodes starting at once migrate it once."""
    if is_postgres(path):
        postgres = _postgres()
        db = postgres.connect(str(path))
        try:
            with postgres.migrating(db):
                migrations.apply(db)
        except BaseException:
            db.close()
            raise
        return db
    db = connect(path)
    # Readers never wait for the writer; the mode is stored in the file.
    db.enable_wal()
    with transaction(db):
        adopt_old_migrations(db)
    migrations.apply(db)
    return db


@contextlib.contextmanager
def transaction(db):
    """Run the block as one write transaction (all or nothing), taking the write lock
    first: a deferred transaction that reads, then writes, fails at once with "database
    is locked" when another writer committed in between (WAL snapshots), however long
    busy_timeout is. Nested use joins the outer transaction. On PostgreSQL the same:
    one write transaction at a time over every node (postgres.transaction)."""
    if is_postgres(db):
        with _postgres().transaction(db):
            yield db
        return
    if db.conn.in_transaction:
        yield db
        return
    # The writers of this process queue here rather than in SQLite, whose busy handler
    # polls with growing sleeps: 55 threads of one process writing at once left some
    # waiting past busy_timeout while the lock was never held for more than 0.13 s
    # (tests/test_concurrency.py). Past busy_timeout, on to SQLite regardless.
    queued = _WRITERS.acquire(timeout=BUSY_TIMEOUT)
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        db.execute("COMMIT")
    finally:
        if queued:
            _WRITERS.release()


def insert_row(db, table, row):
    """Insert ``row`` (a dict) into ``table`` as one plain statement; return its id.
    Outside a transaction it commits at once. sqlite-utils' insert (which first reads
    the table's columns) costs three times as much: use this where rows are written on
    every request (the logs)."""
    if is_postgres(db):
        return _postgres().insert(db, table, row)
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    with _sqlite_trouble():
        if db.conn.in_transaction:  # the caller's transaction commits it
            return db.conn.execute(sql, list(row.values())).lastrowid
        with db.conn:  # commits, or rolls back on an error
            return db.conn.execute(sql, list(row.values())).lastrowid


def in_transaction(db):
    """Return True while ``db`` has a transaction open."""
    return db.in_transaction if is_postgres(db) else db.conn.in_transaction


def first_row(rows):
    """Return the first of ``rows`` (a query's result), or None when there is none."""
    return next(iter(rows), None)


def decode_message(row):
    """Return a messages row as a dict with its JSON ``data`` decoded ({} when empty)."""
    row = dict(row)
    row["data"] = json.loads(row["data"]) if row.get("data") else {}
    return row
