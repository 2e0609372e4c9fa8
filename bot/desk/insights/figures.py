"""The support leads' figures for a period — volume, the bot, content gaps, the help
center, people — computed from bot.store's read-only queries and returned as plain,
JSON-ready dicts (seconds for durations, shares from 0 to 1, None where there is
nothing to count).

    since, until = period_for_days(7, now)
    report = build_report(db, since, until, bot=bot, now=now)

Definitions (the README's "Insights" section repeats them for the team):

- A chat *question* is a customer's typed message that is not a button press, not a
  yes or no to the bot's last answer or suggestions, and not small talk ("hello",
  "thanks"); while a person has the conversation every typed message counts. A *search*
  is one from the results page or /api/search, not search-as-you-type ("suggest").
  An *API* question is a logged POST /api/ask (small talk left out).
- *Deflection*: of the conversations started in the period in which the customer asked
  at least one question, the share that never got a handoff.
- *Answer / suggest / escalation rate*: the share of the bot's replies to questions
  that answered, offered suggestions, or handed the conversation to a person.
- *Did this answer*: the customer's yes or no (button or typed) right after an answer.
- *First response time*: from a handoff's opening to the first agent message in it;
  *resolution time*: from its opening to its resolution. Both over the handoffs opened
  in the period; median and 90th percentile by the nearest-rank method (``percentile``).
- *Backlog*: handoffs opened before the period's end (or now, if sooner) and not
  resolved by then; age counts from their opening.
- *CSAT*: the share of ratings of 4 or 5 (of 5) given in the period; the mean is shown too.
- Per team (first-contact resolution, transfers, compliance with the levels' targets):
  insights/teams.py says how each is counted.
"""
import dataclasses
import datetime
import math
from collections import Counter, defaultdict

from bot import store
from bot.desk.learning import not_a_question
from bot.intents import feedback_in
from kb.gaps import cluster_questions, draft_article
from kb.text import detect_language

from .channels import channel_figures
from .periods import UTC, days, iso, seconds_between
from .teams import team_figures

__all__ = ["percentile", "build_report", "content_gaps", "gap_draft", "CHANNELS",
           "BOT_ACTIONS", "SATISFIED_FROM"]

CHANNELS = ("chat", "search", "api")
BOT_ACTIONS = ("answer", "suggest", "escalate")
# CSAT's usual "top two boxes": a 4 or a 5 of 5 is a satisfied customer.
SATISFIED_FROM = 4
# Enough rows for a lead to act on; the CSV has the same rows as the page.
TOP = 25
MAX_EXAMPLES = 5
MAX_COMMENTS = 200


# --- numbers and times ------------------------------------------------------------------------

def percentile(values, p):
    """Return the ``p``-th percentile (0 < p ≤ 100) of ``values`` by the nearest-rank
    method, or None when there are none: sort the n values and take the one at rank
    ⌈p·n/100⌉ (1-based) — the smallest value that at least p % of the values are less
    than or equal to. It is always an observed value: the median, percentile(values, 50),
    of an even count is the lower of the two middle values.

        percentile([4, 1, 3, 2], 50) -> 2        percentile(range(1, 11), 90) -> 9
    """
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]


def _share(part, whole):
    return part / whole if whole else None


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


# --- the conversation, read back -----------------------------------------------------------

def _chat_questions(messages):
    """Return [(customer message, the bot's reply or None), ...] of the questions among
    ``messages`` (customer and bot messages by conversation, then id)."""
    found, last_action = [], {}
    for i, line in enumerate(messages):
        conversation = line["conversation_id"]
        if line["role"] == "bot":
            last_action[conversation] = line["data"].get("action")
            continue
        if line["data"].get("choice"):
            continue  # a button: yes, no, a person, one of the suggestions
        if last_action.get(conversation) in ("answer", "suggest") and feedback_in(line["text"]):
            continue  # a typed yes or no to what the bot offered
        after = messages[i + 1] if i + 1 < len(messages) else None
        reply = (after if after and after["conversation_id"] == conversation
                 and after["role"] == "bot" else None)
        if reply and reply["data"].get("action") == "smalltalk":
            continue
        found.append((line, reply))
    return found


def _answer_verdicts(messages):
    """Return [(the bot's answer message, "yes" | "no" | None), ...]: the customer's
    verdict is the message right after the answer, when it is a yes or a no."""
    verdicts = []
    for i, line in enumerate(messages):
        if line["role"] != "bot" or line["data"].get("action") != "answer":
            continue
        after = messages[i + 1] if i + 1 < len(messages) else None
        verdict = None
        if after and after["conversation_id"] == line["conversation_id"]:
            said = after["data"].get("choice") or feedback_in(after["text"])
            verdict = {"helpful": "yes", "not_helpful": "no"}.get(said)
        verdicts.append((line, verdict))
    return verdicts


def _question_lang(message, reply):
    if reply and reply["data"].get("lang"):
        return reply["data"]["lang"]  # the bot's reading of the customer's language
    return detect_language(message["text"])


def _query_key(query):
    return " ".join(query.lower().split())


# --- the report ---------------------------------------------------------------------------------

def build_report(db, since, until, *, bot=None, now=None, gaps=True, teams=None):
    """Return every figure for the period [``since``, ``until``) (aware datetimes) as a
    dict: period, volume, bot, gaps, help_center, people, teams, channels (per
    conversation channel: insights/channels.py). ``bot`` (optional) gives
    article titles and the index that names each content gap's closest article; ``now``
    (default: the clock) caps the backlog's moment. ``gaps=False`` leaves the content
    gaps empty (clustering is the slow part: about a second for 3,000 questions).
    ``teams`` (bot.desk.teams.Teams, optional): the figures per team (insights/teams.py);
    without, ``teams`` is empty."""
    now = now or datetime.datetime.now(UTC)
    start, end = iso(since), iso(until)
    chat = _chat_questions(store.chat_messages(db, start, end))
    asks = [a for a in store.asks_in(db, start, end) if a["action"] != "smalltalk"]
    searches = store.searches_in(db, start, end)
    title = _titles(bot)
    return {
        "period": {"since": start, "until": end, "days": days(since, until)},
        "volume": _volume(chat, searches, asks, days(since, until)),
        "bot": _bot_figures(db, start, end, chat, asks, title),
        "gaps": [_gap_row(number, cluster, sources, title) for number, (cluster, sources)
                 in enumerate(content_gaps(db, since, until, bot=bot) if gaps else (), 1)],
        "help_center": _help_center(db, start, end, searches, title),
        "people": _people(db, start, end, min(until, now)),
        "teams": team_figures(db, start, end, teams, min(until, now)) if teams else [],
        "channels": channel_figures(db, start, end, _durations),
    }


def _titles(bot):
    def title(article_id, lang="ar"):
        article = bot.article(article_id, lang) if bot and article_id else None
        return article.title if article else (article_id or "")
    return title


def _volume(chat, searches, asks, days):
    counts = Counter()
    for message, reply in chat:
        counts[(message["created"][:10], "chat", _question_lang(message, reply))] += 1
    for search in searches:
        counts[(search["created"][:10], "search", search["lang"] or "ar")] += 1
    for ask in asks:
        counts[(ask["created"][:10], "api", ask["lang"] or "ar")] += 1
    per_day = {day: dict.fromkeys(CHANNELS, 0) for day in days}
    for (day, channel, _), n in counts.items():
        per_day.setdefault(day, dict.fromkeys(CHANNELS, 0))[channel] += n
    by_channel = Counter()
    by_lang = Counter()
    for (_, channel, lang), n in counts.items():
        by_channel[channel] += n
        by_lang[lang] += n
    return {
        "total": sum(counts.values()),
        "by_channel": {channel: by_channel[channel] for channel in CHANNELS},
        "by_lang": dict(sorted(by_lang.items())),
        "per_day": [{"day": day, **per_day[day], "total": sum(per_day[day].values())}
                    for day in sorted(per_day)],
        "rows": [{"day": day, "channel": channel, "lang": lang, "questions": n}
                 for (day, channel, lang), n in sorted(
                     counts.items(), key=lambda item: (item[0][0], CHANNELS.index(item[0][1]),
                                                       item[0][2]))],
    }


def _rates(actions):
    counted = Counter(a for a in actions if a in BOT_ACTIONS)
    replies = sum(counted.values())
    return {"replies": replies, **{action: counted[action] for action in BOT_ACTIONS},
            "answer_rate": _share(counted["answer"], replies),
            "suggest_rate": _share(counted["suggest"], replies),
            "escalation_rate": _share(counted["escalate"], replies)}


def _bot_figures(db, start, end, chat, asks, title):
    chat_actions = [reply["data"].get("action") for _, reply in chat if reply]
    api_actions = [ask["action"] for ask in asks]
    # Deflection is over whole conversations started in the period, however long they ran.
    started = _chat_questions(store.conversation_messages(db, start, end))
    asking = {message["conversation_id"] for message, _ in started}
    handed = store.conversations_with_handoffs(db, start, end) & asking
    verdicts = _answer_verdicts(store.chat_messages(db, start, end))
    per_article = defaultdict(Counter)
    for answer, verdict in verdicts:
        article_id = answer["data"].get("article_id")
        per_article[article_id]["answers"] += 1
        if verdict:
            per_article[article_id][verdict] += 1
    articles = [{"article_id": article_id, "title": title(article_id),
                 "answers": c["answers"], "yes": c["yes"], "no": c["no"],
                 "yes_share": _share(c["yes"], c["yes"] + c["no"])}
                for article_id, c in per_article.items()]
    articles.sort(key=lambda row: (-row["answers"], row["article_id"] or ""))
    yes = sum(row["yes"] for row in articles)
    no = sum(row["no"] for row in articles)
    return {
        "conversations": len(asking),
        "handed_off": len(handed),
        "deflected": len(asking) - len(handed),
        "deflection": _share(len(asking) - len(handed), len(asking)),
        "replies": {"chat": _rates(chat_actions), "api": _rates(api_actions),
                    "all": _rates(chat_actions + api_actions)},
        "answered": {"answers": len(verdicts), "yes": yes, "no": no,
                     "yes_share": _share(yes, yes + no), "articles": articles},
    }


def content_gaps(db, since, until, *, bot=None):
    """Return [(Cluster, {source: count}), ...], biggest first, of the period's
    questions no article settled: escalated (in a handoff not closed as "not a support
    question", or by the API), searched with no result, or answered and then marked "no"
    — each customer's question once. A request for a person, small talk or a yes or no
    is no question (bot.desk.learning.not_a_question): "ابي اكلم موظف" asks for no
    article."""
    start, end = iso(since), iso(until)
    seen, items = set(), []

    def add(text, source, created, key):
        if text and text.strip() and key not in seen and not_a_question(text) is None:
            seen.add(key)
            items.append((created, text.strip(), source))

    for handoff in store.handoffs_in(db, start, end):
        if handoff["outcome"] != "not_support":
            add(handoff["first_question"], "escalated", handoff["created"],
                ("chat", handoff["conversation_id"], handoff["first_question"]))
    for answer, verdict in _answer_verdicts(store.chat_messages(db, start, end)):
        if verdict == "no":
            question = answer["data"].get("question")
            add(question, "answered_no", answer["created"],
                ("chat", answer["conversation_id"], question))
    for i, ask in enumerate(store.asks_in(db, start, end)):
        if ask["action"] == "escalate":
            add(ask["question"], "escalated", ask["created"], ("api", i))
    for i, search in enumerate(store.searches_in(db, start, end)):
        if search["results"] == 0:
            add(search["query"], "no_result", search["created"], ("search", i))
    items.sort(key=lambda item: item[0])  # oldest first: the same order on every call
    sources = defaultdict(Counter)
    for _, text, source in items:
        sources[text][source] += 1
    clusters = cluster_questions([text for _, text, _ in items],
                                 index=bot.index if bot else None)
    found = []
    for cluster in clusters:
        counted = Counter()
        for text in dict.fromkeys(cluster.questions):
            counted.update(sources[text])
        found.append((cluster, dict(counted)))
    return found


def gap_draft(db, since, until, number, lang, *, bot=None):
    """Return the Markdown draft article for content gap ``number`` (1 = biggest) of the
    period in ``lang``, or None when there is no such gap."""
    gaps = content_gaps(db, since, until, bot=bot)
    if not 1 <= number <= len(gaps):
        return None
    cluster = gaps[number - 1][0]
    # A question asked three times is one question of the draft (the size counted them).
    once = dataclasses.replace(cluster, questions=tuple(dict.fromkeys(cluster.questions)))
    return draft_article(once, lang)


def _gap_row(number, cluster, sources, title):
    return {"number": number, "size": cluster.size, "langs": list(cluster.langs),
            "examples": list(dict.fromkeys(cluster.questions))[:MAX_EXAMPLES],
            "closest_article": cluster.closest_article,
            "closest_title": title(cluster.closest_article) if cluster.closest_article else "",
            "closest_score": round(cluster.closest_score, 4),
            "escalated": sources.get("escalated", 0), "no_result": sources.get("no_result", 0),
            "answered_no": sources.get("answered_no", 0)}


def _help_center(db, start, end, searches, title):
    searched, empty, shown = Counter(), Counter(), {}
    for search in searches:
        key = _query_key(search["query"])
        shown.setdefault(key, search["query"].strip())
        searched[key] += 1
        if search["results"] == 0:
            empty[key] += 1
    order = lambda counter: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    feedback = store.article_feedback_in(db, start, end)
    votes = defaultdict(Counter)
    for row in feedback:
        votes[row["article_id"]]["helpful" if row["helpful"] else "not_helpful"] += 1
        votes[row["article_id"]]["comments"] += bool(row["comment"])
    views = {row["article_id"]: row["views"] for row in store.views_per_article(db, start, end)}
    return {
        "searches": len(searches),
        "no_result": sum(empty.values()),
        "top_searches": [{"query": shown[key], "searches": n, "no_result": empty[key]}
                         for key, n in order(searched)[:TOP]],
        "no_result_searches": [{"query": shown[key], "searches": n}
                               for key, n in order(empty)[:TOP]],
        "most_viewed": [{"article_id": article_id, "title": title(article_id), "views": n}
                        for article_id, n in list(views.items())[:TOP]],
        "feedback": sorted(
            ({"article_id": article_id, "title": title(article_id), "views": views.get(article_id, 0),
              "helpful": c["helpful"], "not_helpful": c["not_helpful"],
              "helpful_share": _share(c["helpful"], c["helpful"] + c["not_helpful"]),
              "comments": c["comments"]} for article_id, c in votes.items()),
            key=lambda row: (-row["not_helpful"], -row["helpful"], row["article_id"])),
        "comments": [{"article_id": row["article_id"], "lang": row["lang"],
                      "helpful": bool(row["helpful"]), "comment": row["comment"],
                      "created": row["created"]}
                     for row in reversed(feedback) if row["comment"]][:MAX_COMMENTS],
    }


def _durations(values):
    values = list(values)
    return {"count": len(values), "median": percentile(values, 50),
            "p90": percentile(values, 90)}


def _csat(scores):
    scores = list(scores)
    return {"ratings": len(scores),
            "satisfied": sum(score >= SATISFIED_FROM for score in scores),
            "csat": _share(sum(score >= SATISFIED_FROM for score in scores), len(scores)),
            "mean": _mean(scores)}


def _people(db, start, end, moment):
    handoffs = store.handoffs_in(db, start, end)
    first = {h["id"]: seconds_between(h["created"], h["first_response"])
             for h in handoffs if h["first_response"]}
    resolution = {h["id"]: seconds_between(h["created"], h["resolved"])
                  for h in handoffs if h["resolved"]}
    at = iso(moment)
    backlog = store.backlog_at(db, at)
    ages = [seconds_between(h["created"], at) for h in backlog]
    ratings = store.ratings_in(db, start, end)
    agents = defaultdict(list)
    for h in handoffs:
        if h["assignee"]:
            agents[h["assignee"]].append(h)
    scores = defaultdict(list)
    for rating in ratings:
        if rating["assignee"]:
            scores[rating["assignee"]].append(rating["score"])
    per_agent = []
    for name in sorted(set(agents) | set(scores)):
        theirs = agents.get(name, [])
        per_agent.append({
            "agent": name, "handoffs": len(theirs),
            "resolved": sum(h["status"] == "resolved" for h in theirs),
            "first_response": _durations(first[h["id"]] for h in theirs if h["id"] in first),
            "resolution": _durations(resolution[h["id"]] for h in theirs
                                     if h["id"] in resolution),
            **_csat(scores.get(name, []))})
    return {
        "handoffs": len(handoffs),
        "unassigned": sum(not h["assignee"] for h in handoffs),
        "first_response": _durations(first.values()),
        "resolution": _durations(resolution.values()),
        "backlog": {"at": at, "open": len(backlog),
                    "waiting": sum(not h["claimed"] or h["claimed"] >= at for h in backlog),
                    "median_age": percentile(ages, 50), "oldest_age": max(ages, default=None)},
        "csat": _csat(rating["score"] for rating in ratings),
        "agents": per_agent,
    }


