"""Agent accounts: who may sign in to the console. Passwords are stored hashed
(werkzeug's scrypt) and checked in constant time, whether or not the name exists.

    add_agent(db, "mona", "a long password")
    authenticate(db, "mona", password) -> True
    session_id = start_session(db, "mona", lifetime=43200)   # the cookie carries it
    session_agent(db, session_id, 43200) -> "mona"   # None once ended, too old, or the
                                                     # password changed
    set_password(db, "mona", "a new password")   # every session of mona's ends
"""
import datetime
import re
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from bot import store
from bot.clean import undecodable

__all__ = ["AgentError", "add_agent", "remove_agent", "list_agents", "authenticate",
           "set_password", "start_session", "session_agent", "end_session",
           "is_agent_name", "MIN_PASSWORD_LENGTH"]

# Short enough to show in the queue, plain enough to type on any keyboard.
NAME = re.compile(r"[\w.@-]{1,40}")  # matched whole: no "mona\n"
# NIST SP 800-63B's minimum for a password a person chooses.
MIN_PASSWORD_LENGTH = 8
# Checked when the name is unknown, so a wrong name costs as long as a wrong password
# (the time of a login must not tell which names exist).
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AgentError(ValueError):
    """An account request that cannot be done; ``str()`` says why."""


def is_agent_name(name):
    """Return whether ``name`` is shaped like an agent's name (what add_agent takes)."""
    return isinstance(name, str) and NAME.fullmatch(name) is not None


def add_agent(db, name, password):
    """Create the agent ``name`` with ``password`` (stored hashed); raise AgentError."""
    if not is_agent_name(name):
        raise AgentError("a name is 1 to 40 letters, digits, '.', '_', '-' or '@'")
    if store.add_agent(db, name, _password_hash(password)) is None:
        raise AgentError(f"there is already an agent called {name!r}")


def _password_hash(password):
    """Return ``password`` hashed; raise AgentError for one too short or not hashable."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AgentError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if undecodable(password):  # e.g. a terminal's undecodable bytes: it cannot be hashed
        raise AgentError("the password contains characters that could not be decoded")
    return generate_password_hash(password)


def set_password(db, name, password):
    """Give the agent ``name`` a new password (stored hashed) and end every session they
    have (whoever knew the old one is signed out); raise AgentError."""
    password_hash = _password_hash(password)
    with store.transaction(db):
        if not store.set_password_hash(db, name, password_hash):
            raise AgentError(f"there is no agent called {name!r}")


def remove_agent(db, name):
    """Delete the agent ``name``; raise AgentError when there is none. Their claimed
    handoffs go back to the queue."""
    with store.transaction(db):
        if not store.remove_agent(db, name):
            raise AgentError(f"there is no agent called {name!r}")
        for handoff in store.handoffs(db, "mine", agent=name):
            store.release_handoff(db, handoff["id"], name)


def list_agents(db):
    """Return [{"name", "created"}, ...] by name."""
    return store.list_agents(db)


def authenticate(db, name, password):
    """Return True when ``password`` is the agent ``name``'s (False for anything that
    is not text, or could not be hashed)."""
    agent = store.get_agent(db, name) if is_agent_name(name) else None
    stored = agent["password_hash"] if agent else _DUMMY_HASH
    ok = (isinstance(password, str) and not undecodable(password)
          and check_password_hash(stored, password))
    return bool(agent) and ok


# --- sessions: kept on the server, so that signing out ends one for good -------------------

def start_session(db, name, lifetime):
    """Return a new random session id for the agent ``name``, live for ``lifetime``
    seconds, or None when there is no such agent."""
    session_id = secrets.token_urlsafe(32)
    started = store.add_agent_session(db, name, session_id, _since(lifetime))
    return session_id if started else None


def session_agent(db, session_id, lifetime):
    """Return the name of the agent whose session ``session_id`` is, if it started
    within ``lifetime`` seconds and was not ended; else None."""
    if not isinstance(session_id, str) or not session_id:
        return None
    return store.session_agent(db, session_id, _since(lifetime))


def _since(seconds):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds)
    return moment.isoformat(timespec="seconds")


def end_session(db, session_id):
    """End the session ``session_id`` (signing out); nothing happens when it is not live."""
    if isinstance(session_id, str) and session_id:
        store.end_agent_session(db, session_id)


