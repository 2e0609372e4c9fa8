"""Who is an agent: signing in (throttled), the session, and the guards every console
page and agent API call stands behind.

    @bp.get("/agent")
    @login_required            # a page: sends strangers to the sign-in form
    def queue(): ...

    @bp.post("/api/agent/handoffs/<handoff_id>/claim")
    @api_login_required        # the API: 401 without a session, 403 without X-Requested-With
    def api_claim(handoff_id): ...

``g.agent`` is the signed-in agent's name inside a guarded view.
"""
import functools

from flask import g, redirect, request, session, url_for

from bot import store
from bot.desk import agents

from . import ratelimit
from .context import get_db, now
from .errors import ApiError

__all__ = ["SESSION_KEY", "current_agent", "login_required", "api_login_required",
           "sign_in", "start_session", "end_session"]

SESSION_KEY = "agent"


def current_agent():
    """Return the signed-in agent's name, or None (also when the account was removed)."""
    name = session.get(SESSION_KEY)
    if name and store.get_agent(get_db(), name) is None:
        session.pop(SESSION_KEY, None)
        return None
    return name


def login_required(view):
    """Guard a console page: a visitor who is not signed in is sent to the sign-in form,
    which brings them back here (with the query: a period of the insights, a queue's
    filter) afterwards."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.agent = current_agent()
        if g.agent is None:
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("agent.login", next=target))
        return view(*args, **kwargs)
    return wrapped


def api_login_required(view):
    """Guard an agent API call: 401 without a session; a state-changing call must also
    send ``X-Requested-With: XMLHttpRequest``, which another site's page cannot add
    without a CORS preflight this app never grants (403)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.agent = current_agent()
        if g.agent is None:
            raise ApiError("sign in as an agent first (POST /api/agent/login)", 401)
        if request.method == "POST" and request.headers.get("X-Requested-With") != "XMLHttpRequest":
            raise ApiError("send the header X-Requested-With: XMLHttpRequest", 403)
        return view(*args, **kwargs)
    return wrapped


def sign_in(name, password):
    """Return whether ``name`` and ``password`` are an agent's, counting failures per
    name and client address; raise ratelimit.Limited after too many."""
    db, client = get_db(), ratelimit.client_key()
    ratelimit.check_login(db, name, client, now())
    if agents.authenticate(db, name, password):
        store.clear_login_failures(db, name)
        return True
    store.record_login_failure(db, name, client)
    return False


def start_session(name):
    """Make ``name`` the signed-in agent of a fresh session."""
    session.clear()
    session[SESSION_KEY] = name


def end_session():
    """Sign the agent out."""
    session.clear()
