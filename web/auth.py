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
import re

from flask import current_app, g, redirect, request, session, url_for

from bot.desk import agents

from . import ratelimit, signin_limits
from .context import get_db, now
from .errors import ApiError

__all__ = ["SESSION_KEY", "SESSION_ID", "NEXT", "current_agent", "login_required",
           "api_login_required", "sign_in", "start_session", "end_session"]

# In Flask's signed session cookie: the agent's name (for show) and the session's
# random id, which the server keeps (bot.desk.agents) and asks after on every request —
# so signing out, a new password or a removed account ends it, whatever the cookie says.
SESSION_KEY = "agent"
SESSION_ID = "agent_session"
# Where the sign-in form (and every console form's ``next``) may send an agent
# afterwards: a console path and its query in printable ASCII (what login_required puts
# in ?next=) — no other host ("//", "\\"), no CR or LF to split the Location header.
NEXT = re.compile(r"/agent(?:[/?#][!-\[\]-~]*)?")


def current_agent():
    """Return the signed-in agent's name: the one whose live session the cookie names,
    or None (never signed in, signed out, the password changed, the account removed)."""
    if SESSION_ID not in session:
        return None
    name = agents.session_agent(get_db(), session.get(SESSION_ID), _lifetime())
    if name is None:
        session.pop(SESSION_KEY, None)
        session.pop(SESSION_ID, None)
    return name


def session_check():
    """Return ``live(db)``: whether the signed-in agent's session is still live, for work
    that outlives this request (an event stream asks at every look)."""
    session_id, name, lifetime = session.get(SESSION_ID), g.get("agent"), _lifetime()
    return lambda db: (session_id is not None and name is not None
                       and agents.session_agent(db, session_id, lifetime) == name)


def _lifetime():
    return int(current_app.config["AGENT_SESSION_LIFETIME"])


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
    """Return whether ``name`` and ``password`` are an agent's; raise ratelimit.Limited
    after too many failures as that name from this address, or from this address at all
    (web/signin_limits.py)."""
    db = get_db()
    with signin_limits.attempt(db, name, ratelimit.client_key(), now()) as attempt:
        attempt.succeeded = agents.authenticate(db, name, password)
    return attempt.succeeded


def start_session(name):
    """Make ``name`` the signed-in agent of a fresh session (a new id, recorded)."""
    session.clear()
    session_id = agents.start_session(get_db(), name, _lifetime())
    if session_id:
        session[SESSION_KEY], session[SESSION_ID] = name, session_id


def end_session():
    """Sign the agent out: this session ends on the server too, so the old cookie no
    longer signs anyone in."""
    agents.end_session(get_db(), session.get(SESSION_ID))
    session.clear()
