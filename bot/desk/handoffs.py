"""What agents do with a handoff: claim, reply, release and resolve, each checked
against who holds it. A claim is decided by the store in one conditional statement, so
of several agents claiming at once exactly one wins.

    claim(db, handoff_id, "mona")        # HandoffConflict(holder) when someone was faster
    reply(db, handoff_id, "mona", "…")   # the stored message
    resolve(db, bot, handoff_id, "mona", "article", "order-tracking")
"""
from bot import store
from bot.clean import UncleanText, clean_text
from bot.messages import message

from . import learning

__all__ = ["HandoffError", "NoSuchHandoff", "HandoffConflict", "claim", "reply", "release",
           "resolve", "add_note", "MAX_REPLY_LENGTH"]

# An agent's reply may quote steps at length, but is still a chat message.
MAX_REPLY_LENGTH = 4000


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


def _agents_text(text, what):
    """Return an agent's ``text`` (``what``: "the reply", "the note") as it is stored:
    bot/clean.py's rule, as for every stored text. Raise HandoffError for an empty,
    over-long or unclean one."""
    try:
        text = clean_text(text if isinstance(text, str) else None, what,
                          limit=MAX_REPLY_LENGTH)
    except UncleanText as error:
        raise HandoffError(str(error)) from None
    if not text:
        raise HandoffError(f"{what} is empty")
    return text


def reply(db, handoff_id, agent, text):
    """Send ``text`` to the customer from ``agent``, who holds the handoff; return the
    stored message. Raise HandoffError for an empty, over-long or unclean text (what
    bot.clean.clean_text refuses; the bidi controls it removes are gone)."""
    text = _agents_text(text, "the reply")
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "reply to")
        return store.add_message(db, handoff["conversation_id"], "agent", text,
                                 {"agent": agent}, handoff_id=handoff_id)


def add_note(db, handoff_id, agent, text):
    """Add ``agent``'s internal note to the handoff; return it. Any agent may note on any
    handoff (a colleague or a lead leaving word for whoever holds it); the customer
    never sees notes. Raise NoSuchHandoff for an unknown handoff, HandoffError for an
    empty, over-long or unclean text."""
    text = _agents_text(text, "the note")
    handoff = store.get_handoff(db, handoff_id)
    if handoff is None:
        raise NoSuchHandoff(f"there is no handoff {handoff_id}")
    return store.add_note(db, handoff_id, handoff["conversation_id"], agent, text)


def release(db, handoff_id, agent):
    """Put ``agent``'s handoff back in the open queue; return it."""
    with store.transaction(db):
        _held(db, handoff_id, agent, "release")
        store.release_handoff(db, handoff_id, agent)
        return store.get_handoff(db, handoff_id)


def resolve(db, bot, handoff_id, agent, outcome, article_id=None, *, question=None,
            teach=True):
    """Close ``agent``'s handoff with ``outcome`` ("article" with an ``article_id`` the
    bot knows, "no_article" — a content gap — or "not_support"); an article outcome
    teaches the bot a question of the customer's (bot.desk.learning): ``question``, the
    text the agent chose or reworded, else the handoff's default one; with
    ``teach=False`` nothing. The customer is asked to rate the help. Return the
    handoff, its ``learned`` the learned question's row (live, or held for review) or
    None."""
    if outcome not in store.OUTCOMES:
        raise HandoffError("outcome must be article, no_article or not_support")
    if outcome == "article" and (not isinstance(article_id, str)
                                 or bot.article(article_id, "ar") is None):
        raise HandoffError(f"unknown article {article_id!r}: choose one from the search")
    teach = teach and outcome == "article"
    if teach and question is not None:
        try:
            question = learning.checked_question(bot, question)
        except learning.LearningError as error:
            raise HandoffError(str(error)) from None
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "resolve")
        store.resolve_handoff(db, handoff_id, agent, outcome, article_id)
        learned = (learning.learn_from_resolution(db, bot, handoff, article_id, agent,
                                                  question) if teach else None)
        store.add_message(db, handoff["conversation_id"], "system",
                          message("handoff_resolved", handoff["lang"] or "ar"),
                          {"kind": "resolved", "handoff_id": handoff_id, "rating": True},
                          handoff_id=handoff_id)
        return {**store.get_handoff(db, handoff_id), "learned": learned}
