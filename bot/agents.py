"""What agents are and do: accounts (passwords stored hashed), and the handoff actions
claim, reply, release and resolve, each checked against who holds the handoff.

    add_agent(db, "mona", "a long password")
    authenticate(db, "mona", password) -> True
    claim(db, handoff_id, "mona")        # HandoffConflict(holder) when someone was faster
"""
import re

from werkzeug.security import check_password_hash, generate_password_hash

from . import store
from .messages import message

__all__ = ["AgentError", "HandoffError", "NoSuchHandoff", "HandoffConflict", "add_agent",
           "remove_agent", "list_agents", "authenticate", "claim", "reply", "release",
           "resolve", "MIN_PASSWORD_LENGTH", "MAX_REPLY_LENGTH"]

# Short enough to show in the queue, plain enough to type on any keyboard.
NAME = re.compile(r"^[\w.@-]{1,40}$")
# NIST SP 800-63B's minimum for a password a person chooses.
MIN_PASSWORD_LENGTH = 8
# An agent's reply may quote steps at length, but is still a chat message.
MAX_REPLY_LENGTH = 4000
# Checked when the name is unknown, so a wrong name costs as long as a wrong password
# (the time of a login must not tell which names exist).
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AgentError(ValueError):
    """An account request that cannot be done; ``str()`` says why."""


class HandoffError(ValueError):
    """A handoff action that cannot be done; ``str()`` says why."""


class NoSuchHandoff(HandoffError):
    pass


class HandoffConflict(HandoffError):
    """The handoff is not in a state that allows the action (another agent holds it,
    it is resolved, or it was not claimed): ``holder`` and ``status`` say how it is."""

    def __init__(self, text, holder=None, status=None):
        super().__init__(text)
        self.holder, self.status = holder, status


def add_agent(db, name, password):
    """Create the agent ``name`` with ``password`` (stored hashed); raise AgentError."""
    if not NAME.match(name or ""):
        raise AgentError("a name is 1 to 40 letters, digits, '.', '_', '-' or '@'")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AgentError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
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
    """Return True when ``password`` is the agent ``name``'s."""
    agent = store.get_agent(db, name) if isinstance(name, str) else None
    stored = agent["password_hash"] if agent else _DUMMY_HASH
    ok = isinstance(password, str) and check_password_hash(stored, password)
    return bool(agent) and ok


def _held(db, handoff_id, agent, action):
    handoff = store.get_handoff(db, handoff_id)
    if handoff is None:
        raise NoSuchHandoff(f"there is no handoff {handoff_id}")
    if handoff["status"] != "claimed" or handoff["assignee"] != agent:
        holder = handoff["assignee"]
        why = (f"it is held by {holder}" if handoff["status"] == "claimed"
               else f"it is {handoff['status']}: claim it first" if handoff["status"] == "open"
               else "it is resolved")
        raise HandoffConflict(f"you cannot {action} this handoff: {why}", holder,
                              handoff["status"])
    return handoff


def claim(db, handoff_id, agent):
    """Give the open handoff to ``agent``; return it. Exactly one of several agents
    claiming at once wins; the others get HandoffConflict naming the holder."""
    if store.claim_handoff(db, handoff_id, agent):
        return store.get_handoff(db, handoff_id)
    handoff = store.get_handoff(db, handoff_id)
    if handoff is None:
        raise NoSuchHandoff(f"there is no handoff {handoff_id}")
    if handoff["status"] == "claimed":
        raise HandoffConflict(f"{handoff['assignee']} has already claimed this handoff",
                              handoff["assignee"], "claimed")
    raise HandoffConflict("this handoff is resolved", handoff["assignee"], handoff["status"])


def reply(db, handoff_id, agent, text):
    """Send ``text`` to the customer from ``agent``, who holds the handoff; return the
    stored message."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise HandoffError("the reply is empty")
    if len(text) > MAX_REPLY_LENGTH:
        raise HandoffError(f"the reply is too long (the limit is {MAX_REPLY_LENGTH} characters)")
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "reply to")
        return store.add_message(db, handoff["conversation_id"], "agent", text,
                                 {"agent": agent}, handoff_id=handoff_id)


def release(db, handoff_id, agent):
    """Put ``agent``'s handoff back in the open queue; return it."""
    with store.transaction(db):
        _held(db, handoff_id, agent, "release")
        store.release_handoff(db, handoff_id, agent)
        return store.get_handoff(db, handoff_id)


def resolve(db, bot, handoff_id, agent, outcome, article_id=None):
    """Close ``agent``'s handoff with ``outcome`` ("article" with an ``article_id`` the
    bot knows, "no_article" — a content gap — or "not_support"); an article outcome
    records the customer's question as a learned question for that article. The
    customer is asked to rate the help. Return the handoff."""
    if outcome not in store.OUTCOMES:
        raise HandoffError("outcome must be article, no_article or not_support")
    if outcome == "article" and (not isinstance(article_id, str)
                                 or bot.article(article_id, "ar") is None):
        raise HandoffError(f"unknown article {article_id!r}: choose one from the search")
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "resolve")
        store.resolve_handoff(db, handoff_id, agent, outcome, article_id)
        # The question the bot could not answer, or the first one asked after "let me
        # talk to a person" — never that request itself.
        if outcome == "article" and handoff["first_question"]:
            store.add_learned_question(db, article_id, handoff["first_question"], handoff["lang"],
                                       handoff_id=handoff_id, agent=agent)
        store.add_message(db, handoff["conversation_id"], "system",
                          message("handoff_resolved", handoff["lang"] or "ar"),
                          {"kind": "resolved", "handoff_id": handoff_id, "rating": True},
                          handoff_id=handoff_id)
        return store.get_handoff(db, handoff_id)
