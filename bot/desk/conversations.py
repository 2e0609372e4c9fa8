"""The conversation flow: a customer's message gets the bot's reply, or — while the
conversation has an active handoff — joins it silently for the agent.

    conversation = store.create_conversation(db, "ar", client)
    new, handoff = post_message(db, bot, conversation, "وين طلبي؟", hours=hours, now=now)

After an answer the bot asks "did this answer your question?": "no" (a button, or typed)
offers the next suggestions; a second "no" hands the conversation to a person (the rules
are bot.decide.follow_up). An escalation opens the handoff at once, in the same
transaction as the messages that announce it, so the agents' queue never holds half of
one. Given the desk's ``teams`` (bot.desk.teams), a new handoff is filed under the team
of the bot's best article and given at once to an agent with room, if one is online
(bot.desk.handoffs.route). ``handoff_notice`` is pure; the rest writes through bot.store.
"""
import re

from bot import CHOICES, LastReply, store
from bot.decide import ASKED_FOR_PERSON
from bot.messages import message

from . import handoffs as handoff_actions
from . import learning

__all__ = ["ChatError", "HandoffClosed", "KeyReused", "RatingError", "RatingConflict",
           "handoff_notice", "post_message", "request_handoff", "rate", "CHOICES"]


class ChatError(ValueError):
    """A request the conversation cannot take; ``str()`` says why."""


class HandoffClosed(ChatError):
    """Contact details for a handoff that is resolved (or not this conversation's)."""


class KeyReused(ChatError):
    """An idempotency key the conversation already stored another message with."""


class RatingError(ChatError):
    pass


class RatingConflict(RatingError):
    """Nothing to rate yet, or already rated."""


def _weekday_names(lang):
    return re.split("[,،]", message("weekdays", lang))


def _weekday_range(days, lang):
    names = _weekday_names(lang)
    days = sorted(days)
    if len(days) == 7:
        return f"{names[0]}–{names[6]}"
    start = next(d for d in days if (d - 1) % 7 not in days)
    end = next(d for d in days if (d + 1) % 7 not in days)
    return names[start] if start == end else f"{names[start]}–{names[end]}"


def handoff_notice(lang, position, hours=None, now=None):
    """Return what the customer is told when a handoff opens: an agent replies here, the
    place in the queue, and when outside business hours (``hours``, a BusinessHours, at
    the aware datetime ``now``) when the team is back."""
    if hours is None or now is None or hours.is_open(now):
        return message("handoff_open", lang).format(position=position)
    back = hours.next_opening(now)
    names = _weekday_names(lang)
    when = f"{names[back.weekday()]} {back:%H:%M} ({hours.timezone})"
    span = (f"{_weekday_range(hours.days, lang)} {hours.opens:%H:%M}–{hours.closes:%H:%M}")
    return message("handoff_closed_hours", lang).format(position=position, when=when,
                                                        hours=span)


def _message_data(reply, question, data):
    """The stored data of the bot message for ``reply``: to a new ``question`` when
    ``data`` (the bot's previous message's) is None, else following that one up."""
    follows = data is not None
    data = data or {}
    return {**LastReply.from_data(data).after(reply, follows).as_data(),
            "article_id": reply.article_id, "title": reply.title, "reason": reply.reason,
            "confidence": reply.confidence,
            "question": data.get("question", "") if follows else question,
            "ask_feedback": reply.action == "answer",
            "matched_question": reply.matched_question,
            "matched_learned": reply.matched_learned}


def _pending_question(data):
    """The question a "let me talk to a person" refers to: the last one the bot tried
    to answer (``data``: the bot's last message's), unless that already went to a person."""
    if data and data.get("question") and data.get("reason") != ASKED_FOR_PERSON:
        return data["question"]
    return None


def _last_bot_data(db, conversation_id):
    message = store.last_bot_message(db, conversation_id)
    return message["data"] if message else {}


def post_message(db, bot, conversation, text, *, choice=None, hours=None, now=None,
                 key=None, limits=None, teams=None, suggestions=True):
    """Store the customer's ``text`` and what follows it; return (new messages, the
    active handoff or None). Raises bot.InvalidQuestion for text the bot refuses.

    ``key``: the client's idempotency key. A message the conversation already stored
    with it is not stored again: it comes back with the reply it got then (KeyReused
    when the text or choice differ). ``limits``: called with ``db`` inside the write
    transaction, before anything is stored, to refuse by raising — so the rate limits
    are counted and the message stored under one write lock, and a burst of requests
    cannot all pass a count taken before any of them was stored. ``teams``: route a
    handoff this opens (bot.desk.handoffs.route); None leaves it for the next
    assignment run that has them. ``suggestions=False``: where the customer cannot pick
    a suggestion (a mail, a messaging app) an unsure bot hands over instead."""
    question = bot.read(text)
    if choice is not None and choice not in CHOICES and not str(choice).startswith("article:"):
        raise ChatError("unknown choice: use helpful, not_helpful, person or article:<id>")
    conversation_id = conversation["id"]
    with store.transaction(db):
        if key is not None:
            stored = store.message_with_key(db, conversation_id, key)
            if stored is not None:
                return _repeated(db, stored, question.text, choice)
        if limits is not None:
            limits(db)
        customer = store.add_message(db, conversation_id, "customer", question.text,
                                     {"choice": choice} if choice else None, key=key)
        handoff = store.active_handoff(db, conversation_id)
        if handoff:
            # A person has the conversation: the bot stays silent.
            store.join_handoff(db, handoff["id"], customer["id"], question.text)
            customer["handoff_id"] = handoff["id"]
            return [customer], store.get_handoff(db, handoff["id"])
        last = _last_bot_data(db, conversation_id)
        reply = bot.follow_up(LastReply.from_data(last), choice, question,
                              lang=conversation["lang"])
        candidates = None
        if reply is None:
            reply = bot.ask(question)
            if not suggestions:
                reply = bot.without_suggestions(reply)
            data = _message_data(reply, question.text, None)
            pending = question.text
            if reply.reason == ASKED_FOR_PERSON:
                # The agent needs the question before "let me talk to a person".
                pending = _pending_question(last)
                candidates = last.get("candidates", []) if pending else []
        else:
            learning.learn_from_follow_up(db, reply, last)
            if not suggestions:
                reply = bot.without_suggestions(reply)
            data = _message_data(reply, question.text, last)
            pending = data["question"] or _pending_question(last)
        if data["action"] != "escalate":
            return [customer, store.add_message(db, conversation_id, "bot", reply.text,
                                                data, reply_to=customer["id"])], None
        new, handoff = _escalate(db, bot, conversation, data, reply.text, pending, hours,
                                 now, candidates, reply_to=customer["id"], teams=teams)
        store.attach_message(db, customer["id"], handoff["id"])
        customer["handoff_id"] = handoff["id"]
        return [customer, *new], handoff


def _repeated(db, stored, text, choice):
    """What a retried message gets: the stored one and the messages that answered it."""
    if stored["text"] != text or stored["data"].get("choice") != choice:
        raise KeyReused("this Idempotency-Key was sent with another message: use a new "
                        "key for each message")
    handoff = store.active_handoff(db, stored["conversation_id"])
    return [stored, *store.replies_to(db, stored)], handoff


def _escalate(db, bot, conversation, data, reply_text, question, hours, now,
              candidates=None, reply_to=None, teams=None):
    lang = data["lang"]
    handoff, created = store.open_handoff(
        db, conversation["id"], reason=data["reason"], lang=lang, first_question=question,
        candidates=data["candidates"] if candidates is None else candidates)
    data = {**data, "handoff_id": handoff["id"]}
    said = store.add_message(db, conversation["id"], "bot", reply_text, data,
                             handoff_id=handoff["id"], reply_to=reply_to)
    position = store.queue_position(db, handoff["id"])
    notice = store.add_message(db, conversation["id"], "system",
                               handoff_notice(lang, position, hours, now),
                               {"kind": "handoff", "handoff_id": handoff["id"]},
                               handoff_id=handoff["id"], reply_to=reply_to)
    if created and teams is not None:
        # After the notice: the customer reads their place, then sees an agent take it.
        handoff = handoff_actions.route(db, bot, teams, handoff)
    return [said, notice], handoff


def request_handoff(db, bot, conversation, *, name="", email="", hours=None, now=None,
                    handoff_id=None, teams=None):
    """Hand the conversation to a person (it keeps an active handoff it already has),
    storing the optional, already checked name and e-mail; return (handoff, new
    messages). With ``handoff_id`` the request only adds contact details to that handoff:
    HandoffClosed when it is resolved, so a late contact form never opens a new one.
    ``teams``: as for post_message."""
    with store.transaction(db):
        if handoff_id is not None:
            handoff = store.get_handoff(db, handoff_id)
            if handoff is None or handoff["conversation_id"] != conversation["id"]:
                raise HandoffClosed(f"this conversation has no handoff {handoff_id}")
            if handoff["status"] == "resolved":
                raise HandoffClosed("that handoff is resolved: ask for a person again "
                                    "(without handoff_id) to open a new one")
        store.set_contact(db, conversation["id"], name, email)
        handoff = store.active_handoff(db, conversation["id"])
        if handoff:
            return handoff, []
        last = _last_bot_data(db, conversation["id"])
        reply = bot.follow_up(LastReply.from_data(last), "person", lang=conversation["lang"])
        data = _message_data(reply, "", last)
        new, handoff = _escalate(db, bot, conversation, data, reply.text,
                                 _pending_question(last), hours, now, teams=teams)
        return store.get_handoff(db, handoff["id"]), new


def rate(db, conversation, score, comment=""):
    """Store the customer's rating (1–5, optional comment) of the conversation's
    resolved handoff; return the rating's row id. Raises RatingError."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise RatingError("score must be a whole number from 1 to 5")
    if not isinstance(comment, str):
        raise RatingError("comment must be text")
    if len(comment) > store.MAX_COMMENT_LENGTH:
        raise RatingError(f"comment is too long (the limit is {store.MAX_COMMENT_LENGTH} "
                          f"characters)")
    handoff = store.latest_handoff(db, conversation["id"])
    if handoff is None or handoff["status"] != "resolved":
        raise RatingConflict("there is nothing to rate yet: a rating follows a resolved handoff")
    with store.transaction(db):
        row = store.add_rating(db, conversation["id"], handoff["id"], score, comment)
    if row is None:
        raise RatingConflict("this conversation was already rated")
    return row
