"""Agent accounts: who may sign in to the console. Passwords are stored hashed
(werkzeug's scrypt) and checked in constant time, whether or not the name exists.

    add_agent(db, "mona", "a long password")
    authenticate(db, "mona", password) -> True
"""
import re

from werkzeug.security import check_password_hash, generate_password_hash

from bot import store
from bot.clean import undecodable

__all__ = ["AgentError", "add_agent", "remove_agent", "list_agents", "authenticate",
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
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AgentError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if undecodable(password):  # e.g. a terminal's undecodable bytes: it cannot be hashed
        raise AgentError("the password contains characters that could not be decoded")
    if store.add_agent(db, name, generate_password_hash(password)) is None:
        raise AgentError(f"there is already an agent called {name!r}")


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
