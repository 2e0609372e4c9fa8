"""The store's errors that are the storage's, not the code's, for either backend."""
import sqlite3


class StorageUnavailable(Exception):
    """The database cannot do this now (a lock held too long, the disk full or
    read-only, the server unreachable or restarting): nothing of the failed write
    transaction was stored, and the same request may succeed after ``retry_after``
    seconds. ``__cause__`` is the driver's own error."""

    def __init__(self, message, retry_after=5):
        super().__init__(message)
        self.retry_after = retry_after


class SQLiteStorageUnavailable(StorageUnavailable, sqlite3.OperationalError):
    """StorageUnavailable from SQLite: still an sqlite3.OperationalError with the
    original ``sqlite_errorcode``, so handlers written for SQLite's errors keep working."""

    def __init__(self, error, retry_after):
        StorageUnavailable.__init__(self, str(error), retry_after)
        self.sqlite_errorcode = getattr(error, "sqlite_errorcode", None)
        self.sqlite_errorname = getattr(error, "sqlite_errorname", None)


# SQLite's primary result codes that mean the storage, not the code: SQLITE_BUSY (the
# lock outlasted busy_timeout), SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR,
# SQLITE_FULL, SQLITE_CANTOPEN; with how long to wait before trying again, in seconds.
# A lock passes in moments; a full or read-only disk needs a person. (The same table as
# web/errors.py's, which classified them before the store did.)
_SQLITE_CODES = {5: 5, 6: 5, 8: 30, 10: 30, 13: 30, 14: 30}
# The same by the words SQLite uses, for Pythons before 3.11 (no sqlite_errorcode).
_SQLITE_WORDS = {"database is locked": 5, "database table is locked": 5,
                 "readonly database": 30, "disk i/o error": 30,
                 "database or disk is full": 30, "unable to open database file": 30}

# PostgreSQL's SQLSTATEs (or their first two characters, the class) that mean the
# storage: the disk full, the database read-only (a standby), too many connections or
# out of memory, the server shutting down or not yet up, a lock or statement timeout,
# a deadlock or serialization failure (the transaction was rolled back: send again).
_PG_STATES = {"53100": 30, "25006": 30, "53": 5, "57P01": 5, "57P02": 5, "57P03": 5,
              "55P03": 5, "57014": 5, "40": 1, "08": 5}


def sqlite_trouble(error):
    """Return the seconds to wait when the sqlite3 ``error`` is SQLite's storage in
    trouble, else None (a bug)."""
    if not isinstance(error, sqlite3.OperationalError):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return _SQLITE_CODES.get(code & 0xFF)
    words = str(error).lower()
    return next((wait for phrase, wait in _SQLITE_WORDS.items() if phrase in words), None)


def postgres_trouble(sqlstate):
    """Return the seconds to wait when PostgreSQL's ``sqlstate`` is its storage in
    trouble, else None. A lost connection has no SQLSTATE: call it with "08"."""
    if not sqlstate:
        return None
    return _PG_STATES.get(sqlstate, _PG_STATES.get(sqlstate[:2]))
