"""The Content-Security-Policy (web/hooks.py) forbids inline script and style: chromium
must report no violation while a reader, a customer in the chat page and an agent in
the console do what they do — the pages' scripts and styles are all files."""
import pytest

from bot import store
from bot.desk import agents

PASSWORD = "correct horse battery"

# Installed through the DevTools protocol before any page script: it runs whatever the
# page's policy says, and records every violation the page meets.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline")
                           + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def watched(chromium):
    """A page whose CSP violations (and console errors naming the policy) are kept."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.console_policy_errors = console
    yield page
    context.close()


def violations(page):
    return page.evaluate("window.__violations") + page.console_policy_errors


def test_the_help_center_pages_meet_their_policy(live_server, watched):
    page = watched
    for path in ("/ar/", "/en/", "/ar/articles/order-tracking", "/en/search?q=refund",
                 "/ar/categories/orders", "/en/no-such-page"):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert violations(page) == [], path
    page.goto(live_server.url + "/en/")
    page.locator("input[type=search]").first.fill("refun")  # suggestions: fetch + DOM
    page.locator("[role=option]").first.wait_for()
    assert violations(page) == []
    # The watch itself works: an inline script is refused and recorded.
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ran = true"; document.body.append(s); }""")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.ran") is None


def test_the_chat_page_works_under_its_policy(live_server, watched):
    page = watched
    page.goto(live_server.url + "/chat?lang=en")
    box = page.get_by_label("Your message")
    box.fill("where is my order")
    box.press("Enter")
    page.locator(".dalil-bot").first.wait_for()
    # The widget's stylesheet applied: a file, allowed by style-src 'self'.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert violations(page) == []


def test_the_console_works_under_its_policy(live_server, watched):
    db = store.connect(live_server.app.config["DATABASE"])
    if store.get_agent(db, "csp-agent") is None:
        agents.add_agent(db, "csp-agent", PASSWORD)
    db.close()
    client = live_server.app.test_client()
    conversation = client.post("/api/conversations", json={"lang": "en"}).json
    client.post(f"/api/conversations/{conversation['id']}/handoff", json={},
                headers={"X-Conversation-Token": conversation["token"]})

    # The page's violations are collected afresh on each load: looked at on each page.
    page = watched
    page.goto(live_server.url + "/agent/login?lang=en")
    assert violations(page) == [], "login"
    page.get_by_label("User name").fill("csp-agent")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator(".inbox-card a").first.wait_for()
    assert violations(page) == [], "queue"
    page.locator(".inbox-card a").first.click()
    page.locator(".transcript").wait_for()
    assert violations(page) == [], "transcript"
    for path in ("/agent/learned?lang=en", "/agent/insights?lang=en", "/status"):
        response = page.goto(live_server.url + path)
        assert response.headers["cache-control"] == "no-store", path
        assert violations(page) == [], path
