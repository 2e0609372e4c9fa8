"""The security headers (web/hooks.py): a Content-Security-Policy that allows no inline
script on every HTML page, the help center's and the console's alike; no-store on
every agent page and agent API answer; nosniff, a referrer policy, no framing."""
import re

import pytest

from chat_fixtures import XHR, agent_client, chat_app, customer, shared_app  # noqa: F401
from web.hooks import CONTENT_SECURITY_POLICY

TEMPLATES = __import__("pathlib").Path(__file__).resolve().parent.parent / "web" / "templates"

PUBLIC_PAGES = {
    "help center home": "/ar/",
    "help center home, English": "/en/",
    "article": "/ar/articles/order-tracking",
    "search": "/en/search?q=track",
    "search with nothing found": "/ar/search?q=zzzzqqq",
    "category": "/ar/categories/orders",
    "chat page": "/chat",
    "agent login": "/agent/login",
    "error 404": "/ar/articles/no-such-article",
    "error 404 outside the help center": "/no/such/page",
}
AGENT_PAGES = {
    "agent queue": "/agent",
    "agent queue, mine": "/agent/?status=mine",
    "learned questions": "/agent/learned",
    "insights": "/agent/insights",
    "articles status": "/status",
}


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_strict_policy(response):
    policy = directives(response.headers["Content-Security-Policy"])
    for name in ("script-src", "style-src", "default-src"):
        assert policy[name][0] == "'self'", (name, policy[name])
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(policy[name]), name
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_every_public_html_page_has_a_policy_without_inline_script(chat_app, path):
    response = chat_app.test_client().get(path)
    assert response.mimetype == "text/html", (path, response.status_code)
    assert_strict_policy(response)
    stored = "no-store" not in response.headers.get("Cache-Control", "")
    assert stored != path.startswith("/agent"), path  # the sign-in form is the console's


@pytest.mark.parametrize("path", AGENT_PAGES.values(), ids=AGENT_PAGES.keys())
def test_every_agent_page_has_the_policy_and_is_never_stored(chat_app, path):
    response = agent_client(chat_app, "mona").get(path)
    assert response.status_code == 200 and response.mimetype == "text/html", path
    assert_strict_policy(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_handoff_page_has_the_policy_and_is_never_stored(chat_app, customer):
    customer.say("بدي احكي مع حدا")
    mona = agent_client(chat_app, "mona")
    handoff_id = mona.get("/api/agent/handoffs").json["handoffs"][0]["id"]
    response = mona.get(f"/agent/handoffs/{handoff_id}")
    assert response.status_code == 200
    assert_strict_policy(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_have_the_policy(chat_app):
    client = chat_app.test_client()
    refused = client.post("/agent/login", data={"name": "mona", "password": "x"})  # no CSRF
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert_strict_policy(refused)
    assert refused.headers["Cache-Control"] == "no-store"
    wrong_method = client.delete("/ar/")
    assert wrong_method.status_code == 405
    assert_strict_policy(wrong_method)


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/agent/handoffs"), ("GET", "/api/agent/learned"),
    ("POST", "/api/agent/logout"),
])
def test_the_agent_api_is_never_stored(chat_app, method, path):
    response = agent_client(chat_app, "mona").open(path, method=method, headers=XHR)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/api/agent/handoffs", "/agent", "/agent/insights"])
def test_even_the_answer_to_a_stranger_is_never_stored(chat_app, path):
    assert chat_app.test_client().get(path).headers["Cache-Control"] == "no-store"


def test_the_sign_in_answer_is_never_stored(chat_app):
    response = chat_app.test_client().post("/api/agent/login",
                                           json={"name": "mona", "password": "wrong one"})
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


def test_the_public_api_and_images_keep_their_own_caching_and_policy(chat_app):
    client = chat_app.test_client()
    search = client.get("/api/search?q=track")
    assert "Content-Security-Policy" not in search.headers  # JSON: nothing to run
    assert "no-store" not in search.headers.get("Cache-Control", "")


def test_a_public_url_s_origin_joins_the_policy_and_nothing_else_does(chat_app):
    chat_app.config["PUBLIC_URL"] = "https://help.example.com/support"
    policy = directives(chat_app.test_client().get("/chat").headers["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "https://help.example.com"]
    chat_app.config["PUBLIC_URL"] = "https://evil.example; script-src *"
    header = chat_app.test_client().get("/chat").headers["Content-Security-Policy"]
    assert header == CONTENT_SECURITY_POLICY.format(extra="")


# What the policy forbids must not be in the templates: it would silently stop working.
INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…= handler"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style", re.I), "a <style> element"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in
                                            TEMPLATES.rglob("*.html")))
def test_no_template_needs_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{template} has {what}"
