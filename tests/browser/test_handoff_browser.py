"""A customer in the widget on a plain page of another site escalates in Arabic; an
agent in the console (a second browser context) claims and replies; the customer sees
the reply without reloading. Saves the widget (RTL) and console screenshots."""
import functools
import http.server
import threading

import pytest

from bot import agents, store

from .conftest import screenshot

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


def test_widget_customer_and_console_agent_talk(live_server, chromium, shop):
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
        console.locator("table.queue a").first.click()
        console.get_by_role("button", name="استلام المحادثة").click()
        console.get_by_label("ردّك على العميل").fill("أهلًا! أنا منى، طلبك في الطريق وسيصلك غدًا.")
        console.get_by_role("button", name="أرسل الرد").click()
        console.locator(".transcript .role-agent").wait_for()
        screenshot(console, "agent-console")

        reply = page.locator(".dalil-agent")
        reply.wait_for(timeout=10_000)  # polling every 2.5 s brings it
        assert "طلبك في الطريق" in reply.inner_text()
        screenshot(page, "widget-ar")

        # A reload keeps the conversation and the agent's reply.
        page.reload()
        page.locator(".dalil-agent").wait_for(timeout=10_000)
        assert page.locator(".dalil-customer").first.inner_text().endswith(
            "بدي احكي مع حدا بخصوص طلبي المتأخر")
    finally:
        customer.close()
        agent.close()
