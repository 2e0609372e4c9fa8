"""The JSON the API sends, built in one place so a message, a handoff or an article has
the same shape wherever it appears (the chat, the console, /api/ask; described in
web/openapi/). A few read the store for what the shape includes (a handoff's place in
the queue, whether it was rated)."""
import datetime
import functools

from flask import request, url_for

from bot import store

from .context import get_bot
from .rendering import article_html, updated

__all__ = ["article_url", "article_link", "article_json", "search_results_json",
           "reply_json", "message_json", "note_json", "customer_handoff_json", "conversation_state",
           "handoff_json", "waiting_seconds"]


def article_url(article_id, lang):
    """Return the help-center page of ``article_id`` in ``lang``."""
    return _article_path(request.script_root, lang, article_id)


@functools.lru_cache(maxsize=16384)
def _article_path(script_root, lang, article_id):
    # Building a URL through the routing map costs ~50 µs, and an answer carries up to
    # six links: a page's path depends only on these three, and the route never changes.
    return url_for("help_center.article", lang=lang, article_id=article_id)


def article_link(article_id, lang):
    """Return {"article_id", "title", "url"} of the article in ``lang`` (else its other
    language), or None when the bot does not know it."""
    article = get_bot().article(article_id, lang) if article_id else None
    if article is None:
        return None
    return {"article_id": article.id, "title": article.title,
            "url": article_url(article.id, lang)}


def article_json(article, lang):
    """Return one article as GET /api/articles/<id> sends it; ``lang`` is the language
    asked for (the links in its HTML point to pages in it)."""
    return {
        "article_id": article.id,
        "lang": article.lang,
        "title": article.title,
        "html": article_html(article, lang),
        "summary": article.summary,
        "category": article.category,
        "tags": list(article.tags),
        "url": article_url(article.id, article.lang),
        "updated": updated(article),
        "translations": [{"lang": other.lang, "title": other.title,
                          "url": article_url(other.id, other.lang)}
                         for other in get_bot().versions(article.id).values()
                         if other.lang != article.lang],
    }


def search_results_json(results, lang):
    """Return {"results": [...]} of GET /api/search; the links point to pages in ``lang``."""
    return {"results": [
        {"article_id": r.article_id, "title": r.title, "snippet": r.snippet,
         "url": article_url(r.article_id, lang), "score": r.score, "lang": r.lang}
        for r in results]}


def reply_json(reply):
    """Return the bot's Reply as POST /api/ask sends it."""
    bot = get_bot()
    return {
        "action": reply.action,
        "article_id": reply.article_id,
        "title": reply.title,
        "text": reply.text,
        "url": article_url(reply.article_id, reply.lang) if reply.article_id else None,
        "lang": reply.lang,
        "reason": reply.reason,
        "confidence": reply.confidence,
        "candidates": [{"article_id": aid, "score": score,
                        "title": bot.article(aid, reply.lang).title,
                        "url": article_url(aid, reply.lang)}
                       for aid, score in reply.candidates],
    }


def note_json(note):
    """Return an agent's internal note as the agents' API sends it (never the customer's)."""
    return {"id": note["id"], "handoff_id": note["handoff_id"], "agent": note["agent"],
            "text": note["text"], "created": note["created"]}


def message_json(message):
    """Return a stored conversation message as the API sends it: bot messages carry
    /api/ask's reply fields, agent messages the agent's name, system notices their kind."""
    data = message["data"]
    out = {"id": message["id"], "role": message["role"], "text": message["text"],
           "created": message["created"]}
    if message["role"] == "bot":
        lang = data.get("lang", "ar")
        answer = article_link(data.get("article_id"), lang)
        out.update({
            "action": data.get("action"), "article_id": data.get("article_id"),
            "title": data.get("title", ""), "url": answer["url"] if answer else None,
            "lang": lang, "reason": data.get("reason"), "confidence": data.get("confidence"),
            "candidates": [{**(article_link(aid, lang) or {"article_id": aid}), "score": score}
                           for aid, score in data.get("candidates", ())],
            "suggestions": [a for a in (article_link(aid, lang)
                                        for aid in data.get("suggestions", ())) if a],
            "ask_feedback": bool(data.get("ask_feedback")),
        })
    elif message["role"] == "agent":
        out["agent"] = data.get("agent")
    elif message["role"] == "system":
        out["kind"] = data.get("kind")
        out["rating"] = bool(data.get("rating"))
    return out


def customer_handoff_json(db, handoff):
    """Return what the customer may know of a handoff (no contact details, no agent
    notes), or None."""
    if handoff is None:
        return None
    return {"id": handoff["id"], "status": handoff["status"],
            "position": store.queue_position(db, handoff["id"])}


def conversation_state(db, conversation_id):
    """Return {"handoff", "rated"}: the conversation's latest handoff as the customer
    sees it, and whether they rated it."""
    handoff = store.latest_handoff(db, conversation_id)
    rated = (handoff is not None and handoff["status"] == "resolved"
             and store.is_rated(db, handoff["id"]))
    return {"handoff": customer_handoff_json(db, handoff), "rated": rated}


def waiting_seconds(handoff, now):
    """Return how long the handoff waited for an agent: until it was claimed (or
    resolved), else until ``now``."""
    start = datetime.datetime.fromisoformat(handoff["created"])
    end = handoff["claimed"] or handoff["resolved"]
    end = datetime.datetime.fromisoformat(end) if end else now
    return max(0, int((end - start).total_seconds()))


def handoff_json(handoff, now, lang=None):
    """Return the agent's view of a handoff: everything, contact details included; the
    candidates titled in ``lang`` (default: the handoff's)."""
    bot = get_bot()
    lang = lang or handoff["lang"] or "ar"
    candidates = []
    for article_id, score in handoff["candidates"][:5]:
        article = bot.article(article_id, lang)
        candidates.append({"article_id": article_id, "score": score,
                           "title": article.title if article else article_id})
    return {
        "id": handoff["id"], "conversation_id": handoff["conversation_id"],
        "status": handoff["status"], "assignee": handoff["assignee"], "lang": handoff["lang"],
        "created": handoff["created"], "claimed": handoff["claimed"],
        "resolved": handoff["resolved"], "waiting_seconds": waiting_seconds(handoff, now),
        "first_question": handoff["question"], "reason": handoff["reason"],
        "candidates": candidates, "name": handoff["name"], "email": handoff["email"],
        "customer_messages": handoff["customer_messages"], "outcome": handoff["outcome"],
        "article_id": handoff["article_id"],
    }
