"""A customer in the widget on a plain page of another site escalates in Arabic; an
agent in the console (a second browser context) claims and replies; the customer sees
the reply without reloading, on the chat's event stream. Saves the widget (RTL) and console screenshots."""
import datetime
import functools
import http.server
import json
import threading

import pytest

from bot import store
from bot.desk import agents

PASSWORD = "correct horse battery"


@pytest.fixture
def shop(live_server, tmp_path):
    """A plain HTML page on another origin that embeds the widget with one script tag."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>'
        '<body><h1>A small shop</h1><p>Products and prices.</p>'
        f'<script src="{live_server.url}/widget.js" data-lang="ar"></script></body></html>',
        encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def slow_polling(live_server):
    """Polling slowed to once a minute: what reaches the widget sooner came on its
    event stream."""
    saved = live_server.app.config["CHAT_POLL_SECONDS"]
    live_server.app.config["CHAT_POLL_SECONDS"] = 60
    yield
    live_server.app.config["CHAT_POLL_SECONDS"] = saved


def test_widget_customer_and_console_agent_talk(live_server, chromium, shop, screenshot,
                                                slow_polling):
    db = store.connect(live_server.app.config["DATABASE"])
    agents.add_agent(db, "mona", PASSWORD)
    db.close()

    customer = chromium.new_context(viewport={"width": 1100, "height": 800})
    agent = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = customer.new_page()
        page.goto(shop)
        page.get_by_role("button", name="تحدّث معنا").click()
        panel = page.locator(".dalil-chat")
        assert panel.get_attribute("dir") == "rtl"
        box = page.get_by_label("رسالتك")
        box.fill("بدي احكي مع حدا بخصوص طلبي المتأخر")
        box.press("Enter")
        page.locator(".dalil-system").first.wait_for()
        assert "ترتيبك في قائمة الانتظار" in page.locator(".dalil-status").inner_text()

        console = agent.new_page()
        console.goto(live_server.url + "/agent")
        console.get_by_label("اسم المستخدم").fill("mona")
        console.get_by_label("كلمة المرور").fill(PASSWORD)
        console.get_by_role("button", name="دخول").click()
        console.get_by_text("بدي احكي مع حدا بخصوص طلبي المتأخر").wait_for()
        console.locator(".inbox-card a").first.click()  # the inbox opens it in place
        console.get_by_role("button", name="استلام المحادثة").click()
        console.get_by_label("ردّك على العميل").fill("أهلًا! أنا منى، طلبك في الطريق وسيصلك غدًا.")
        console.get_by_role("button", name="أرسل الرد").click()
        console.locator(".transcript .role-agent").wait_for()
        screenshot(console, "agent-console")

        reply = page.locator(".dalil-agent")
        reply.wait_for(timeout=10_000)  # the event stream brings it (polling would not yet)
        assert "طلبك في الطريق" in reply.inner_text()
        screenshot(page, "widget-ar")

        # The console's transcript picks up the customer's answer by itself, naming the
        # customer (not "you") and the time in the team's zone, as the server does.
        box.fill("شكرًا، وصل الرد")
        box.press("Enter")
        later = console.locator(".transcript li", has_text="شكرًا، وصل الرد")
        later.wait_for(timeout=10_000)
        when = later.locator("time")
        assert later.locator(".who").inner_text().startswith("العميل · ")
        utc = datetime.datetime.fromisoformat(when.get_attribute("datetime"))
        assert when.inner_text() == (utc + datetime.timedelta(hours=3)).strftime("%H:%M")

        # A reload keeps the conversation and the agent's reply.
        page.reload()
        page.locator(".dalil-agent").wait_for(timeout=10_000)
        assert page.locator(".dalil-customer").first.inner_text().endswith(
            "بدي احكي مع حدا بخصوص طلبي المتأخر")
    finally:
        customer.close()
        agent.close()


def _resolved_conversation(live_server, agent_name):
    """Return (id, token) of a conversation whose handoff an agent has resolved, made
    through the real API (a test client of the served app, so the same SQLite file)."""
    db = store.connect(live_server.app.config["DATABASE"])
    agents.add_agent(db, agent_name, PASSWORD)
    db.close()
    client = live_server.app.test_client()
    conversation = client.post("/api/conversations", json={"lang": "ar"}).json
    headers = {"X-Conversation-Token": conversation["token"]}
    handoff_id = client.post(f"/api/conversations/{conversation['id']}/handoff", json={},
                             headers=headers).json["id"]
    agent = live_server.app.test_client()
    agent.post("/api/agent/login", json={"name": agent_name, "password": PASSWORD})
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    agent.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=xhr)
    resolved = agent.post(f"/api/agent/handoffs/{handoff_id}/resolve", headers=xhr,
                          json={"outcome": "not_support"})
    assert resolved.status_code == 200, resolved.json
    return client, conversation, headers


def _open_in_widget(page, live_server, conversation):
    """The /chat page with ``conversation`` remembered in the browser, as after a reload."""
    page.goto(live_server.url + "/chat")
    key = "dalil-conversation:" + live_server.url
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [key, json.dumps({"id": conversation["id"], "token": conversation["token"]})])
    page.reload()
    page.locator(".dalil-system", has_text="أنهى الموظف").first.wait_for()


def test_a_rated_conversation_asks_for_no_rating_after_a_reload(live_server, page):
    client, conversation, headers = _resolved_conversation(live_server, "rater1")
    assert client.post(f"/api/conversations/{conversation['id']}/rating", headers=headers,
                       json={"score": 5}).status_code == 201
    _open_in_widget(page, live_server, conversation)
    assert page.locator(".dalil-rating").count() == 0


def test_rating_again_says_it_was_already_rated(live_server, page):
    client, conversation, headers = _resolved_conversation(live_server, "rater2")
    _open_in_widget(page, live_server, conversation)
    box = page.locator(".dalil-rating")
    box.wait_for()
    # Rated meanwhile in another tab: this box's rating gets 409.
    client.post(f"/api/conversations/{conversation['id']}/rating", headers=headers,
                json={"score": 4})
    box.get_by_role("button", name="4").click()
    box.get_by_role("button", name="أرسل التقييم").click()
    page.get_by_text("قيّمت هذه المحادثة من قبل").wait_for()
    assert page.locator(".dalil-rating").count() == 0
    assert page.locator(".dalil-error").inner_text() == ""


def test_a_resolved_conversation_asks_for_no_contact_details(live_server, page):
    client, conversation, headers = _resolved_conversation(live_server, "closer1")
    _open_in_widget(page, live_server, conversation)
    page.locator(".dalil-rating").wait_for()
    assert page.locator(".dalil-contact").count() == 0


def test_the_queue_shows_a_new_handoff_without_reloading(live_server, page):
    db = store.connect(live_server.app.config["DATABASE"])
    agents.add_agent(db, "watcher", PASSWORD)
    db.close()
    page.goto(live_server.url + "/agent?status=open")
    page.get_by_label("اسم المستخدم").fill("watcher")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="دخول").click()
    page.locator("#inbox").wait_for()  # the sign-in page has an h1 too
    # The stream is up: what follows must come on it, not with the page.
    page.wait_for_load_state("load")  # inbox.js has run (its scripts are deferred)
    page.wait_for_function("() => window.DalilConsole.live.open", polling=50)
    title = page.title()
    page.evaluate("window.stillHere = true")  # gone after a reload
    client = live_server.app.test_client()
    conversation = client.post("/api/conversations", json={"lang": "ar"}).json
    client.post(f"/api/conversations/{conversation['id']}/messages",
                json={"text": "zxqv blorf plimk wug"},
                headers={"X-Conversation-Token": conversation["token"]})
    page.get_by_text("zxqv blorf plimk wug").wait_for(timeout=15_000)
    assert page.evaluate("window.stillHere") is True
    assert page.locator("#queue-news").inner_text() == "محادثات جديدة في القائمة: 1"
    assert page.title() == f"(1) {title}"
