"""Moving an installation from one store to another (SQLite to PostgreSQL, or back):
every table's rows with their ids, verified by counts.

    source, target = open_db("instance/dalil.sqlite3"), open_db("postgresql://…/dalil")
    copy_store(source, target)   # -> {"messages": 1234, ...}

Both are migrated first (open_db), so they have the same tables; the migration records
are not copied (the target has its own).
"""
from .connection import is_postgres, transaction

# Parents before the rows that point at them (the foreign keys PostgreSQL checks).
TABLES = ["article_views", "article_feedback", "searches", "asks", "customers",
          "customer_addresses", "conversations", "conversation_tags", "handoffs", "transfers",
          "messages", "message_search", "channel_messages", "outbox", "attachments", "ratings",
          "notes", "agents", "agent_sessions", "agent_reads", "login_failures",
          "learned_questions", "canned_replies"]
# Rows read and written at a time: a big log table never sits in memory whole.
BATCH = 2000


class CopyError(Exception):
    """The copy cannot be made or did not come out whole; the message says why."""


def _count(db, table):
    return next(db.query(f"SELECT count(*) AS n FROM {table}"))["n"]


def _columns(db, table):
    return list(db[table].columns_dict)


def _insert_many(db, table, columns, rows):
    marks = ", ".join(["%s" if is_postgres(db) else "?"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    if is_postgres(db):
        with db.conn.cursor() as cursor:
            cursor.executemany(sql, rows)
    else:
        db.conn.executemany(sql, rows)


def copy_store(source, target):
    """Copy every row of ``source`` into the empty ``target`` (both open, migrated
    stores) in one transaction of the target; return {table: rows copied}. Raise
    CopyError when the target already holds rows or the counts do not match after
    (then nothing was written)."""
    full = [table for table in TABLES if _count(target, table)]
    if full:
        raise CopyError(f"the target already holds rows (in {', '.join(full)}): copy "
                        "into a new, empty database")
    copied = {}
    with transaction(target):
        for table in TABLES:
            columns = _columns(source, table)
            missing = set(columns) - set(_columns(target, table))
            if missing:
                raise CopyError(f"{table}: the target has no column {sorted(missing)}")
            last, order = None, "id"
            while True:
                where, params = ("WHERE id > ? ", [last]) if last is not None else ("", [])
                rows = list(source.query(f"SELECT {', '.join(columns)} FROM {table} {where}"
                                         f"ORDER BY {order} LIMIT ?", [*params, BATCH]))
                if not rows:
                    break
                _insert_many(target, table, columns, [[row[c] for c in columns]
                                                       for row in rows])
                last = rows[-1]["id"]
            copied[table] = _count(target, table)
            if copied[table] != _count(source, table):
                raise CopyError(f"{table}: {_count(source, table)} rows in the source, "
                                f"{copied[table]} copied")
        if is_postgres(target):
            _follow_sequences(target)
    return copied


def _follow_sequences(db):
    """Move each id sequence past the copied ids, or the next insert would reuse one."""
    for table in TABLES:
        if db[table].columns_dict.get("id") is not int:
            continue  # agent_sessions: its id is a hash, not a sequence
        db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"coalesce(max(id), 0) + 1, false) FROM {table}")
