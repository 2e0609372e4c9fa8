"""Opening the SQLite file (connect, open_db), write transactions, and the helpers every
store module shares (the timestamp format, first row, decoded message)."""
import contextlib
import datetime
import json

import sqlite_utils

from .schema import adopt_old_migrations, migrations


def now():
    """Return the current UTC time as ISO text ("YYYY-MM-DDTHH:MM:SS+00:00"), the form of
    every ``created`` column (the insights queries rely on its text order)."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


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
    with transaction(db):
        adopt_old_migrations(db)
    migrations.apply(db)
    return db


@contextlib.contextmanager
def transaction(db):
    """Run the block as one write transaction (all or nothing), taking the write lock
    first: a deferred transaction that reads, then writes, fails at once with "database
    is locked" when another writer committed in between (WAL snapshots), however long
    busy_timeout is. Nested use joins the outer transaction."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def first_row(rows):
    """Return the first of ``rows`` (a query's result), or None when there is none."""
    return next(iter(rows), None)


def decode_message(row):
    """Return a messages row as a dict with its JSON ``data`` decoded ({} when empty)."""
    row = dict(row)
    row["data"] = json.loads(row["data"]) if row.get("data") else {}
    return row
