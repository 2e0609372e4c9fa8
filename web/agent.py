"""The agents' console (/agent: sign-in, the queue, a handoff's page) and its JSON API
(/api/agent/...). Every page and call needs an agent's session; the API answers 401
without one. Forms carry the CSRF token (web/csrf.py); state-changing JSON calls must
send ``X-Requested-With: XMLHttpRequest``, which another site's page cannot add without
a CORS preflight this app never grants.
"""
import datetime
import functools
import zoneinfo

from flask import (Blueprint, abort, current_app, g, jsonify, make_response, redirect, render_template,
                   request, session, url_for)

from bot import agents, store

from . import csrf, ratelimit
from .db import get_db
from .routing import numeric_id, switch_keeps_the_page
from .i18n import MESSAGES, t

bp = Blueprint("agent", __name__)

QUEUES = ("open", "mine", "resolved")
SESSION_KEY = "agent"


class AgentApiError(Exception):
    def __init__(self, message, status=400, **extra):
        super().__init__(message)
        self.message, self.status, self.extra = message, status, extra


@bp.errorhandler(AgentApiError)
def _error(error):
    extra = dict(error.extra)
    retry_after = extra.pop("retry_after", None)
    response = jsonify({"error": error.message, **extra})
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response, error.status


bp.url_value_preprocessor(numeric_id("handoff_id"))
bp.context_processor(switch_keeps_the_page)


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


def _zone():
    return current_app.extensions["dalil_hours"].timezone  # BUSINESS_TIMEZONE, checked at start


def _clock(iso):
    """A stored UTC time as HH:MM in the team's time zone (the page names the zone)."""
    moment = datetime.datetime.fromisoformat(iso)
    return moment.astimezone(zoneinfo.ZoneInfo(_zone())).strftime("%H:%M")


@bp.context_processor
def _console_helpers():
    return {"reason_text": lambda reason: reason_text(reason, g.get("lang", "ar")),
            "clock": _clock, "zone": _zone()}


def _bot():
    return current_app.extensions["dalil"]


def current_agent():
    """Return the signed-in agent's name, or None (also when the account was removed)."""
    name = session.get(SESSION_KEY)
    if name and store.get_agent(get_db(), name) is None:
        session.pop(SESSION_KEY, None)
        return None
    return name


def page_login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.agent = current_agent()
        if g.agent is None:
            # The query too: a period of the insights, a queue's filter survive signing in.
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("agent.login", next=target))
        return view(*args, **kwargs)
    return wrapped


def api_login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.agent = current_agent()
        if g.agent is None:
            raise AgentApiError("sign in as an agent first (POST /api/agent/login)", 401)
        if request.method == "POST" and request.headers.get("X-Requested-With") != "XMLHttpRequest":
            raise AgentApiError("send the header X-Requested-With: XMLHttpRequest", 403)
        return view(*args, **kwargs)
    return wrapped


def _waiting_seconds(handoff, now):
    start = datetime.datetime.fromisoformat(handoff["created"])
    end = handoff["claimed"] or handoff["resolved"]
    end = datetime.datetime.fromisoformat(end) if end else now
    return max(0, int((end - start).total_seconds()))


def handoff_json(handoff, now, lang=None):
    """The agent's view of a handoff: everything, contact details included."""
    bot = _bot()
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
        "resolved": handoff["resolved"], "waiting_seconds": _waiting_seconds(handoff, now),
        "first_question": handoff["question"], "reason": handoff["reason"],
        "candidates": candidates, "name": handoff["name"], "email": handoff["email"],
        "customer_messages": handoff["customer_messages"], "outcome": handoff["outcome"],
        "article_id": handoff["article_id"],
    }


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _sign_in(name, password):
    """Return whether ``name`` and ``password`` are an agent's, counting failures per
    name and client address; raise ratelimit.Limited after too many."""
    db, client = get_db(), ratelimit.client_key()
    ratelimit.check_login(db, name, client, _now())
    if agents.authenticate(db, name, password):
        store.clear_login_failures(db, name)
        return True
    store.record_login_failure(db, name, client)
    return False


def _handoff_or_404(handoff_id, api=True):
    handoff = store.get_handoff(get_db(), handoff_id)
    if handoff is None:
        if api:
            raise AgentApiError(_no_such_handoff(handoff_id), 404)
        abort(404)
    return handoff


def _transcript(handoff):
    from .chat import message_json
    return [message_json(m) for m in store.messages(get_db(), handoff["conversation_id"])]


def _act(action, *args):
    """Return ``action(db, *args)`` (an agents.* handoff action), its errors turned into
    API errors: 404, 409 naming who holds the handoff, or 400."""
    try:
        return action(get_db(), *args)
    except agents.NoSuchHandoff as error:
        raise AgentApiError(_no_such_handoff(request.view_args["handoff_id"], error), 404) from None
    except agents.HandoffConflict as error:
        raise AgentApiError(str(error), 409, holder=error.holder,
                            handoff_status=error.status) from None
    except agents.HandoffError as error:
        raise AgentApiError(str(error)) from None


def _json():
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise AgentApiError("send a JSON object with Content-Type: application/json",
                            415 if not request.is_json else 400)
    return data


# --- the JSON API -----------------------------------------------------------------------------

@bp.post("/api/agent/login")
def api_login():
    """{"name", "password"} -> {"agent": name} and a session cookie."""
    data = _json()
    try:
        signed_in = _sign_in(data.get("name"), data.get("password"))
    except ratelimit.Limited as limited:
        raise AgentApiError(str(limited), 429, retry_after=limited.seconds) from None
    if not signed_in:
        raise AgentApiError("wrong name or password", 401)
    session.clear()
    session[SESSION_KEY] = data["name"]
    return jsonify({"agent": data["name"]})


@bp.post("/api/agent/logout")
@api_login_required
def api_logout():
    session.clear()
    return jsonify({"ok": True})


@bp.get("/api/agent/handoffs")
@api_login_required
def api_handoffs():
    """?status=open|mine|resolved -> {"handoffs": [...]}: open and mine oldest first."""
    status = request.args.get("status", "open")
    if status not in QUEUES:
        raise AgentApiError("status must be open, mine or resolved")
    now = _now()
    # ?lang= titles the candidates in the console's language (the queue page's refresh).
    lang = request.args.get("lang") if request.args.get("lang") in ("ar", "en") else None
    return jsonify({"handoffs": [handoff_json(h, now, lang=lang) for h in
                                 store.handoffs(get_db(), status, agent=g.agent)]})


@bp.get("/api/agent/handoffs/<handoff_id>")
@api_login_required
def api_handoff(handoff_id):
    """The handoff with its whole transcript (customer, bot, agent and system messages)."""
    handoff = _handoff_or_404(handoff_id)
    return jsonify({**handoff_json(handoff, _now()), "messages": _transcript(handoff)})


@bp.post("/api/agent/handoffs/<handoff_id>/claim")
@api_login_required
def api_claim(handoff_id):
    return jsonify(handoff_json(_act(agents.claim, handoff_id, g.agent), _now()))


@bp.post("/api/agent/handoffs/<handoff_id>/release")
@api_login_required
def api_release(handoff_id):
    return jsonify(handoff_json(_act(agents.release, handoff_id, g.agent), _now()))


@bp.post("/api/agent/handoffs/<handoff_id>/reply")
@api_login_required
def api_reply(handoff_id):
    """{"text"} -> the stored message, which the customer's chat picks up."""
    from .chat import message_json
    text = _json().get("text")
    return jsonify(message_json(_act(agents.reply, handoff_id, g.agent, text))), 201


@bp.post("/api/agent/handoffs/<handoff_id>/resolve")
@api_login_required
def api_resolve(handoff_id):
    """{"outcome": "article"|"no_article"|"not_support", "article_id"} -> the handoff."""
    data = _json()
    handoff = _act(agents.resolve, _bot(), handoff_id, g.agent, data.get("outcome"),
                   data.get("article_id"))
    return jsonify(handoff_json(handoff, _now()))


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
            session.clear()
            session[SESSION_KEY] = name
            target = request.args.get("next", "")
            # Only a path on this site: never an open redirect to another one.
            if not target.startswith("/agent") or target.startswith("//"):
                target = url_for("agent.queue")
            return redirect(target, 303)
        failed = True
    return render_template("agent/login.html", failed=failed), 401 if failed else 200


@bp.post("/agent/logout")
def logout():
    csrf.protect()
    session.clear()
    return redirect(url_for("agent.login"), 303)


@bp.get("/agent")
@bp.get("/agent/")
@page_login_required
def queue():
    status = request.args.get("status", "open")
    if status not in QUEUES:
        status = "open"
    now = _now()
    rows = [handoff_json(h, now, lang=g.lang) for h in
            store.handoffs(get_db(), status, agent=g.agent)]
    return render_template("agent/queue.html", handoffs=rows, status=status,
                           queues=QUEUES, waiting=_waiting_text, strings=_queue_strings())


def _queue_strings():
    """What agent.js needs to redraw the queue's rows in the page's language."""
    wanted = ("reason_", "handoff_state_", "outcome_", "agent_minutes", "agent_hours",
              "agent_handoff", "agent_no_question", "agent_new_handoffs")
    return {key: texts[g.lang] for key, texts in MESSAGES.items() if key.startswith(wanted)}


def _waiting_text(seconds):
    minutes = seconds // 60
    if minutes < 60:
        return t("agent_minutes", g.lang, minutes=minutes)
    return t("agent_hours", g.lang, hours=minutes // 60, minutes=minutes % 60)


def _speakers(handoff):
    """The console's names for who said what: the customer (their name when they gave
    one), the bot, "you" for the signed-in agent; another agent goes by their name."""
    return {"customer": handoff["name"] or t("console_role_customer", g.lang),
            "bot": t("console_role_bot", g.lang), "system": t("role_system", g.lang),
            "you": t("console_role_you", g.lang), "agent": t("console_role_agent", g.lang),
            "me": g.agent}


@bp.get("/agent/handoffs/<handoff_id>")
@page_login_required
def handoff_page(handoff_id, problem=None, status=200):
    handoff = _handoff_or_404(handoff_id, api=False)
    rating = store.handoff_rating(get_db(), handoff_id)
    return render_template("agent/handoff.html",
                           handoff=handoff_json(handoff, _now(), lang=g.lang),
                           messages=_transcript(handoff), problem=problem, rating=rating,
                           waiting=_waiting_text, speakers=_speakers(handoff)), status


@bp.post("/agent/handoffs/<handoff_id>/<any(claim, release, reply, resolve):action>")
@page_login_required
def handoff_form(handoff_id, action):
    csrf.protect()
    _handoff_or_404(handoff_id, api=False)
    form = request.form
    try:
        if action == "claim":
            agents.claim(get_db(), handoff_id, g.agent)
        elif action == "release":
            agents.release(get_db(), handoff_id, g.agent)
        elif action == "reply":
            agents.reply(get_db(), handoff_id, g.agent, form.get("text", ""))
        else:
            agents.resolve(get_db(), _bot(), handoff_id, g.agent, form.get("outcome"),
                           form.get("article_id", "").strip() or None)
    except agents.HandoffConflict as error:
        problem = (t("agent_held_by", g.lang, holder=error.holder)
                   if action == "claim" and error.holder else
                   t("agent_not_yours", g.lang, reason=str(error)))
        return handoff_page(handoff_id, problem=problem, status=409)
    except agents.HandoffError as error:
        return handoff_page(handoff_id, problem=str(error), status=400)
    return redirect(url_for("agent.handoff_page", handoff_id=handoff_id, _anchor="reply"), 303)
