"""What agents do with a handoff: claim, reply, release, resolve, transfer and escalate,
each checked against who holds it; and the automatic assignment of waiting handoffs to
the agents with room (bot.desk.routing decides, the store applies). A claim, and each
automatic assignment, is decided by the store in one conditional statement, so of
several agents claiming at once exactly one wins.

    claim(db, handoff_id, "mona")        # HandoffConflict(holder) when someone was faster
    reply(db, handoff_id, "mona", "…")   # the stored message
    resolve(db, bot, handoff_id, "mona", "article", "order-tracking")
    transfer(db, handoff_id, "mona", teams, to_team="payments", reason="a double charge")
    escalate(db, handoff_id, "mona", teams, reason="needs a refund approval")
    assign_waiting(db)                   # [(handoff_id, agent), ...] given just now
"""
import datetime

from bot import store
from bot.clean import UncleanText, clean_text
from bot.messages import message
from bot.store import channels as channel_store

from . import learning, routing

__all__ = ["HandoffError", "NoSuchHandoff", "HandoffConflict", "claim", "reply", "release",
           "resolve", "add_note", "transfer", "escalate", "assign_waiting", "route",
           "team_of", "MAX_REPLY_LENGTH", "MAX_REASON_LENGTH"]

# An agent's reply may quote steps at length, but is still a chat message.
MAX_REPLY_LENGTH = 4000
# A transfer's reason is a line or two for the next agent, not the case file (notes are).
MAX_REASON_LENGTH = 500


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


def _agents_text(text, what, limit=MAX_REPLY_LENGTH):
    """Return an agent's ``text`` (``what``: "the reply", "the note") as it is stored:
    bot/clean.py's rule, as for every stored text. Raise HandoffError for an empty,
    over-long or unclean one."""
    try:
        text = clean_text(text if isinstance(text, str) else None, what, limit=limit)
    except UncleanText as error:
        raise HandoffError(str(error)) from None
    if not text:
        raise HandoffError(f"{what} is empty")
    return text


def reply(db, handoff_id, agent, text):
    """Send ``text`` to the customer from ``agent``, who holds the handoff — in the chat,
    or on the channel the customer used last (bot.store.channels.reply_route); return
    the stored message. Raise HandoffError for an empty, over-long or unclean text (what
    bot.clean.clean_text refuses; the bidi controls it removes are gone)."""
    text = _agents_text(text, "the reply")
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "reply to")
        stored = store.add_message(db, handoff["conversation_id"], "agent", text,
                                   {"agent": agent}, handoff_id=handoff_id)
        # A customer who wrote by mail or a messaging app reads the reply there — where
        # they wrote last, if that is another of their conversations: it leaves with
        # the outbox (bot/channels/outbox.py), committed with the message.
        conversation = store.get_conversation(db, handoff["conversation_id"])
        channel_store.queue_delivery(db, channel_store.reply_route(db, conversation),
                                     stored["id"], text)
        return stored


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
    """Put ``agent``'s handoff back in the open queue; return it. Automatic assignment
    gives it to a colleague with room (never straight back to ``agent``) and fills the
    room ``agent`` now has."""
    with store.transaction(db):
        _held(db, handoff_id, agent, "release")
        store.release_handoff(db, handoff_id, agent)
        assign_waiting(db)
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
        assign_waiting(db)  # the agent has room for one more
        return {**store.get_handoff(db, handoff_id), "learned": learned}


# --- routing: teams, automatic assignment, transfers and escalations ---------------------------

def team_of(bot, teams, handoff):
    """Return the team a handoff belongs to by the category of the bot's best article
    among its candidates (bot.desk.routing.team_for); the default team without one."""
    lang = handoff.get("lang") or "ar"
    categories = []
    for article_id, _score in handoff.get("candidates") or ():
        article = bot.article(article_id, lang)
        categories.append(article.category if article else None)
    return routing.team_for(categories, teams)


def route(db, bot, teams, handoff):
    """File the new ``handoff`` under its team (team_of) and give what waits to the
    agents with room; return the handoff as it is now (claimed when an agent got it)."""
    with store.transaction(db):
        store.route_handoff(db, handoff["id"], team_of(bot, teams, handoff))
        assign_waiting(db)
        return store.get_handoff(db, handoff["id"])


def _now_text():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def assign_waiting(db, *, bot=None, teams=None):
    """Give the open handoffs, oldest first, to the least busy online agents of their
    team and level with room (bot.desk.routing.plan); return [(handoff id, agent), ...]
    as assigned. With ``bot`` and ``teams``, open handoffs without a team (opened before
    teams, or where nothing routed them) are filed under theirs first. Each assignment
    is one conditional UPDATE that holds only while the agent is online with room, so a
    claim by hand or another process assigning at the same moment never overfills one."""
    with store.transaction(db):
        waiting = store.waiting_handoffs(db)
        if bot is not None and teams is not None:
            for handoff in waiting:
                if handoff["team"] is None:
                    handoff["team"] = team_of(bot, teams, handoff)
                    store.route_handoff(db, handoff["id"], handoff["team"])
        waiting = [routing.Waiting(h["id"], h["team"], h["level"], h["released_by"])
                   for h in waiting if h["team"] is not None]
        if not waiting:
            return []
        agents = [routing.AgentLoad(**row) for row in store.agent_loads(db)]
        chosen = routing.plan(waiting, agents, _now_text())
        return [(handoff_id, agent) for handoff_id, agent in chosen
                if store.assign_handoff(db, handoff_id, agent)]


def _reason(reason):
    return _agents_text(reason, "the reason", limit=MAX_REASON_LENGTH)


def transfer(db, handoff_id, agent, teams, *, reason, to_team=None, to_agent=None):
    """Hand ``agent``'s handoff to another agent (``to_agent``: it is theirs at once,
    unless they are offline) or to another team (``to_team``: its queue, where an agent
    with room gets it), with ``reason`` for whoever takes it next; return the handoff.
    The level stays. Raise HandoffError (NoSuchHandoff, HandoffConflict)."""
    reason = _reason(reason)
    if (to_team is None) == (to_agent is None):
        raise HandoffError("transfer to a team or to an agent: give exactly one")
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "transfer")
        team = handoff["team"] or teams.default_team
        if to_agent is not None:
            other = store.agent_profile(db, to_agent) if isinstance(to_agent, str) else None
            if other is None:
                raise HandoffError(f"there is no agent called {to_agent!r}")
            if other["name"] == agent:
                raise HandoffError("the handoff is already yours")
            if other["status"] == "offline":
                raise HandoffError(f"{other['name']} is offline: transfer to their team instead")
            team = other["team"] or team
        else:
            if not isinstance(to_team, str) or teams.team(to_team) is None:
                raise HandoffError(f"there is no team {to_team!r}: choose one of "
                                   f"{', '.join(t.name for t in teams.teams)}")
            if to_team == handoff["team"]:
                raise HandoffError(f"the handoff is already in {to_team}: transfer it to an "
                                   f"agent, or escalate it")
            team = to_team
        store.transfer_handoff(db, handoff_id, agent, kind="transfer", reason=reason,
                               to_team=team, to_level=handoff["level"], to_agent=to_agent)
        assign_waiting(db)
        return store.get_handoff(db, handoff_id)


def escalate(db, handoff_id, agent, teams, *, reason):
    """Move ``agent``'s handoff one level up (teams.next_level) in its team, with
    ``reason`` for the next agent: open in the queue until an agent of that level with
    room gets it; its targets restart at the new level. Return the handoff. Raise
    HandoffError (at the top level, NoSuchHandoff, HandoffConflict)."""
    reason = _reason(reason)
    with store.transaction(db):
        handoff = _held(db, handoff_id, agent, "escalate")
        if teams.level(handoff["level"]) is None:
            raise HandoffError(f"level {handoff['level']!r} is not in {teams.source}")
        above = teams.next_level(handoff["level"])
        if above is None:
            raise HandoffError(f"the handoff is at the top level ({handoff['level']}): "
                               f"transfer it instead")
        store.transfer_handoff(db, handoff_id, agent, kind="escalate", reason=reason,
                               to_team=handoff["team"] or teams.default_team,
                               to_level=above.name)
        assign_waiting(db)
        return store.get_handoff(db, handoff_id)
