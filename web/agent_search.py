"""Tags on conversations and the search over conversations, for agents: the JSON API
(/api/agent/tags, /api/agent/handoffs/<id>/tags[/delete], /api/agent/search), the
/agent/search page, and the tag forms of a handoff's page (templates/agent/_tags.html,
which work without JavaScript; static/tags.js does the same through the API). Every
page and call stands behind web/auth.py's guards; forms carry the CSRF token.
"""
import datetime
import zoneinfo

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for

from bot import store
from bot.desk import search as desk_search
from bot.desk.tags import MAX_TAG_LENGTH, MAX_TAGS, TagError, normal_tag

from . import agent, csrf
from .agent import handoff_page
from .auth import NEXT, api_login_required, login_required
from .context import get_db, get_hours
from .errors import ApiError
from .inputs import json_body, numeric_id
from .search_text import st

__all__ = ["bp", "search_hit_json"]

bp = Blueprint("agent_search", __name__)
bp.url_value_preprocessor(numeric_id("handoff_id"))
# A refused tag form answers with the handoff's page, which needs the console's helpers
# (its clock, waiting times, team titles): agent.py gives them to its own views only.
bp.context_processor(agent.console_helpers)


@bp.app_context_processor
def _search_text():
    # The tags partial is drawn inside the handoff page, which agent.py renders.
    return {"st": lambda key, **values: st(key, g.get("lang", "ar"), **values),
            "tag_max_length": MAX_TAG_LENGTH}


class _Refused(Exception):
    """A tag change that cannot be made: ``message`` and the HTTP ``status``."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def _handoff(handoff_id):
    handoff = store.get_handoff(get_db(), handoff_id) if handoff_id >= 0 else None
    if handoff is None:
        raise _Refused("no such handoff" if handoff_id < 0 else
                       f"there is no handoff {handoff_id}", 404)
    return handoff


def _change_tag(handoff_id, value, remove=False):
    """Add (or ``remove``) the tag ``value`` on the handoff's conversation; return
    (the handoff, the normal tag, whether anything changed). Raise _Refused: 404 for
    no such handoff, 400 for a tag that is not one or one too many."""
    handoff = _handoff(handoff_id)
    try:
        tag = normal_tag(value)
    except TagError as error:
        raise _Refused(str(error)) from None
    db = get_db()
    if remove:
        return handoff, tag, store.remove_tag(db, handoff["conversation_id"], tag)
    outcome = store.add_tag(db, handoff["conversation_id"], tag, g.agent, MAX_TAGS)
    if outcome == "full":
        raise _Refused(f"a conversation has at most {MAX_TAGS} tags: remove one first")
    return handoff, tag, outcome == "added"


def _tags_json(handoff, tag, changed, key):
    conversation_id = handoff["conversation_id"]
    return {"handoff_id": handoff["id"], "conversation_id": conversation_id, "tag": tag,
            key: changed, "tags": store.tags_for(get_db(), [conversation_id])[conversation_id]}


def _local_time(iso):
    """A stored UTC time as "YYYY-MM-DD HH:MM" in the team's time zone."""
    moment = datetime.datetime.fromisoformat(iso)
    return moment.astimezone(zoneinfo.ZoneInfo(get_hours().timezone)).strftime("%Y-%m-%d %H:%M")


def search_hit_json(hit):
    """Return one search result as the API sends it."""
    return {"conversation_id": hit["conversation_id"], "handoff_id": hit["handoff_id"],
            "status": hit["status"], "assignee": hit["assignee"], "team": hit["team"],
            "created": hit["created"], "lang": hit["lang"],
            "customer": {"name": hit["name"] or hit["customer_name"] or "",
                         "email": hit["email"] or hit["customer_email"] or "",
                         "external_id": hit["external_id"],
                         "verified": hit["identified"] == "verified"},
            "question": hit["question"], "tags": hit["tags"], "match": hit["match"],
            "url": url_for("agent.handoff_page", handoff_id=hit["handoff_id"])}


def _search(args):
    """Return (the Query, its Results); raise desk_search.SearchError."""
    query = desk_search.parse_query(args)
    return query, desk_search.search(get_db(), query, get_hours().timezone)


# --- the JSON API -----------------------------------------------------------------------------

@bp.get("/api/agent/tags")
@api_login_required
def api_tags():
    """-> {"tags": [{"tag", "count"}]}: every tag on a conversation, the most used first
    (what the tag box suggests)."""
    return jsonify({"tags": store.tags_in_use(get_db())})


@bp.post("/api/agent/handoffs/<handoff_id>/tags")
@api_login_required
def api_add_tag(handoff_id):
    """{"tag"} -> the conversation's tags with this one: 201 when added, 200 when it
    was there already."""
    try:
        handoff, tag, added = _change_tag(handoff_id, json_body().get("tag"))
    except _Refused as refused:
        raise ApiError(str(refused), refused.status) from None
    return jsonify(_tags_json(handoff, tag, added, "added")), 201 if added else 200


@bp.post("/api/agent/handoffs/<handoff_id>/tags/delete")
@api_login_required
def api_remove_tag(handoff_id):
    """{"tag"} -> the conversation's tags without it ("removed": false when it was not
    there: nothing to do)."""
    try:
        handoff, tag, removed = _change_tag(handoff_id, json_body().get("tag"), remove=True)
    except _Refused as refused:
        raise ApiError(str(refused), refused.status) from None
    return jsonify(_tags_json(handoff, tag, removed, "removed"))


@bp.get("/api/agent/search")
@api_login_required
def api_search():
    """?q=&customer=&tag=&from=YYYY-MM-DD&to=YYYY-MM-DD&status=&page= -> {"results",
    "page", "more", "page_size"}: conversations with a handoff, newest first."""
    try:
        query, results = _search(request.args)
    except desk_search.SearchError as error:
        raise ApiError(str(error)) from None
    return jsonify({"results": [search_hit_json(hit) for hit in results.hits],
                    "page": results.page, "more": results.more,
                    "page_size": desk_search.PAGE_SIZE})


# --- the pages --------------------------------------------------------------------------------

@bp.get("/agent/search")
@login_required
def page():
    problem, query, results = None, None, None
    try:
        query, results = _search(request.args)
    except desk_search.SearchError as error:
        problem = str(error)
    form = {key: request.args.get(key, "") for key in ("q", "customer", "tag", "from", "to",
                                                       "status")}
    return render_template("agent/search.html", query=query, results=results, form=form,
                           problem=problem, statuses=desk_search.STATUSES,
                           hits=[search_hit_json(hit) for hit in results.hits] if results else [],
                           local_time=_local_time, zone=get_hours().timezone,
                           suggestions=[row["tag"] for row in store.tags_in_use(get_db())]
                           ), 400 if problem else 200


@bp.post("/agent/handoffs/<handoff_id>/tags")
@bp.post("/agent/handoffs/<handoff_id>/tags/delete", endpoint="tags_form_delete")
@login_required
def tags_form(handoff_id):
    """The tag forms of a handoff's page: add (or remove) the form's ``tag``, then back to
    the form's ``next`` (a console path), else the handoff's page; a bad tag is said at
    the top of the handoff's page (400)."""
    csrf.protect()
    remove = request.path.endswith("/delete")
    try:
        _change_tag(handoff_id, request.form.get("tag", ""), remove=remove)
    except _Refused as refused:
        if refused.status == 404:
            return handoff_page(handoff_id)  # its own 404
        return handoff_page(handoff_id, problem=str(refused), status=400)
    target = request.form.get("next", "")
    if not NEXT.fullmatch(target):
        target = url_for("agent.handoff_page", handoff_id=handoff_id, _anchor="tags")
    return redirect(target, 303)
