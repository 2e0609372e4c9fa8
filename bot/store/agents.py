"""The people who answer handoffs: the agents, agent_sessions and login_failures tables;
an agent's team, level, status and capacity, and how many handoffs each holds (what
bot.desk.routing weighs)."""
import hashlib

from .connection import first_row, integrity_errors, now


def add_agent(db, name, password_hash, team=None, level="1"):
    """Create the agent ``name`` (in ``team`` at ``level``, offline); return the row id,
    or None when the name is taken (the unique index decides, so two at once cannot
    both get it)."""
    try:
        return db["agents"].insert({"name": name, "password_hash": password_hash,
                                    "created": now(), "team": team, "level": level}).last_pk
    except integrity_errors():
        return None


def get_agent(db, name):
    """Return the agent's row, or None."""
    return first_row(db.query("SELECT * FROM agents WHERE name = ?", [name]))


_PUBLIC = "name, created, team, level, status, capacity, last_assigned"


def list_agents(db):
    """Return every agent's name, creation time, team, level, status, capacity and last
    automatic assignment, by name."""
    return list(db.query(f"SELECT {_PUBLIC} FROM agents ORDER BY name"))


def agent_profile(db, name):
    """Return the agent's public row (list_agents' columns) with ``load``, the handoffs
    they hold now; None when there is no such agent."""
    return first_row(db.query(
        f"SELECT {_PUBLIC}, (SELECT count(*) FROM handoffs h WHERE h.status = 'claimed' "
        "AND h.assignee = agents.name) AS load FROM agents WHERE name = ?", [name]))


def agent_loads(db, team=None):
    """Return every agent (of ``team``, when given) as list_agents does, each with
    ``load``: how many handoffs they hold now; by name."""
    where, params = ("WHERE a.team = ?", [team]) if team is not None else ("", [])
    return list(db.query(
        f"SELECT a.name, a.team, a.level, a.status, a.capacity, a.last_assigned, "
        f"count(h.id) AS load FROM agents a LEFT JOIN handoffs h ON h.assignee = a.name "
        f"AND h.status = 'claimed' {where} GROUP BY a.id, a.name, a.team, a.level, "
        f"a.status, a.capacity, a.last_assigned ORDER BY a.name", params))


def set_agent_fields(db, name, **fields):
    """Change the agent's ``team``, ``level``, ``status`` or ``capacity`` (the keyword
    arguments given, already checked); return True when there is such an agent."""
    allowed = {"team", "level", "status", "capacity"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"set one of {sorted(allowed)}")
    assignments = ", ".join(f"{column} = ?" for column in fields)
    return db.execute(f"UPDATE agents SET {assignments} WHERE name = ?",
                      [*fields.values(), name]).rowcount == 1


def remove_agent(db, name):
    """Delete the agent ``name`` and their sessions; return True when there was one."""
    end_agent_sessions(db, name)
    return db.execute("DELETE FROM agents WHERE name = ?", [name]).rowcount == 1


def set_password_hash(db, name, password_hash):
    """Give the agent ``name`` a new password hash and end all their sessions; return
    True when there was such an agent."""
    changed = db.execute("UPDATE agents SET password_hash = ? WHERE name = ?",
                         [password_hash, name]).rowcount == 1
    end_agent_sessions(db, name)
    return changed


# --- signed-in sessions ------------------------------------------------------------------------
# The cookie carries a random id; the table keeps only its SHA-256, so reading the file
# (a backup, a copy) gives no session to replay.

def _session_key(session_id):
    return hashlib.sha256(session_id.encode()).hexdigest()


def add_agent_session(db, name, session_id, expired_before):
    """Record ``session_id`` as a session of the agent ``name`` (forgetting theirs that
    started before the ISO time ``expired_before``); return False when there is no such
    agent."""
    agent = get_agent(db, name)
    if agent is None:
        return False
    db.execute("DELETE FROM agent_sessions WHERE agent_id = ? AND created < ?",
               [agent["id"], expired_before])
    db["agent_sessions"].insert({"id": _session_key(session_id), "agent_id": agent["id"],
                                 "created": now()})
    return True


def session_agent(db, session_id, since):
    """Return the name of the agent whose session ``session_id`` is, started since the
    ISO time ``since``, or None (never recorded, ended, too old, the agent removed)."""
    row = first_row(db.query(
        "SELECT agents.name FROM agent_sessions JOIN agents ON agents.id = agent_id "
        "WHERE agent_sessions.id = ? AND agent_sessions.created >= ?",
        [_session_key(session_id), since]))
    return row["name"] if row else None


def end_agent_session(db, session_id):
    """Forget the session ``session_id`` (signing out); return True when it was live."""
    return db.execute("DELETE FROM agent_sessions WHERE id = ?",
                      [_session_key(session_id)]).rowcount == 1


def end_agent_sessions(db, name):
    """Forget every session of the agent ``name``; return how many there were."""
    return db.execute("DELETE FROM agent_sessions WHERE agent_id IN "
                      "(SELECT id FROM agents WHERE name = ?)", [name]).rowcount


# --- failed sign-ins ------------------------------------------------------------------------

def record_login_failure(db, name, client):
    """Note a failed agent sign-in as ``name`` from ``client`` (an address key)."""
    return db["login_failures"].insert({"name": str(name)[:100], "client": client,
                                        "created": now()})


def sign_in_failures(db, name, client, since, limit):
    """Return (the times of the failed sign-ins as ``name`` from ``client``, the times of
    those from ``client`` as anyone) since the ISO time ``since``, each newest first and
    at most ``limit`` of them."""
    name = str(name)[:100]
    pair = [row["created"] for row in db.query(
        "SELECT created FROM login_failures WHERE name = ? AND client = ? AND created >= ? "
        "ORDER BY created DESC LIMIT ?", [name, client, since, limit])]
    address = [row["created"] for row in db.query(
        "SELECT created FROM login_failures WHERE client = ? AND created >= ? "
        "ORDER BY created DESC LIMIT ?", [client, since, limit])]
    return pair, address


def clear_sign_in_failures(db, name, client):
    """Forget the failed sign-ins as ``name`` from ``client`` (after a successful one
    there): the address's tries at other names still count against it."""
    db.execute("DELETE FROM login_failures WHERE name = ? AND client = ?",
               [str(name)[:100], client])
