"""The agents' console (/agent: sign-in, the queue, a handoff's page) and its JSON API
(/api/agent/...). Every page and call stands behind web/auth.py's guards; forms carry
the CSRF token (web/csrf.py).
"""
import datetime
import functools
import re
import zoneinfo

from flask import (Blueprint, abort, current_app, g, jsonify, make_response, redirect,
                   render_template, request, stream_with_context, url_for)

from bot import store
from bot.clean import undecodable
from bot.desk import agents, handoffs, learning

from . import csrf, events, ratelimit, signin_limits
from .auth import (api_login_required, end_session, login_required, session_check, sign_in,
                   start_session)
from .context import get_bot, get_db, get_hours, now, pool
from .errors import ApiError
from .i18n import LANGS, MESSAGES, duration, t
from .inputs import json_body, numeric_id
from .learned import learned_json
from .payloads import handoff_json, message_json, note_json

bp = Blueprint("agent", __name__)
bp.url_value_preprocessor(numeric_id("handoff_id"))

QUEUES = ("open", "mine", "resolved")
# Where the sign-in form may send an agent afterwards: a console path and its query in
# printable ASCII (what login_required puts in ?next=) — no other host ("//", "\\"),
# no CR or LF to split the Location header.
NEXT = re.compile(r"/agent(?:[/?#][!-\[\]-~]*)?")


def _no_such_handoff(handoff_id, error=None):
    # Never "-1": that id is ours, not what was asked.
    if handoff_id < 0:
        return "no such handoff"
    return str(error) if error else f"there is no handoff {handoff_id}"


def reason_text(reason, lang):
    """Return the bot's ``reason`` (an English phrase, the stored key) in ``lang``; one
    the catalogue does not know comes back as it is."""
    key = "reason_" + (reason or "").replace(" ", "_")
    return t(key, lang) if key in MESSAGES else reason


def _clock(iso):
    """A stored UTC time as HH:MM in the team's time zone (the page names the zone)."""
    moment = datetime.datetime.fromisoformat(iso)
    return moment.astimezone(zoneinfo.ZoneInfo(get_hours().timezone)).strftime("%H:%M")


@bp.context_processor
def _console_helpers():
    lang = g.get("lang", "ar")
    return {"reason_text": lambda reason: reason_text(reason, lang), "clock": _clock,
            "zone": get_hours().timezone, "waiting": lambda seconds: duration(seconds, lang)}



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


@bp.post("/api/agent/logout")
@api_login_required
def api_logout():
    end_session()
    return jsonify({"ok": True})


@bp.get("/api/agent/handoffs")
@api_login_required
def api_handoffs():
    """?status=open|mine|resolved -> {"handoffs": [...]}: open and mine oldest first."""
    status = request.args.get("status", "open")
    if status not in QUEUES:
        raise ApiError("status must be open, mine or resolved")
    moment = now()
    # ?lang= titles the candidates in the console's language (the queue page's refresh).
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else None
    return jsonify({"handoffs": [handoff_json(h, moment, lang=lang) for h in
                                 store.handoffs(get_db(), status, agent=g.agent)]})


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
    """The handoff with its whole transcript (customer, bot, agent and system messages)."""
    handoff = _handoff_or_404(handoff_id)
    return jsonify({**handoff_json(handoff, now()), "messages": _transcript(handoff),
                    "notes": _notes(handoff)})


@bp.post("/api/agent/handoffs/<handoff_id>/claim")
@api_login_required
def api_claim(handoff_id):
    return jsonify(handoff_json(_act(handoffs.claim, handoff_id, g.agent), now()))


@bp.post("/api/agent/handoffs/<handoff_id>/release")
@api_login_required
def api_release(handoff_id):
    return jsonify(handoff_json(_act(handoffs.release, handoff_id, g.agent), now()))


@bp.post("/api/agent/handoffs/<handoff_id>/reply")
@api_login_required
def api_reply(handoff_id):
    """{"text"} -> the stored message, which the customer's chat picks up."""
    text = json_body().get("text")
    return jsonify(message_json(_act(handoffs.reply, handoff_id, g.agent, text))), 201


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
    return jsonify({**handoff_json(handoff, now()), "learned": learned_json(handoff["learned"])})


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
    end_session()
    return redirect(url_for("agent.login"), 303)


@bp.get("/agent")
@bp.get("/agent/")
@login_required
def queue():
    status = request.args.get("status", "open")
    if status not in QUEUES:
        status = "open"
    moment = now()
    rows = [handoff_json(h, moment, lang=g.lang) for h in
            store.handoffs(get_db(), status, agent=g.agent)]
    return render_template("agent/queue.html", handoffs=rows, status=status,
                           queues=QUEUES, strings=_queue_strings())


def _queue_strings():
    """What agent.js needs to redraw the queue's rows in the page's language."""
    wanted = ("reason_", "handoff_state_", "outcome_", "agent_minutes", "agent_hours",
              "ins_seconds", "ins_days_hours", "agent_handoff", "agent_no_question",
              "agent_new_handoffs")
    return {key: texts[g.lang] for key, texts in MESSAGES.items() if key.startswith(wanted)}


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
    handoff = _handoff_or_404(handoff_id, api=False)
    db = get_db()
    teaching = learning.teaching_questions(db, handoff)
    return render_template("agent/handoff.html",
                           handoff=handoff_json(handoff, now(), lang=g.lang),
                           messages=_transcript(handoff), notes=_notes(handoff),
                           problem=problem,
                           rating=store.handoff_rating(db, handoff_id),
                           speakers=_speakers(handoff), teaching=teaching,
                           teach_default=learning.default_question(teaching),
                           taught=[learned_json(row) for row in
                                   learning.taught_by(db, handoff_id)]), status


def _form_question(form):
    """Return (question, teach) from the resolve form: the "question_edit" field when
    the agent typed there (it replaces the choice); else the "question" radio — a
    customer's message, or "" for "teach nothing"; no radio at all: the default."""
    edited = form.get("question_edit", "").strip()
    if edited:
        return edited, True
    picked = form.get("question")
    return (picked or None), picked != ""


@bp.post("/agent/handoffs/<handoff_id>/<any(claim, release, reply, note, resolve):action>")
@login_required
def handoff_form(handoff_id, action):
    csrf.protect()
    _handoff_or_404(handoff_id, api=False)
    form, db = request.form, get_db()
    try:
        if action == "claim":
            handoffs.claim(db, handoff_id, g.agent)
        elif action == "release":
            handoffs.release(db, handoff_id, g.agent)
        elif action == "reply":
            handoffs.reply(db, handoff_id, g.agent, form.get("text", ""))
        elif action == "note":
            handoffs.add_note(db, handoff_id, g.agent, form.get("text", ""))
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
    return redirect(url_for("agent.handoff_page", handoff_id=handoff_id,
                            _anchor="notes" if action == "note" else "reply"), 303)
