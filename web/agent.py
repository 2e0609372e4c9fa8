"""The agents' console (/agent: sign-in, the inbox — the queue and the agent's own
conversations beside the open one and its customer —, a handoff's page, the agent's
status) and its JSON API (/api/agent/...). Every page and call stands behind web/auth.py's
guards; forms carry the CSRF token (web/csrf.py). The desk's teams and levels are read
at start-up (create_app, bot.desk.teams.desk_teams), so a broken TEAMS file stops the
start-up naming the file and the line or key.
"""
import datetime
import functools
import time
import zoneinfo

from flask import (Blueprint, abort, current_app, g, jsonify, make_response, redirect,
                   render_template, request, stream_with_context, url_for)

from bot import store
from bot.clean import undecodable
from bot.desk import agents, canned, handoffs, learning
from bot.desk import sla as desk_sla
from bot.store import channels as channel_store
from bot.store import customers as customer_store

from . import agent_channels, channels, csrf, events, ratelimit, typing_ping
from .agent_text import DESK_TEXT, dt
from .auth import (NEXT, api_login_required, current_agent, end_session, login_required,
                   session_check, sign_in, start_session)
from .context import get_bot, get_db, get_hours, get_teams, now, pool
from .errors import ApiError
from .i18n import LANGS, MESSAGES, duration, t
from .inputs import json_body, numeric_id, row_id
from .learned import learned_json
from .payloads import handoff_json, message_json, note_json

bp = Blueprint("agent", __name__)
bp.url_value_preprocessor(numeric_id("handoff_id"))
bp.url_value_preprocessor(numeric_id("reply_id"))

QUEUES = ("open", "mine", "resolved")


def _no_such_handoff(handoff_id, error=None):
    # Never "-1": that id is ours, not what was asked.
    if handoff_id < 0:
        return "no such handoff"
    return str(error) if error else f"there is no handoff {handoff_id}"


def reason_text(reason, lang):
    """Return the bot's ``reason`` (an English phrase, the stored key) in ``lang``; one
    the catalogue does not know comes back as it is."""
    if ": " in (reason or ""):  # "low confidence: unsure, sent to a person" (a mail's)
        return ": ".join(reason_text(part, lang) for part in reason.split(": ", 1))
    key = "reason_" + (reason or "").replace(" ", "_")
    return t(key, lang) if key in MESSAGES else reason


def _clock(iso):
    """A stored UTC time as HH:MM in the team's time zone (the page names the zone)."""
    moment = datetime.datetime.fromisoformat(iso)
    return moment.astimezone(zoneinfo.ZoneInfo(get_hours().timezone)).strftime("%H:%M")


@bp.context_processor
def console_helpers():
    lang = g.get("lang", "ar")
    return {"reason_text": lambda reason: reason_text(reason, lang), "clock": _clock,
            "zone": get_hours().timezone, "waiting": lambda seconds: duration(seconds, lang),
            "dt": lambda key, **values: dt(key, lang, **values), "teams": get_teams(),
            "team_title": lambda name: _team_title(name, lang),
            "level_title": lambda name: _level_title(name, lang)}


@bp.app_context_processor
def _desk_text():
    # The console's nav (templates/agent/base.html) names the saved replies page on the
    # learned and insights pages too, which other blueprints render.
    return {"dt": lambda key, **values: dt(key, g.get("lang", "ar"), **values)}


def _team_title(name, lang):
    team = get_teams().team(name) if name else None
    return team.title(lang) if team else (name or dt("desk_no_team", lang))


def _level_title(name, lang):
    """A level as the console names it: its title in teams.toml, else "Level 2"."""
    level = get_teams().level(name)
    return (level.title(lang) if level else None) or dt("desk_level_name", lang, level=name)


# --- the agents' view of a handoff: the shared shape plus team, level, transfer, SLA ----------

def _moment(value):
    return datetime.datetime.fromisoformat(value) if value else None


def _desk_fields(handoff, details, moment, lang):
    """Return what the console adds to a handoff's JSON: its team (and title), level and
    the level above, its latest transfer with the reason, and its SLA (bot.desk.sla:
    due times and ok / soon / breached) in the team's business hours."""
    teams = get_teams()
    name, level_name = handoff.get("team"), handoff.get("level") or "1"
    level, above = teams.level(level_name), teams.next_level(level_name)
    fields = {"team": name, "team_title": _team_title(name, lang), "level": level_name,
              "level_title": _level_title(level_name, lang),
              "next_level": above.name if above else None,
              "next_level_title": _level_title(above.name, lang) if above else None,
              "transfer": details.get("transfer"), "sla": None}
    if level is not None and details:
        hours = teams.hours_of(name) or get_hours()
        fields["sla"] = desk_sla.assess(
            level, hours, reached=_moment(details["level_started"]),
            responded=_moment(details["first_response"]),
            resolved=_moment(handoff["resolved"]), now=moment).as_data()
    return fields


def agent_handoff_json(handoff, moment, lang=None, details=None, tags=None):
    """Return the agent's view of one handoff (web.payloads.handoff_json, the desk's
    fields and the conversation's ``tags``); ``details``: store.handoff_details' entry,
    ``tags``: its conversation's (store.tags_for), each looked up when not given."""
    if details is None:
        details = store.handoff_details(get_db(), [handoff["id"]]).get(handoff["id"], {})
    if tags is None:
        conversation = handoff["conversation_id"]
        tags = store.tags_for(get_db(), [conversation]).get(conversation, [])
    return {**handoff_json(handoff, moment, lang=lang),
            **_desk_fields(handoff, details, moment, lang or g.get("lang", "ar")),
            "tags": tags, "channel": details.get("channel", "web")}


def agent_handoffs_json(rows, moment, lang=None):
    """Return the agent's view of a queue's handoffs, their details read in one query;
    each with ``unread``: for a handoff the signed-in agent holds, how many customer
    messages they have not seen (bot.store.reads), else None."""
    db = get_db()
    details = store.handoff_details(db, [h["id"] for h in rows])
    tags = store.tags_for(db, [h["conversation_id"] for h in rows])
    held = [h["id"] for h in rows if h["status"] == "claimed" and h["assignee"] == g.agent]
    unread = store.unread_counts(db, g.agent, held)
    return [{**agent_handoff_json(h, moment, lang, details.get(h["id"], {}),
                                  tags.get(h["conversation_id"], [])),
             "unread": unread.get(h["id"])} for h in rows]


def _route_new():
    """File open handoffs that have no team yet (opened before teams, or by a chat that
    does not route them) under theirs, and assign what waits — only when there are such,
    so reading the queue does not take the write lock for nothing. Run before the
    console shows or changes handoffs."""
    db = get_db()
    if store.waiting_handoffs(db, unrouted=True, limit=1):
        handoffs.assign_waiting(db, bot=get_bot(), teams=get_teams())


def _team_filter(value):
    """Return the queue's ?team= (a known team's name), None for every team; ApiError."""
    if value in (None, ""):
        return None
    if get_teams().team(value) is None:
        raise ApiError(f"there is no team {value!r}")
    return value



def _handoff_or_404(handoff_id, api=True):
    handoff = store.get_handoff(get_db(), handoff_id)
    if handoff is None:
        if api:
            raise ApiError(_no_such_handoff(handoff_id), 404)
        abort(404)
    return handoff


def _transcript(handoff):
    return [message_json(m) for m in store.messages(get_db(), handoff["conversation_id"])]


def _notes(handoff):
    return [note_json(n) for n in store.notes_for(get_db(), handoff["id"])]


def _act(action, *args):
    """Return ``action(db, *args)`` (a bot.desk.handoffs action), its errors turned into
    API errors: 404, 409 naming who holds the handoff, or 400."""
    _route_new()
    try:
        return action(get_db(), *args)
    except handoffs.NoSuchHandoff as error:
        raise ApiError(_no_such_handoff(request.view_args["handoff_id"], error), 404) from None
    except handoffs.HandoffConflict as error:
        raise ApiError(str(error), 409, holder=error.holder,
                       handoff_status=error.status) from None
    except handoffs.HandoffError as error:
        raise ApiError(str(error)) from None


def _sign_in(name, password):
    """Return whether ``name`` and ``password`` are an agent's (web.auth.sign_in: throttled,
    failures counted); a name no agent can have is wrong without a look-up, so nothing
    unclean reaches the store."""
    return agents.is_agent_name(name) and sign_in(name, password)


# --- the JSON API -----------------------------------------------------------------------------

@bp.post("/api/agent/login")
def api_login():
    """{"name", "password"} -> {"agent": name} and a session cookie."""
    data = json_body()
    name, password = data.get("name"), data.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        raise ApiError("name and password are required, as text")
    if undecodable(name) or undecodable(password):
        raise ApiError("the name or password contains characters that could not be "
                       "decoded: send UTF-8 text")
    try:
        signed_in = _sign_in(name, password)
    except ratelimit.Limited as limited:
        raise ApiError(str(limited), 429, retry_after=limited.seconds) from None
    if not signed_in:
        raise ApiError("wrong name or password", 401)
    start_session(name)
    return jsonify({"agent": name})


def _sign_out():
    """End the session; the agent goes offline, so nothing more is assigned to someone
    who left (the handoffs they hold stay theirs)."""
    name = current_agent()
    if name is not None:
        agents.set_status(get_db(), name, "offline")
    end_session()


@bp.post("/api/agent/logout")
@api_login_required
def api_logout():
    _sign_out()
    return jsonify({"ok": True})


@bp.get("/api/agent/handoffs")
@api_login_required
def api_handoffs():
    """?status=open|mine|resolved[&team=NAME] -> {"handoffs": [...]}: open and mine
    oldest first; each with its team, level, latest transfer and SLA."""
    status = request.args.get("status", "open")
    if status not in QUEUES:
        raise ApiError("status must be open, mine or resolved")
    team = _team_filter(request.args.get("team"))
    _route_new()
    moment = now()
    # ?lang= titles the candidates in the console's language (the queue page's refresh).
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else None
    # "now": the server's clock, from which the inbox ticks the waiting times (a
    # browser's own clock may be minutes off).
    return jsonify({"handoffs": agent_handoffs_json(
        store.handoffs(get_db(), status, agent=g.agent, team=team), moment, lang),
        "now": moment.isoformat(timespec="seconds")})


@bp.get("/api/agent/events")
@api_login_required
def api_events():
    """The agent's one event stream (web/events.py): ``queue`` when the open or claimed
    handoffs change, ``messages`` when a conversation the agent holds gets new lines."""
    body = stream_with_context(events.agent_stream(pool(), g.agent, session_check()))
    response = current_app.response_class(body, mimetype="text/event-stream")
    response.headers["X-Accel-Buffering"] = "no"  # Cache-Control: no-store (web/hooks.py)
    return response


@bp.get("/api/agent/handoffs/<handoff_id>")
@api_login_required
def api_handoff(handoff_id):
    """The handoff with its whole transcript (customer, bot, agent and system messages);
    ``typing`` is what the agent stream's ``typing`` event carries, {"handoff_id",
    "typing"}, for a page that polls (one the agent reads but does not hold)."""
    _route_new()
    handoff = _handoff_or_404(handoff_id)
    return jsonify({**agent_handoff_json(handoff, now()), "messages": _transcript(handoff),
                    "notes": _notes(handoff),
                    "transfers": store.transfers_for(get_db(), handoff_id),
                    "customer": _customer(handoff),
                    "typing": events.customer_typing(get_db(), handoff)})


@bp.post("/api/agent/handoffs/<handoff_id>/typing")
@api_login_required
def api_typing(handoff_id):
    """{"typing": true (default) | false} -> {"typing", "seconds"}: the agent holding
    the handoff is typing a reply (the customer sees "<name> is typing…") or stopped.
    Never the text. 409 for a handoff the agent does not hold."""
    handoff = _handoff_or_404(handoff_id)
    flag = typing_ping.flag(json_body(allow_empty=True))
    if handoff["status"] != "claimed" or handoff["assignee"] != g.agent:
        raise ApiError("this handoff is not yours: only the agent holding it types to "
                       "its customer", 409, holder=handoff["assignee"],
                       handoff_status=handoff["status"])
    seconds, at = typing_ping.seconds(), time.time()
    if flag:
        store.mark_typing(get_db(), handoff["conversation_id"], "agent", at=at,
                          seconds=seconds, every=typing_ping.EVERY, agent=g.agent)
    else:
        store.stop_typing(get_db(), handoff["conversation_id"], "agent", at=at)
    return jsonify({"typing": flag, "seconds": seconds if flag else 0})


def _customer(handoff):
    """The customer panel: who the customer is (as the shop vouched, or by the address
    they gave) and their other conversations, newest first — or None for a customer
    Dalil does not know again."""
    db = get_db()
    customer = customer_store.conversation_customer(db, handoff["conversation_id"])
    if customer is None:
        return None
    earlier = [{key: row[key] for key in ("id", "created", "first_message", "messages",
                                          "handoff_id", "handoff_status", "outcome",
                                          "resolved_with", "rating", "articles", "channel")}
               for row in customer_store.customer_conversations(db, customer["id"])
               if row["id"] != handoff["conversation_id"]]
    return {"id": customer["id"], "name": customer["name"], "email": customer["email"],
            "verified": customer["identified"] == "verified",
            "identified": customer["identified"],
            "external_id": customer["external_id"], "conversations": earlier,
            "addresses": channel_store.customer_addresses(db, customer["id"])}


@bp.post("/api/agent/handoffs/<handoff_id>/read")
@api_login_required
def api_read(handoff_id):
    """{"message_id": N} (optional; left out, the conversation's newest message) ->
    {"handoff_id", "last_seen_message_id", "unread"}: the signed-in agent has seen the
    conversation up to that message. A mark never moves back; any agent may keep one
    (each their own), so reading a colleague's handoff clears nobody else's count."""
    handoff = _handoff_or_404(handoff_id)
    data = json_body(allow_empty=True)
    newest_id = store.newest_message_id(get_db(), handoff["conversation_id"])
    message_id = data.get("message_id", newest_id)
    if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 0:
        raise ApiError("message_id must be a message's id (a whole number of 0 or more)")
    # Never past the conversation's newest message: a mark ahead of it would hide the
    # customer's next ones.
    seen = store.mark_read(get_db(), g.agent, handoff_id, min(message_id, newest_id))
    unread = store.unread_counts(get_db(), g.agent, [handoff_id])[handoff_id]
    return jsonify({"handoff_id": handoff_id, "last_seen_message_id": seen, "unread": unread})


@bp.post("/api/agent/handoffs/<handoff_id>/claim")
@api_login_required
def api_claim(handoff_id):
    return jsonify(agent_handoff_json(_act(handoffs.claim, handoff_id, g.agent), now()))


@bp.post("/api/agent/handoffs/<handoff_id>/release")
@api_login_required
def api_release(handoff_id):
    return jsonify(agent_handoff_json(_act(handoffs.release, handoff_id, g.agent), now()))


@bp.post("/api/agent/handoffs/<handoff_id>/reply")
@api_login_required
def api_reply(handoff_id):
    """{"text"} -> the stored message, which the customer's chat picks up."""
    text = json_body().get("text")
    return jsonify(message_json(_act(_send_reply, handoff_id, g.agent, text))), 201


def _send_reply(db, handoff_id, agent, text):
    """handoffs.reply, refused (canned.Unfilled, a 400) while the text still holds a
    placeholder such as {order}: no customer ever reads one. The reply is what the
    agent was typing: their "typing…" ends with it (the API's and the form's)."""
    canned.check_filled(text)
    message = handoffs.reply(db, handoff_id, agent, text)
    store.stop_typing(db, message["conversation_id"], "agent", at=time.time())
    if channels.configured(current_app):
        # A customer by mail or WhatsApp gets it now; a failure is retried by the poller.
        channels.deliver_now(db, channel_store.deliveries_of(db, message["id"]))
    return message


@bp.post("/api/agent/handoffs/<handoff_id>/notes")
@api_login_required
def api_note(handoff_id):
    """{"text"} -> the stored internal note: for agents only, never in the customer's
    chat, widget, API or event stream."""
    text = json_body().get("text")
    return jsonify(note_json(_act(handoffs.add_note, handoff_id, g.agent, text))), 201


@bp.post("/api/agent/handoffs/<handoff_id>/resolve")
@api_login_required
def api_resolve(handoff_id):
    """{"outcome": "article"|"no_article"|"not_support", "article_id", "question"} -> the
    handoff and what it taught the bot ("learned": the learned question, or null).
    "question" (an article outcome only): left out, the handoff's default question
    (bot.desk.learning.default_question); text, that question (the agent's choice or
    wording); null, teach nothing."""
    data = json_body()
    question, teach = data.get("question"), "question" not in data or data["question"] is not None
    resolve = functools.partial(handoffs.resolve, question=question, teach=teach)
    handoff = _act(resolve, get_bot(), handoff_id, g.agent, data.get("outcome"),
                   data.get("article_id"))
    return jsonify({**agent_handoff_json(handoff, now()),
                    "learned": learned_json(handoff["learned"])})


@bp.post("/api/agent/handoffs/<handoff_id>/transfer")
@api_login_required
def api_transfer(handoff_id):
    """{"team": NAME} or {"agent": NAME}, and {"reason"} -> the handoff: in that team's
    queue (given to an agent of it with room, if one is online), or the agent's at once."""
    data = json_body()
    transfer = functools.partial(handoffs.transfer, reason=data.get("reason"),
                                 to_team=data.get("team"), to_agent=data.get("agent"))
    return jsonify(agent_handoff_json(_act(transfer, handoff_id, g.agent, get_teams()), now()))


@bp.post("/api/agent/handoffs/<handoff_id>/escalate")
@api_login_required
def api_escalate(handoff_id):
    """{"reason"} -> the handoff, one level up in its team's queue (given to an agent of
    that level with room, if one is online); 400 at the top level."""
    escalate = functools.partial(handoffs.escalate, reason=json_body().get("reason"))
    return jsonify(agent_handoff_json(_act(escalate, handoff_id, g.agent, get_teams()), now()))


def _profile_json(profile):
    return {key: profile[key] for key in ("name", "team", "level", "status", "capacity", "load")}


@bp.get("/api/agent/status")
@api_login_required
def api_status():
    """The signed-in agent's team, level, status, capacity and load (handoffs held)."""
    return jsonify(_profile_json(agents.profile(get_db(), g.agent)))


@bp.post("/api/agent/status")
@api_login_required
def api_set_status():
    """{"status": "online"|"away"|"offline", "capacity": 1..MAX} (either or both) -> the
    agent's status; going online or raising the capacity assigns waiting handoffs."""
    data = json_body()
    try:
        profile = agents.set_status(get_db(), g.agent, data.get("status"),
                                    capacity=data.get("capacity"), bot=get_bot(),
                                    teams=get_teams())
    except agents.AgentError as error:
        raise ApiError(str(error)) from None
    return jsonify(_profile_json(profile))


@bp.get("/api/agent/teams")
@api_login_required
def api_teams():
    """The desk's teams (name, title, categories), levels (in escalation order, with
    their targets) and agents (team, level, status, capacity, load): what a transfer
    may choose from."""
    teams = get_teams()
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else g.get("lang", "ar")
    return jsonify({
        "teams": [{"name": team.name, "title": team.title(lang),
                   "categories": list(team.categories)} for team in teams.teams],
        "levels": [{"name": level.name, "first_response_minutes": level.first_response_minutes,
                    "resolution_minutes": level.resolution_minutes} for level in teams.levels],
        "agents": [_profile_json(row) for row in store.agent_loads(get_db())]})


# --- canned (saved) replies: the team's shared list, and one filled for a handoff -------------

def _reply_json(row):
    return {key: row[key] for key in ("id", "title", "lang", "text", "created_by", "created",
                                      "updated")}


def _canned(action, *args, **kwargs):
    """Return ``action(db, ...)`` (a bot.desk.canned function), its errors as API errors:
    404 for an unknown reply, else 400."""
    try:
        return action(get_db(), *args, **kwargs)
    except canned.NoSuchReply as error:
        raise ApiError(str(error), 404) from None
    except canned.CannedError as error:
        raise ApiError(str(error)) from None


def _customer_name(handoff):
    """The customer's name as they gave it in the conversation, else as the customer
    record knows it (an identified customer); None when neither has one."""
    if handoff.get("name"):
        return handoff["name"]
    customer = customer_store.conversation_customer(get_db(), handoff["conversation_id"])
    return customer["name"] if customer else None


@bp.get("/api/agent/replies")
@api_login_required
def api_replies():
    """?lang=ar|en -> {"replies": [...]}: the team's canned replies (only that
    language's when given), by title."""
    lang = request.args.get("lang") or None
    if lang is not None and lang not in canned.LANGS:
        raise ApiError("lang must be ar or en")
    return jsonify({"replies": [_reply_json(row) for row in canned.replies(get_db(), lang)]})


@bp.post("/api/agent/replies")
@api_login_required
def api_add_reply():
    """{"title", "lang", "text"} -> the stored canned reply (201)."""
    data = json_body()
    row = _canned(canned.add, g.agent, title=data.get("title"), lang=data.get("lang"),
                  text=data.get("text"))
    return jsonify(_reply_json(row)), 201


@bp.get("/api/agent/replies/<reply_id>")
@api_login_required
def api_canned_reply(reply_id):
    return jsonify(_reply_json(_canned(canned.get, reply_id)))


@bp.post("/api/agent/replies/<reply_id>")
@api_login_required
def api_edit_reply(reply_id):
    """{"title", "lang", "text"} (any of them; the others stay) -> the changed reply."""
    data = json_body()
    current = _canned(canned.get, reply_id)
    row = _canned(canned.edit, reply_id, **{key: data.get(key, current[key])
                                            for key in ("title", "lang", "text")})
    return jsonify(_reply_json(row))


@bp.post("/api/agent/replies/<reply_id>/delete")
@api_login_required
def api_delete_reply(reply_id):
    """-> {"deleted": id}."""
    return jsonify({"deleted": _canned(canned.delete, reply_id)["id"]})


@bp.get("/api/agent/replies/<reply_id>/filled")
@api_login_required
def api_filled_reply(reply_id):
    """?handoff_id=N -> {"text"}: the reply with the handoff's customer's name and the
    signed-in agent's filled in (bot.desk.canned.fill); other placeholders stay."""
    handoff_id = row_id(request.args.get("handoff_id"))
    if handoff_id is None:
        raise ApiError("handoff_id must be a handoff's id (a whole number)")
    handoff = store.get_handoff(get_db(), handoff_id)
    if handoff is None:
        raise ApiError(f"there is no handoff {handoff_id}", 404)
    text = _canned(canned.filled_for, reply_id, name=_customer_name(handoff), agent=g.agent)
    return jsonify({"text": text, "unfilled": canned.unfilled(text)})


# --- the console pages ---------------------------------------------------------------------------

@bp.route("/agent/login", methods=["GET", "POST"])
def login():
    failed = False
    if request.method == "POST":
        csrf.protect()
        name, password = request.form.get("name", ""), request.form.get("password", "")
        try:
            signed_in = _sign_in(name, password)
        except ratelimit.Limited as limited:
            response = make_response(render_template(
                "agent/login.html", failed=False,
                problem=t("agent_login_wait", g.lang, seconds=limited.seconds)), 429)
            response.headers["Retry-After"] = str(limited.seconds)
            return response
        if signed_in:
            start_session(name)
            target = request.args.get("next", "")
            # Only a console path: never an open redirect, never a split header.
            if not NEXT.fullmatch(target):
                target = url_for("agent.queue")
            return redirect(target, 303)
        failed = True
    return render_template("agent/login.html", failed=failed), 401 if failed else 200


@bp.post("/agent/logout")
def logout():
    csrf.protect()
    _sign_out()
    return redirect(url_for("agent.login"), 303)


@bp.get("/agent")
@bp.get("/agent/")
@login_required
def queue():
    """The inbox: the queue and the agent's own conversations on the left (?status=
    picks the list shown, ?team= one team's), the conversation ?open=ID in the middle
    and its customer on the right."""
    status = request.args.get("status", "open")
    if status not in QUEUES:
        status = "open"
    team = request.args.get("team") or None
    if team is not None and get_teams().team(team) is None:
        team = None
    opened = row_id(request.args.get("open"))
    if opened is not None and store.get_handoff(get_db(), opened) is None:
        opened = None  # gone or never there: the inbox without it, not an error page
    return _inbox(status, team, opened)


def _inbox(status, team, opened=None, problem=None, code=200):
    """Render the inbox page (see queue) with ``problem`` said at the top."""
    _route_new()
    moment, db = now(), get_db()
    lists = {name: agent_handoffs_json(store.handoffs(db, name, agent=g.agent, team=team),
                                       moment, g.lang)
             for name in (("open", "mine", "resolved") if status == "resolved"
                          else ("open", "mine"))}
    # The open conversation's parts render from the same names as on its own page.
    parts = _handoff_context(opened, back=_inbox_path(opened)) if opened else {}
    parts.pop("problem", None)
    return render_template("agent/inbox.html", lists=lists, status=status, team=team,
                           queues=QUEUES, strings=_queue_strings(), problem=problem,
                           now_iso=moment.isoformat(timespec="seconds"), opened=opened,
                           me=agents.profile(db, g.agent), pane=bool(parts), **parts), code


def _inbox_path(handoff_id=None):
    """Where a form posted from the inbox's pane comes back to: the inbox with that
    conversation open (agent.queue's ?open=)."""
    return url_for("agent.queue", open=handoff_id) if handoff_id else url_for("agent.queue")


@bp.get("/agent/handoffs/<handoff_id>/pane")
@login_required
def handoff_pane(handoff_id):
    """The inbox's middle and right panes for one handoff, as an HTML fragment.

    The inbox fetches this and puts it in place rather than drawing the panes from the
    JSON API: the same Jinja partials render the handoff's own page (what links and
    agents without JavaScript use), so the two never drift apart, and every form in
    them (resolve with its teaching choices, transfer, escalate) works as it is."""
    _route_new()
    _handoff_or_404(handoff_id, api=False)
    return render_template("agent/_pane.html",
                           **_handoff_context(handoff_id, back=_inbox_path(handoff_id)))


@bp.post("/agent/status")
@login_required
def status_form():
    """The console's status form: status and capacity; back to the page it came from."""
    csrf.protect()
    capacity = request.form.get("capacity", "").strip()
    try:
        agents.set_status(get_db(), g.agent, request.form.get("status") or None,
                          capacity=int(capacity) if capacity.isdigit() else (capacity or None),
                          bot=get_bot(), teams=get_teams())
    except agents.AgentError as error:
        return queue_problem(str(error))
    target = request.form.get("next", "")
    return redirect(target if NEXT.fullmatch(target) else url_for("agent.queue"), 303)


def queue_problem(problem):
    """The inbox again with ``problem`` said at the top (a 400)."""
    return _inbox("open", None, problem=problem, code=400)


def _queue_strings():
    """What agent.js needs to redraw the queue's rows in the page's language."""
    wanted = ("reason_", "handoff_state_", "outcome_", "agent_minutes", "agent_hours",
              "ins_seconds", "ins_days_hours", "agent_handoff", "agent_no_question",
              "agent_new_handoffs", "agent_empty_queue", "ins_channel_")
    strings = {key: texts[g.lang] for key, texts in MESSAGES.items() if key.startswith(wanted)}
    strings.update({key: dt(key, g.lang) for key in (
        "desk_sla_ok", "desk_sla_soon", "desk_sla_breached", "desk_level_name",
        "desk_no_team")})
    strings.update({key: dt(key, g.lang) for key in DESK_TEXT if key.startswith("inbox_")})
    return strings


def _speakers(handoff):
    """The console's names for who said what: the customer (their name when they gave
    one), the bot, "you" for the signed-in agent; another agent goes by their name."""
    return {"customer": handoff["name"] or t("console_role_customer", g.lang),
            "bot": t("console_role_bot", g.lang), "system": t("role_system", g.lang),
            "you": t("console_role_you", g.lang), "agent": t("console_role_agent", g.lang),
            "me": g.agent}


@bp.get("/agent/handoffs/<handoff_id>")
@login_required
def handoff_page(handoff_id, problem=None, status=200):
    _route_new()
    _handoff_or_404(handoff_id, api=False)
    return render_template("agent/handoff.html",
                           **_handoff_context(handoff_id, problem=problem)), status


def _handoff_context(handoff_id, problem=None, back=None):
    """Return what the handoff's parts (templates/agent/_conversation.html and
    _customer.html) render from, for its own page and the inbox's pane alike; ``back``:
    where the parts' forms return to (the inbox), None for the handoff's page."""
    db = get_db()
    handoff = store.get_handoff(db, handoff_id)
    teaching = learning.teaching_questions(db, handoff)
    return dict(handoff=agent_handoff_json(handoff, now(), lang=g.lang),
                transfers=store.transfers_for(db, handoff_id),
                colleagues=[row for row in store.agent_loads(db)
                            if row["name"] != g.agent and row["status"] != "offline"],
                messages=_transcript(handoff), notes=_notes(handoff),
                problem=problem,
                rating=store.handoff_rating(db, handoff_id),
                customer=_customer(handoff),
                speakers=_speakers(handoff), teaching=teaching,
                teach_default=learning.default_question(teaching),
                taught=[learned_json(row) for row in learning.taught_by(db, handoff_id)],
                canned_replies=canned.replies(db, first=handoff["lang"] or g.lang),
                channel=agent_channels.channel_view(db, handoff["conversation_id"], g.lang),
                site=_site(), back=back)


def _site():
    """Where customers reach the help center (PUBLIC_URL, else this address and its
    path prefix): what an article link the agent inserts in a reply starts with."""
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return public or request.host_url.rstrip("/") + request.script_root


def _form_question(form):
    """Return (question, teach) from the resolve form: the "question_edit" field when
    the agent typed there (it replaces the choice); else the "question" radio — a
    customer's message, or "" for "teach nothing"; no radio at all: the default."""
    edited = form.get("question_edit", "").strip()
    if edited:
        return edited, True
    picked = form.get("question")
    return (picked or None), picked != ""


@bp.post("/agent/handoffs/<handoff_id>/"
         "<any(claim, release, reply, note, resolve, transfer, escalate):action>")
@login_required
def handoff_form(handoff_id, action):
    csrf.protect()
    _route_new()
    _handoff_or_404(handoff_id, api=False)
    form, db = request.form, get_db()
    # Posted from the inbox's pane: back there (a console path only, as after sign-in).
    back = form.get("next", "")
    back = back if NEXT.fullmatch(back) else None
    try:
        if action == "claim":
            handoffs.claim(db, handoff_id, g.agent)
        elif action == "release":
            handoffs.release(db, handoff_id, g.agent)
        elif action == "reply":
            _send_reply(db, handoff_id, g.agent, form.get("text", ""))
        elif action == "note":
            handoffs.add_note(db, handoff_id, g.agent, form.get("text", ""))
        elif action == "transfer":
            handoffs.transfer(db, handoff_id, g.agent, get_teams(), reason=form.get("reason", ""),
                              to_team=form.get("to_team") or None,
                              to_agent=form.get("to_agent") or None)
            # No longer the agent's: the queue is where they go on from here.
            return redirect(url_for("agent.queue"), 303)
        elif action == "escalate":
            handoffs.escalate(db, handoff_id, g.agent, get_teams(), reason=form.get("reason", ""))
            return redirect(url_for("agent.queue"), 303)
        else:
            question, teach = _form_question(form)
            handoffs.resolve(db, get_bot(), handoff_id, g.agent, form.get("outcome"),
                             form.get("article_id", "").strip() or None, question=question,
                             teach=teach)
    except handoffs.HandoffConflict as error:
        problem = (t("agent_held_by", g.lang, holder=error.holder)
                   if action == "claim" and error.holder else
                   t("agent_not_yours", g.lang, reason=str(error)))
        return handoff_page(handoff_id, problem=problem, status=409)
    except handoffs.HandoffError as error:
        return handoff_page(handoff_id, problem=str(error), status=400)
    if back:
        return redirect(back, 303)
    return redirect(url_for("agent.handoff_page", handoff_id=handoff_id,
                            _anchor="notes" if action == "note" else "reply"), 303)


# --- the saved replies page: the team's list, add, edit, delete ------------------------------

def _replies_page(problem=None, draft=None, editing=None, status=200):
    """The saved replies page; with ``problem`` said at the top and what the agent typed
    (``draft``: the add form's; ``editing``: one reply's edit form) kept."""
    return render_template("agent/replies.html",
                           replies=canned.replies(get_db(), first=g.lang), problem=problem,
                           draft=draft or {"lang": g.lang}, editing=editing or {},
                           limits={"title": canned.MAX_TITLE_LENGTH,
                                   "text": handoffs.MAX_REPLY_LENGTH}), status


def _form_reply():
    return {key: request.form.get(key, "") for key in ("title", "lang", "text")}


@bp.get("/agent/replies")
@login_required
def replies_page():
    return _replies_page()


@bp.post("/agent/replies")
@login_required
def replies_add():
    csrf.protect()
    values = _form_reply()
    try:
        row = canned.add(get_db(), g.agent, **values)
    except canned.CannedError as error:
        return _replies_page(str(error), draft=values, status=400)
    return redirect(url_for("agent.replies_page", _anchor=f"reply-{row['id']}"), 303)


@bp.post("/agent/replies/<reply_id>/<any(edit, delete):action>")
@login_required
def replies_change(reply_id, action):
    csrf.protect()
    values = _form_reply()
    try:
        if action == "delete":
            canned.delete(get_db(), reply_id)
            return redirect(url_for("agent.replies_page"), 303)
        canned.edit(get_db(), reply_id, **values)
    except canned.NoSuchReply:
        abort(404)
    except canned.CannedError as error:
        return _replies_page(str(error), editing={"id": reply_id, **values}, status=400)
    return redirect(url_for("agent.replies_page", _anchor=f"reply-{reply_id}"), 303)
