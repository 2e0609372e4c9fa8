"""The people who answer handoffs: the agents and login_failures tables."""
import sqlite3

from .connection import first_row, now


def add_agent(db, name, password_hash):
    """Create the agent ``name``; return the row id, or None when the name is taken (the
    unique index decides, so two at once cannot both get it)."""
    try:
        return db["agents"].insert({"name": name, "password_hash": password_hash,
                                    "created": now()}).last_pk
    except sqlite3.IntegrityError:
        return None


def get_agent(db, name):
    """Return the agent's row, or None."""
    return first_row(db.query("SELECT * FROM agents WHERE name = ?", [name]))


def list_agents(db):
    """Return every agent's name and creation time, by name."""
    return list(db.query("SELECT name, created FROM agents ORDER BY name"))


def remove_agent(db, name):
    """Delete the agent ``name``; return True when there was one."""
    return db.execute("DELETE FROM agents WHERE name = ?", [name]).rowcount == 1


# --- failed sign-ins ------------------------------------------------------------------------

def record_login_failure(db, name, client):
    """Note a failed agent sign-in as ``name`` from ``client`` (an address key)."""
    db["login_failures"].insert({"name": str(name)[:100], "client": client,
                                 "created": now()})


def login_failure_times(db, name, client, since):
    """Return the times of failed sign-ins as ``name`` or from ``client`` since the ISO
    time ``since``."""
    return [row["created"] for row in db.query(
        "SELECT created FROM login_failures WHERE created >= ? AND (name = ? OR client = ?)",
        [since, str(name)[:100], client])]


def clear_login_failures(db, name):
    """Forget ``name``'s failed sign-ins (after a successful one)."""
    db.execute("DELETE FROM login_failures WHERE name = ?", [str(name)[:100]])
