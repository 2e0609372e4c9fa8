"""Agent accounts: who may sign in to the console. Passwords are stored hashed
(werkzeug's scrypt) and checked in constant time, whether or not the name exists.

    add_agent(db, "mona", "a long password")
    authenticate(db, "mona", password) -> True
    session_id = start_session(db, "mona", lifetime=43200)   # the cookie carries it
    session_agent(db, session_id, 43200) -> "mona"   # None once ended, too old, or the
                                                     # password changed
    set_password(db, "mona", "a new password")   # every session of mona's ends
    set_place(db, "mona", teams, team="payments", level="2")
    set_status(db, "mona", "online", capacity=4)   # then waiting handoffs are assigned
"""
import datetime
import re
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from bot import store
from bot.clean import undecodable

from . import handoffs as handoff_actions
from .routing import AGENT_STATUSES

__all__ = ["AgentError", "add_agent", "remove_agent", "list_agents", "authenticate",
           "set_password", "start_session", "session_agent", "end_session",
           "is_agent_name", "MIN_PASSWORD_LENGTH", "set_place", "set_status", "profile",
           "check_place",
           "AGENT_STATUSES", "MAX_CAPACITY", "DEFAULT_CAPACITY"]

# Short enough to show in the queue, plain enough to type on any keyboard.
NAME = re.compile(r"[\w.@-]{1,40}")  # matched whole: no "mona\n"
# NIST SP 800-63B's minimum for a password a person chooses.
MIN_PASSWORD_LENGTH = 8
# How passwords are hashed: werkzeug's own default, written out so that it is one place
# to read (scrypt, N=2^15, r=8, p=1: about 0.1 s of one core, 32 MB of memory per hash).
# The test suite lowers the work factor (tests/conftest.py), as Django's test settings
# do; a stored hash names its parameters, so checking always uses the hash's own.
PASSWORD_METHOD = "scrypt:32768:8:1"
# Checked when the name is unknown, so a wrong name costs as long as a wrong password
# (the time of a login must not tell which names exist).
_DUMMY_HASH = generate_password_hash("not a password of anyone", method=PASSWORD_METHOD)
# Live chat agents commonly hold two to four conversations at once; twenty is already
# more than one person can follow (a typo such as 100 is refused, not obeyed).
DEFAULT_CAPACITY = 3  # the column's default (schema.m010_teams)
MAX_CAPACITY = 20


class AgentError(ValueError):
    """An account request that cannot be done; ``str()`` says why."""


def is_agent_name(name):
    """Return whether ``name`` is shaped like an agent's name (what add_agent takes)."""
    return isinstance(name, str) and NAME.fullmatch(name) is not None


def add_agent(db, name, password, *, teams=None, team=None, level=None):
    """Create the agent ``name`` with ``password`` (stored hashed), offline; with
    ``teams`` (bot.desk.teams.Teams) in ``team`` (default: the default team) at
    ``level`` (default: the first); without, in no team (they claim by hand). Raise
    AgentError."""
    if not is_agent_name(name):
        raise AgentError("a name is 1 to 40 letters, digits, '.', '_', '-' or '@'")
    if teams is not None:
        team, level = check_place(teams, team or teams.default_team,
                                  level or teams.first_level.name)
    elif team is not None or level is not None:
        raise AgentError("a team and a level need the teams file")
    if store.add_agent(db, name, _password_hash(password), team, level or "1") is None:
        raise AgentError(f"there is already an agent called {name!r}")


def check_place(teams, team, level):
    """Return (team, level) checked against ``teams``; raise AgentError naming the choices."""
    if teams.team(team) is None:
        raise AgentError(f"there is no team {team!r}: choose one of "
                         f"{', '.join(t.name for t in teams.teams)} ({teams.source})")
    if teams.level(level) is None:
        raise AgentError(f"there is no level {level!r}: choose one of "
                         f"{', '.join(lv.name for lv in teams.levels)} ({teams.source})")
    return team, level


def set_place(db, name, teams, *, team=None, level=None):
    """Move the agent ``name`` to ``team`` and/or ``level`` (checked against ``teams``);
    return their profile. Raise AgentError. Handoffs they hold stay theirs."""
    current = store.agent_profile(db, name)
    if current is None:
        raise AgentError(f"there is no agent called {name!r}")
    team, level = check_place(teams, team or current["team"] or teams.default_team,
                         level or current["level"])
    with store.transaction(db):
        store.set_agent_fields(db, name, team=team, level=level)
        handoff_actions.assign_waiting(db)
    return store.agent_profile(db, name)


def set_status(db, name, status=None, *, capacity=None, bot=None, teams=None):
    """Set the agent ``name``'s ``status`` ("online", "away", "offline") and/or
    ``capacity`` (1 to MAX_CAPACITY handoffs at once); return their profile. Only online
    agents are given handoffs, so going online or raising the capacity assigns what
    waits (``bot`` and ``teams``: to route handoffs without a team first); going away or
    offline keeps the handoffs they hold. Raise AgentError."""
    fields = {}
    if status is not None:
        if status not in AGENT_STATUSES:
            raise AgentError("status must be online, away or offline")
        fields["status"] = status
    if capacity is not None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) \
                or not 1 <= capacity <= MAX_CAPACITY:
            raise AgentError(f"capacity must be a whole number from 1 to {MAX_CAPACITY}")
        fields["capacity"] = capacity
    if not fields:
        raise AgentError("give a status (online, away, offline) or a capacity")
    with store.transaction(db):
        if not store.set_agent_fields(db, name, **fields):
            raise AgentError(f"there is no agent called {name!r}")
        handoff_actions.assign_waiting(db, bot=bot, teams=teams)
    return store.agent_profile(db, name)


def profile(db, name):
    """Return the agent's name, team, level, status, capacity and ``load`` (handoffs
    held now), or None."""
    return store.agent_profile(db, name)


def _password_hash(password):
    """Return ``password`` hashed; raise AgentError for one too short or not hashable."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AgentError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if undecodable(password):  # e.g. a terminal's undecodable bytes: it cannot be hashed
        raise AgentError("the password contains characters that could not be decoded")
    return generate_password_hash(password, method=PASSWORD_METHOD)


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
        handoff_actions.assign_waiting(db)  # colleagues with room take them over


def list_agents(db):
    """Return [{"name", "created", "team", "level", "status", "capacity",
    "last_assigned"}, ...] by name."""
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


