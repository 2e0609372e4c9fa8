"""The conversation flow: a customer's message gets the bot's reply, or — while the
conversation has an active handoff — joins it silently for the agent.

    conversation = store.create_conversation(db, "ar", client)
    new, handoff = post_message(db, bot, conversation, "وين طلبي؟", hours=hours, now=now)

After an answer the bot asks "did this answer your question?": "no" (a button, or typed)
offers the next suggestions; a second "no" hands the conversation to a person. An
escalation opens the handoff at once, in the same transaction as the messages that
announce it, so the agents' queue never holds half of one. ``follow_up`` and
``handoff_notice`` are pure; the rest writes through bot/store.py.
"""
import dataclasses
import re

from kb.text import tokens

from . import store
from .messages import message

__all__ = ["ChatError", "HandoffClosed", "RatingError", "RatingConflict", "follow_up", "feedback_in",
           "handoff_notice", "post_message", "request_handoff", "rate", "CHOICES"]

# What a button may send with a message's text (besides "article:<id>", a suggestion).
CHOICES = ("helpful", "not_helpful", "person")
# The next suggestions after a "no" leave out candidates scoring under this: on the dev
# suites an article this far down is almost never the one the customer meant.
NEXT_SUGGESTION_FLOOR = 0.05
MAX_NEXT_SUGGESTIONS = 3

_NO = {tuple(tokens(t)) for t in (
    "لا", "لأ", "لا شكرا", "مو هذا", "مش هو", "مش هذا", "ما نفع", "ما فادني", "لم تجب",
    "ليس هذا", "لا ما جاوب", "no", "nope", "not really", "no it didnt", "no it did not",
    "that didnt help", "not helpful", "none of these")}
_YES = {tuple(tokens(t)) for t in (
    "نعم", "ايوه", "أيوه", "ايوا", "اي", "إي", "أجل", "بلى", "نعم شكرا", "ايوه شكرا",
    "yes", "yeah", "yep", "yes thanks", "yes thank you", "it did", "that helped")}


class ChatError(ValueError):
    """A request the conversation cannot take; ``str()`` says why."""


class HandoffClosed(ChatError):
    """Contact details for a handoff that is resolved (or not this conversation's)."""


class RatingError(ChatError):
    pass


class RatingConflict(RatingError):
    """Nothing to rate yet, or already rated."""


@dataclasses.dataclass(frozen=True)
class Step:
    action: str  # "answer" | "suggest" | "escalate" | "thanks"
    article_ids: tuple = ()
    reason: str = ""


def feedback_in(text):
    """Return "helpful" or "not_helpful" when ``text`` is only a yes or a no ("لا",
    "ايوه", "nope"), else None."""
    words = tuple(tokens(text))
    return "not_helpful" if words in _NO else "helpful" if words in _YES else None


def follow_up(last, choice):
    """Return the Step that answers ``choice`` ("helpful", "not_helpful", "person",
    "article:<id>") given the data of the bot's last message, or None when the choice
    does not follow it (the text is then a new question)."""
    last = last or {}
    action = last.get("action")
    if choice == "person":
        return Step("escalate", (), "asked for a person")
    if choice == "helpful" and action == "answer":
        return Step("thanks")
    if choice == "not_helpful" and action == "answer":
        offered = set(last.get("offered", ()))
        rest = [aid for aid, score in last.get("candidates", ())
                if aid not in offered and score >= NEXT_SUGGESTION_FLOOR]
        if last.get("round", 0) == 0 and rest:
            return Step("suggest", tuple(rest[:MAX_NEXT_SUGGESTIONS]), "answer did not help")
        return Step("escalate", (), "answer did not help")
    if choice == "not_helpful" and action == "suggest":
        return Step("escalate", (), "suggestions did not help")
    if choice and choice.startswith("article:") and action == "suggest":
        article_id = choice.split(":", 1)[1]
        if article_id in last.get("suggestions", ()):
            return Step("answer", (article_id,), "chosen from suggestions")
    return None


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


def _reply_data(bot, reply, question, round_=0):
    """The stored data of a bot message made from a bot.Reply."""
    offered = ([reply.article_id] if reply.article_id else []) + list(reply.suggestions)
    return {"action": reply.action, "article_id": reply.article_id, "title": reply.title,
            "lang": reply.lang, "reason": reply.reason, "confidence": reply.confidence,
            "candidates": [[aid, score] for aid, score in reply.candidates],
            "suggestions": list(reply.suggestions), "offered": offered,
            "question": question, "round": round_,
            "ask_feedback": reply.action == "answer",
            "matched_question": reply.matched_question,
            "matched_learned": reply.matched_learned}


def _step_data(bot, step, last, lang):
    """The stored data and text of a bot message made from a follow-up Step."""
    data = {"action": step.action, "article_id": None, "title": "", "lang": lang,
            "reason": step.reason, "confidence": 0.0,
            "candidates": last.get("candidates", []), "suggestions": [],
            "offered": list(last.get("offered", [])), "question": last.get("question", ""),
            "round": last.get("round", 0), "ask_feedback": False}
    if step.action == "thanks":
        data["action"] = "smalltalk"
        return data, message("glad_to_help", lang)
    if step.action == "answer":
        article = bot.article(step.article_ids[0], lang)
        data.update(article_id=article.id, title=article.title, ask_feedback=True)
        data["offered"] = list(dict.fromkeys(data["offered"] + [article.id]))
        return data, article.summary or article.title
    if step.action == "suggest":
        titles = [bot.article(aid, lang).title for aid in step.article_ids]
        data.update(suggestions=list(step.article_ids), round=data["round"] + 1)
        data["offered"] = list(dict.fromkeys(data["offered"] + list(step.article_ids)))
        return data, "\n".join([message("next_suggestions", lang), *(f"• {t}" for t in titles)])
    key = "escalate_person" if step.reason == "asked for a person" else "escalate_not_helpful"
    return data, message(key, lang)


def _pending_question(last):
    """The question a "let me talk to a person" refers to: the last one the bot tried
    to answer, unless that already went to a person."""
    if last and last.get("question") and last.get("reason") != "asked for a person":
        return last["question"]
    return None


def post_message(db, bot, conversation, text, *, choice=None, hours=None, now=None):
    """Store the customer's ``text`` and what follows it; return (new messages, the
    active handoff or None). Raises bot.InvalidQuestion for text the bot refuses."""
    text = bot.check_question(text)
    if choice is not None and choice not in CHOICES and not str(choice).startswith("article:"):
        raise ChatError("unknown choice: use helpful, not_helpful, person or article:<id>")
    conversation_id = conversation["id"]
    with store.transaction(db):
        customer = store.add_message(db, conversation_id, "customer", text,
                                     {"choice": choice} if choice else None)
        handoff = store.active_handoff(db, conversation_id)
        if handoff:
            # A person has the conversation: the bot stays silent.
            store.join_handoff(db, handoff["id"], customer["id"], text)
            customer["handoff_id"] = handoff["id"]
            return [customer], store.get_handoff(db, handoff["id"])
        last_message = store.last_bot_message(db, conversation_id)
        last = last_message["data"] if last_message else {}
        step = follow_up(last, choice or (feedback_in(text) if last.get("action") in (
            "answer", "suggest") else None))
        candidates = None
        if step is None:
            reply = bot.ask(text)
            data, reply_text = _reply_data(bot, reply, text), reply.text
            question = text
            if reply.reason == "asked for a person":
                # The agent needs the question before "let me talk to a person".
                question = _pending_question(last)
                candidates = last.get("candidates", []) if question else []
        else:
            _learn_from_feedback(db, step, last)
            data, reply_text = _step_data(bot, step, last, last.get("lang") or
                                          conversation["lang"])
            question = data["question"] or _pending_question(last)
        if data["action"] != "escalate":
            return [customer, store.add_message(db, conversation_id, "bot", reply_text,
                                                data)], None
        new, handoff = _escalate(db, conversation, data, reply_text, question, hours, now,
                                 candidates)
        store.attach_message(db, customer["id"], handoff["id"])
        customer["handoff_id"] = handoff["id"]
        return [customer, *new], handoff


def _learn_from_feedback(db, step, last):
    """"Yes, this answered my question" teaches the bot the question for that article;
    "no" to an answer that a learned question produced counts against that question."""
    if last.get("action") != "answer" or not last.get("article_id"):
        return
    if step.action == "thanks" and last.get("question"):
        store.add_learned_question(db, last["article_id"], last["question"],
                                   last.get("lang"), source="customer")
    elif step.reason == "answer did not help" and last.get("matched_learned"):
        store.dispute_learned_question(db, last["article_id"], last["matched_question"])


def _escalate(db, conversation, data, reply_text, question, hours, now, candidates=None):
    lang = data["lang"]
    handoff, _ = store.open_handoff(
        db, conversation["id"], reason=data["reason"], lang=lang, first_question=question,
        candidates=data["candidates"] if candidates is None else candidates)
    data = {**data, "handoff_id": handoff["id"]}
    said = store.add_message(db, conversation["id"], "bot", reply_text, data,
                             handoff_id=handoff["id"])
    position = store.queue_position(db, handoff["id"])
    notice = store.add_message(db, conversation["id"], "system",
                               handoff_notice(lang, position, hours, now),
                               {"kind": "handoff", "handoff_id": handoff["id"]},
                               handoff_id=handoff["id"])
    return [said, notice], handoff


def request_handoff(db, bot, conversation, *, name="", email="", hours=None, now=None,
                    handoff_id=None):
    """Hand the conversation to a person (it keeps an active handoff it already has),
    storing the optional, already checked name and e-mail; return (handoff, new
    messages). With ``handoff_id`` the request only adds contact details to that handoff:
    HandoffClosed when it is resolved, so a late contact form never opens a new one."""
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
        last_message = store.last_bot_message(db, conversation["id"])
        last = last_message["data"] if last_message else {}
        lang = last.get("lang") or conversation["lang"]
        data, text = _step_data(bot, Step("escalate", (), "asked for a person"), last, lang)
        new, handoff = _escalate(db, conversation, data, text, _pending_question(last),
                                 hours, now)
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
