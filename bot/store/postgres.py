"""The store on PostgreSQL (psycopg 3 and its pool): a handle with the part of the
sqlite-utils Database the store modules and the migrations use, so the same functions
and the same migration history run on both backends.

    db = postgres.connect("postgresql://dalil@localhost/dalil")
    db.query("SELECT * FROM agents WHERE name = ?", ["mona"])   # -> iterator of dicts
    db.execute("UPDATE ... WHERE id = ?", [7]).rowcount
    db["asks"].insert({...}).last_pk                            # INSERT ... RETURNING id
    with db.atomic(): ...                                       # one transaction

Statements keep SQLite's ``?`` placeholders (turned into psycopg's ``%s`` here, once per
statement text). Connections are in autocommit mode, as sqlite-utils leaves SQLite: a
statement outside a transaction commits by itself. Tables are made from the
sqlite-utils column types: int is BIGINT, str is TEXT with the "C" collation, so text
sorts and compares byte by byte as in SQLite (the ISO ``created`` columns, names).
"""
import contextlib
import functools
import os
import re
import threading

import psycopg
import psycopg_pool
from psycopg.rows import dict_row

from .errors import StorageUnavailable, postgres_trouble

# What sqlite-utils' column types become (sqlite-utils' create() takes Python types).
_TYPES = {int: "BIGINT", str: 'TEXT COLLATE "C"', float: "DOUBLE PRECISION", bytes: "BYTEA",
          bool: "BIGINT"}
# Errors raised when a unique, foreign-key or not-null constraint refuses a row.
IntegrityError = psycopg.IntegrityError


def is_url(database):
    """Return True when the DATABASE setting ``database`` names a PostgreSQL database
    (a postgresql:// or postgres:// URL) rather than a SQLite file."""
    return str(database).startswith(("postgresql://", "postgres://"))


@functools.lru_cache(maxsize=512)
def _statement(sql):
    """Return ``sql`` with its ``?`` placeholders as psycopg's ``%s``, leaving a ``?``
    in quoted text alone, and every literal ``%`` doubled (psycopg reads ``%`` even
    inside quotes)."""
    parts = re.split(r"('(?:[^']|'')*')", sql.replace("%", "%%"))
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("?", "%s")
    return "".join(parts)


def _ident(name):
    return '"' + str(name).replace('"', '""') + '"'


@contextlib.contextmanager
def _trouble():
    """Raise the PostgreSQL errors that are the storage's as StorageUnavailable."""
    try:
        yield
    except psycopg_pool.PoolTimeout as error:
        raise StorageUnavailable(f"no database connection free: {error}", 5) from error
    except (psycopg.OperationalError, psycopg.InternalError) as error:
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate is None and isinstance(error, psycopg.OperationalError):
            sqlstate = "08"  # the connection failed or was lost
        wait = postgres_trouble(sqlstate)
        if wait is None:
            raise
        raise StorageUnavailable(str(error).strip(), wait) from error


class Database:
    """One PostgreSQL connection as the store's handle (``db``); lent by a Pool or
    opened by ``connect``. ``close()`` gives a lent one back to its pool."""

    backend = "postgres"

    def __init__(self, conn, pool=None):
        self.conn = conn
        self._pool = pool
        self._pid = os.getpid()

    @property
    def in_transaction(self):
        """True while a transaction is open (or failed and not yet rolled back)."""
        return self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql, parameters=None):
        """Run one statement; return its cursor (``rowcount``, ``fetchone()`` as tuples)."""
        with _trouble():
            # Always with a (maybe empty) list: psycopg then reads %% as %, as written.
            return self.conn.execute(_statement(sql), list(parameters or []))

    def query(self, sql, params=None):
        """Return an iterator over the rows of ``sql`` as dicts."""
        with _trouble():
            with self.conn.cursor(row_factory=dict_row) as cursor:
                cursor.execute(_statement(sql), list(params or []))
                return iter(cursor.fetchall() if cursor.description else [])

    def __getitem__(self, name):
        return Table(self, name)

    def table_names(self):
        """Return the names of the tables of the database's current schema."""
        return [row["table_name"] for row in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]

    @contextlib.contextmanager
    def atomic(self):
        """Run the block as one transaction (a savepoint when one is open already)."""
        with _trouble():
            with self.conn.transaction():
                yield self

    def rollback(self):
        """Roll back the open transaction, if any."""
        with _trouble():
            self.conn.rollback()

    def close(self):
        """Give the connection back to its pool (what it left uncommitted rolled back),
        or close it when it was opened on its own. Never raises."""
        conn, self.conn = self.conn, None
        if conn is None or self._pid != os.getpid():
            # Inherited across a fork: the session is the parent's; closing it here
            # would end it for the parent too (psycopg skips it as well).
            return
        with contextlib.suppress(psycopg.Error, psycopg_pool.PoolTimeout):
            if self._pool is not None:
                self._pool.putconn(conn)  # it rolls back, or discards a broken one
            else:
                conn.close()

    def __del__(self):
        # A handle dropped unclosed (a quick look in a script or a test) closes its
        # connection or gives it back, as a dropped sqlite3 connection closes its file.
        if getattr(self, "conn", None) is not None:
            self.close()


class Table:
    """The sqlite-utils Table methods the migrations and the store use, on PostgreSQL."""

    def __init__(self, db, name):
        self.db, self.name = db, name
        self.last_pk = None

    def exists(self):
        return self.name in self.db.table_names()

    @property
    def pks(self):
        rows = self.db.query(
            "SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON "
            "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = to_regclass(?) AND i.indisprimary", [_ident(self.name)])
        return [row["name"] for row in rows]

    @property
    def columns_dict(self):
        """Return {column: Python type} (int or str), in the table's column order."""
        types = {"bigint": int, "integer": int, "text": str, "double precision": float,
                 "bytea": bytes}
        return {row["column_name"]: types.get(row["data_type"], str) for row in self.db.query(
            "SELECT column_name, data_type FROM information_schema.columns WHERE "
            "table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            [self.name])}

    @property
    def count(self):
        """The number of rows."""
        return next(self.db.query(f"SELECT count(*) AS n FROM {_ident(self.name)}"))["n"]

    @property
    def rows(self):
        """Every row as a dict, by id."""
        return self.rows_where()

    def rows_where(self, where=None, where_args=None, order_by=None):
        sql = f"SELECT * FROM {_ident(self.name)}"
        if where:
            sql += f" WHERE {where}"
        # SQLite's rowid (insertion order, for the migrations table) is the id here.
        sql += f" ORDER BY {'id' if order_by in (None, 'rowid') else order_by}"
        return self.db.query(sql, where_args or [])

    def create(self, columns, pk=None, foreign_keys=(), not_null=(), defaults=None):
        """Create the table from sqlite-utils' description: ``columns`` {name: type};
        an int ``pk`` takes its values from an identity sequence (as SQLite's rowid)."""
        defaults = defaults or {}
        lines = []
        for name, kind in columns.items():
            line = f"{_ident(name)} {_TYPES[kind]}"
            if name == pk:
                line += (" GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" if kind is int
                         else " PRIMARY KEY")
            elif name in not_null:
                line += " NOT NULL"
            if name in defaults:
                line += f" DEFAULT {_literal(defaults[name])}"
            lines.append(line)
        for column, other, other_column in foreign_keys:
            lines.append(f"FOREIGN KEY ({_ident(column)}) REFERENCES {_ident(other)} "
                         f"({_ident(other_column)})")
        self.db.execute(f"CREATE TABLE {_ident(self.name)} ({', '.join(lines)})")
        return self

    def create_index(self, columns, unique=False):
        """Create the index sqlite-utils would (its name: idx_TABLE_COLUMNS)."""
        name = f"idx_{self.name}_{'_'.join(columns)}"
        self.db.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {_ident(name)} ON "
                        f"{_ident(self.name)} ({', '.join(map(_ident, columns))})")
        return self

    def add_column(self, name, kind, not_null_default=None):
        sql = f"ALTER TABLE {_ident(self.name)} ADD COLUMN {_ident(name)} {_TYPES[kind]}"
        if not_null_default is not None:
            sql += f" NOT NULL DEFAULT {_literal(not_null_default)}"
        self.db.execute(sql)
        return self

    def insert(self, row):
        """Insert ``row`` (a dict); ``last_pk`` is then its id. Inside a transaction the
        insert is its own savepoint: a refused row (IntegrityError) leaves the
        transaction usable, as in SQLite."""
        self.last_pk = insert(self.db, self.name, row)
        return self


def _literal(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert(db, table, row):
    """Insert ``row`` into ``table`` in one statement; return its ``id``."""
    columns = ", ".join(map(_ident, row))
    marks = ", ".join(["%s"] * len(row))
    sql = f"INSERT INTO {_ident(table)} ({columns}) VALUES ({marks}) RETURNING id"
    with _trouble():
        if db.in_transaction:
            with db.conn.transaction():  # a savepoint
                return db.conn.execute(sql, list(row.values())).fetchone()[0]
        return db.conn.execute(sql, list(row.values())).fetchone()[0]


def connect(url):
    """Return a Database on its own new connection to ``url`` (``close()`` closes it)."""
    with _trouble():
        return Database(psycopg.connect(url, autocommit=True))


# Every write transaction of every node takes this lock first (transaction()): writers
# queue one at a time, as SQLite's BEGIN IMMEDIATE makes them, so the checks inside a
# transaction (rate limits, sign-in throttling, one active handoff) hold across nodes.
WRITE_LOCK = 0x44414C4C  # "DALL"
# Held while migrating, so two nodes starting at once migrate once.
MIGRATE_LOCK = 0x44414D49  # "DAMI"


@contextlib.contextmanager
def transaction(db):
    """Run the block as one write transaction holding the write lock; nested use joins
    the outer one."""
    if db.in_transaction:
        yield db
        return
    with db.atomic():
        db.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])
        yield db


@contextlib.contextmanager
def migrating(db):
    """Hold the migrations' session lock for the block (other nodes wait for it)."""
    db.execute("SELECT pg_advisory_lock(?)", [MIGRATE_LOCK])
    try:
        yield db
    finally:
        db.execute("SELECT pg_advisory_unlock(?)", [MIGRATE_LOCK])


class Listener:
    """A connection of its own LISTENing to ``channel`` of the database at ``url``."""

    def __init__(self, url, channel):
        with _trouble():
            self.conn = psycopg.connect(url, autocommit=True)
            self.conn.execute(f"LISTEN {_ident(channel)}")

    def wait(self, timeout):
        """Return True when a notice came within ``timeout`` seconds (every notice
        that came is taken: one wake-up for a burst), False when none did."""
        with _trouble():
            came = any(True for _ in self.conn.notifies(timeout=timeout, stop_after=1))
            while came and any(True for _ in self.conn.notifies(timeout=0, stop_after=1)):
                pass
        return came

    def close(self):
        with contextlib.suppress(psycopg.Error):
            self.conn.close()


class Pool:
    """Connections to ``url`` kept between units of work: a psycopg ConnectionPool of
    at most ``keep`` connections, made anew in a forked process (a connection must not
    cross a fork: the parent's pool is left alone, never closed from the child)."""

    def __init__(self, url, keep=8):
        self.path = url
        self.keep = keep
        self._pid = None
        self._pool = None
        self._lock = threading.Lock()  # threads of one process make its pool once
        self._forked_away = []  # the parents' pools: closing them would end their sessions

    def _current(self):
        pool = self._pool
        if pool is not None and self._pid == os.getpid():
            return pool
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                if self._pool is not None:
                    self._forked_away.append(self._pool)
                # min_size 0: no connection is opened until one is wanted, and none is
                # kept open for nobody (idle ones close after max_idle).
                # check: a connection is tried (an empty query, one round trip) before
                # it is lent, so one the server dropped (a restart, a failover) is
                # replaced instead of failing a customer's request with a 503.
                self._pool = psycopg_pool.ConnectionPool(
                    self.path, min_size=0, max_size=self.keep, open=True, num_workers=1,
                    kwargs={"autocommit": True}, timeout=10.0, max_idle=60.0,
                    check=psycopg_pool.ConnectionPool.check_connection,
                    name=f"dalil-{os.getpid()}")
                self._pid = os.getpid()
            return self._pool

    def take(self):
        """Return a Database on a pooled connection, for the caller alone."""
        pool = self._current()
        with _trouble():
            return Database(pool.getconn(), pool)

    def give(self, db):
        """Take ``db`` back: what it left uncommitted is rolled back."""
        db.close()

    def close(self):
        """Close the pool's connections (a later take opens a new pool)."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None and self._pid == os.getpid():
                pool.close()
