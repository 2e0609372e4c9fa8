"""A SQLite file with known events for the insights tests: a week of conversations,
handoffs, searches, views, votes and ratings, each at a chosen time, plus events just
outside the week. The figures the tests expect are worked out by hand in test_insights.py.

    db = seed(store.open_db(path))      # the week is [SINCE, UNTIL)
"""
import datetime
import json

UTC = datetime.timezone.utc
SINCE = datetime.datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime.datetime(2026, 11, 8, tzinfo=UTC)
# Later than the week: the backlog is counted at UNTIL.
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(text):
    """'11-02 09:05' (or with seconds) -> the store's ISO text in November 2026, UTC."""
    day, time = text.split()
    if time.count(":") == 1:
        time += ":00"
    return f"2026-{day}T{time}+00:00"


def _conversation(db, created, lang="ar"):
    return db["conversations"].insert({"token": f"t{created}", "lang": lang, "client": "x",
                                       "name": "", "email": "", "created": at(created)}).last_pk


def _say(db, conversation, role, text, created, handoff=None, **data):
    db["messages"].insert({"conversation_id": conversation, "role": role, "text": text,
                           "data": json.dumps(data, ensure_ascii=False),
                           "handoff_id": handoff, "created": at(created)})


def _answer(db, conversation, created, article_id, question, lang, reason="one clear match"):
    _say(db, conversation, "bot", "…", created, action="answer", article_id=article_id,
         question=question, lang=lang, reason=reason)


def _handoff(db, conversation, created, first_question, *, reason="no match", lang="ar",
             assignee=None, claimed=None, resolved=None, outcome=None):
    status = "resolved" if resolved else "claimed" if claimed else "open"
    return db["handoffs"].insert({
        "conversation_id": conversation, "status": status, "assignee": assignee,
        "reason": reason, "lang": lang, "first_question": first_question, "candidates": "[]",
        "created": at(created), "claimed": at(claimed) if claimed else None,
        "resolved": at(resolved) if resolved else None, "outcome": outcome}).last_pk


def _rating(db, conversation, handoff, score, created):
    db["ratings"].insert({"conversation_id": conversation, "handoff_id": handoff,
                          "score": score, "comment": "", "created": at(created)})


def seed(db):
    """Write the known week into ``db`` (an open store database); return it."""
    # c1: answered, "yes" by button — settled by the bot.
    c1 = _conversation(db, "11-01 10:00")
    _say(db, c1, "customer", "وين طلبي", "11-01 10:00")
    _answer(db, c1, "11-01 10:00", "order-tracking", "وين طلبي", "ar")
    _say(db, c1, "customer", "نعم، شكرًا", "11-01 10:01", choice="helpful")
    _say(db, c1, "bot", "…", "11-01 10:01", action="smalltalk", lang="ar")

    # c2: answered, a typed "no", suggestions, a second no: handed to mona.
    c2 = _conversation(db, "11-02 09:00", "en")
    _say(db, c2, "customer", "how much is shipping", "11-02 09:00")
    _answer(db, c2, "11-02 09:00", "shipping-costs", "how much is shipping", "en")
    _say(db, c2, "customer", "no", "11-02 09:02")
    _say(db, c2, "bot", "…", "11-02 09:02", action="suggest", reason="answer did not help",
         lang="en", question="how much is shipping")
    h1 = _handoff(db, c2, "11-02 09:05", "how much is shipping", lang="en", assignee="mona",
                  claimed="11-02 09:06", resolved="11-02 09:35", outcome="article")
    _say(db, c2, "customer", "None of these", "11-02 09:05", h1, choice="not_helpful")
    _say(db, c2, "bot", "…", "11-02 09:05", h1, action="escalate", lang="en",
         reason="suggestions did not help")
    _say(db, c2, "agent", "Shipping is 25 SAR.", "11-02 09:07", h1, agent="mona")
    _rating(db, c2, h1, 5, "11-02 09:40")

    # c3: small talk, then no match: handed to sami; the customer writes to the agent.
    c3 = _conversation(db, "11-03 12:00")
    _say(db, c3, "customer", "hello", "11-03 12:00")
    _say(db, c3, "bot", "…", "11-03 12:00", action="smalltalk", lang="en", reason="greeting")
    h2 = _handoff(db, c3, "11-03 12:00:30", "هل تبيعون بطاقات شحن", assignee="sami",
                  claimed="11-03 12:10", resolved="11-03 14:00:30", outcome="no_article")
    _say(db, c3, "customer", "هل تبيعون بطاقات شحن", "11-03 12:00:30", h2)
    _say(db, c3, "bot", "…", "11-03 12:00:30", h2, action="escalate", lang="ar",
         reason="no match", question="هل تبيعون بطاقات شحن")
    _say(db, c3, "customer", "any news?", "11-03 12:15", h2)
    _say(db, c3, "agent", "لا نبيعها حاليًا", "11-03 12:20:30", h2, agent="sami")
    _rating(db, c3, h2, 3, "11-03 14:05")

    # c4: suggestions, one chosen (an answer nobody judged) — settled by the bot.
    c4 = _conversation(db, "11-04 08:00")
    _say(db, c4, "customer", "ابغى ارجع منتج", "11-04 08:00")
    _say(db, c4, "bot", "…", "11-04 08:00", action="suggest", lang="ar",
         suggestions=["return-policy"], question="ابغى ارجع منتج")
    _say(db, c4, "customer", "ما سياسة الإرجاع", "11-04 08:01", choice="article:return-policy")
    _answer(db, c4, "11-04 08:01", "return-policy", "ابغى ارجع منتج", "ar",
            reason="chosen from suggestions")

    # c5: the week's last second.
    c5 = _conversation(db, "11-07 23:59:59", "en")
    _say(db, c5, "customer", "where is my order", "11-07 23:59:59")
    _answer(db, c5, "11-07 23:59:59", "order-tracking", "where is my order", "en")

    # c8–c10: handoffs asked for with the button (no typed question before them).
    c8 = _conversation(db, "11-05 10:00", "en")
    h3 = _handoff(db, c8, "11-05 10:00", "I need an invoice", reason="asked for a person",
                  lang="en", assignee="mona", claimed="11-05 10:00:30",
                  resolved="11-05 10:31", outcome="not_support")
    _say(db, c8, "agent", "Sure.", "11-05 10:01", h3, agent="mona")
    _rating(db, c8, h3, 4, "11-05 10:35")
    c9 = _conversation(db, "11-06 08:00")
    _handoff(db, c9, "11-06 08:00", "متى تفتحون يوم الجمعة", reason="asked for a person")
    c10 = _conversation(db, "11-07 20:00")
    h5 = _handoff(db, c10, "11-07 20:00", "هل تبيعون بطاقات شحن سوا", assignee="sami",
                  claimed="11-07 20:30")
    _say(db, c10, "agent", "نعم لحظة", "11-07 20:40", h5, agent="sami")

    # Outside the week: before it and at its exclusive end.
    c0 = _conversation(db, "10-31 23:59:59")
    _say(db, c0, "customer", "before the week", "10-31 23:59:59")
    _answer(db, c0, "10-31 23:59:59", "order-tracking", "before the week", "en")
    c6 = _conversation(db, "11-08 00:00")
    _say(db, c6, "customer", "after the week", "11-08 00:00")
    _say(db, c6, "bot", "…", "11-08 00:00", action="escalate", lang="en", reason="no match")
    _handoff(db, c6, "11-08 00:00", "after the week")
    old = _conversation(db, "10-25 00:00")
    _handoff(db, old, "10-25 00:00", "an old question nobody took")
    resolved_before = _conversation(db, "10-30 09:00")
    _handoff(db, resolved_before, "10-30 09:00", "resolved before", assignee="mona",
             claimed="10-30 09:01", resolved="11-01 09:00", outcome="article")

    for question, lang, action, article_id, created in [
            ("do you accept bitcoin", "en", "escalate", None, "11-02 11:00"),
            ("كم سعر التوصيل", "ar", "answer", "shipping-costs", "11-05 11:00"),
            ("thanks", "en", "smalltalk", None, "11-05 11:01"),
            ("outside", "en", "answer", "order-tracking", "11-08 00:00")]:
        db["asks"].insert({"question": question, "lang": lang, "action": action,
                           "article_id": article_id, "reason": "", "created": at(created)})

    for query, lang, results, source, created in [
            ("return policy", "en", 3, "page", "11-01 12:00"),
            ("Return  Policy", "en", 2, "page", "11-01 12:05"),
            ("بطاقات شحن", "ar", 0, "page", "11-03 13:00"),
            ("بطاقات شحن", "ar", 0, "api", "11-03 13:01"),
            ("بطاق", "ar", 0, "suggest", "11-03 13:00"),
            ("return policy", "en", 3, "page", "10-31 23:00")]:
        db["searches"].insert({"query": query, "lang": lang, "results": results,
                               "source": source, "created": at(created)})

    for article_id, created in [("order-tracking", "11-01 10:02"), ("order-tracking", "11-02 10:00"),
                                ("order-tracking", "11-06 10:00"), ("shipping-costs", "11-02 09:01"),
                                ("shipping-costs", "10-31 10:00")]:
        db["article_views"].insert({"article_id": article_id, "lang": "ar",
                                    "created": at(created)})
    for article_id, helpful, comment, created in [
            ("order-tracking", 1, "", "11-02 10:01"),
            ("order-tracking", 0, "الرابط لا يعمل", "11-03 10:00"),
            ("shipping-costs", 1, "", "11-04 10:00"),
            ("shipping-costs", 0, "", "10-31 10:00")]:
        db["article_feedback"].insert({"article_id": article_id, "lang": "ar",
                                       "helpful": helpful, "comment": comment,
                                       "created": at(created)})
    return db
