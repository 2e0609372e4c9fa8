"""A returning identified customer: the shop's page passes the signed identity to the
widget; on another device the widget shows the customer's earlier conversation and opens
it, and asking for a person never asks for details the shop already gave."""
import functools
import hashlib
import hmac
import http.server
import threading

import pytest

SECRET = "the shop's shared secret"
MONA = {"id": "c-1042", "email": "mona@example.com", "name": "منى"}


def _signature(identity):
    message = f"{identity['id']}\n{identity['email']}".encode()
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def shop(live_server, tmp_path):
    """The shop's account page (another origin), signed in as Mona."""
    saved = live_server.app.config["IDENTITY_SECRET"]
    live_server.app.config["IDENTITY_SECRET"] = SECRET
    (tmp_path / "account.html").write_text(
        '<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>حسابي</title></head>'
        '<body><h1>حسابي</h1>'
        f'<script src="{live_server.url}/widget.js" data-lang="ar" data-customer-id="{MONA["id"]}" '
        f'data-customer-email="{MONA["email"]}" data-customer-name="{MONA["name"]}" '
        f'data-customer-hash="{_signature(MONA)}"></script></body></html>', encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/account.html"
    server.shutdown()
    server.server_close()
    live_server.app.config["IDENTITY_SECRET"] = saved


def test_a_returning_identified_customer_sees_their_history(chromium, shop, screenshot):
    first = chromium.new_context(viewport={"width": 390, "height": 780})
    second = chromium.new_context(viewport={"width": 390, "height": 780})
    try:
        page = first.new_page()
        page.goto(shop)
        page.get_by_role("button", name="تحدّث معنا").click()
        box = page.get_by_label("رسالتك")
        box.fill("الكرتونة وصلت مفتوحة")
        box.press("Enter")
        page.locator(".dalil-customer").first.wait_for()

        # Another device, the same customer signed in at the shop.
        other = second.new_page()
        other.goto(shop)
        other.get_by_role("button", name="تحدّث معنا").click()
        history = other.locator(".dalil-history")
        history.wait_for()
        assert "محادثاتك السابقة (1)" in history.inner_text()
        history.locator("summary").click()
        history.get_by_role("button", name="الكرتونة وصلت مفتوحة").click()
        other.locator(".dalil-customer", has_text="الكرتونة وصلت مفتوحة").wait_for()

        # Asking for a person: the shop gave the details, so none are asked for.
        box = other.get_by_label("رسالتك")
        box.fill("ابي اكلم موظف")
        box.press("Enter")
        other.locator(".dalil-contact").wait_for()
        assert "mona@example.com" in other.locator(".dalil-contact").inner_text()
        assert other.locator(".dalil-contact input").count() == 0
        screenshot(other, "widget-identified-customer")
    finally:
        first.close()
        second.close()
