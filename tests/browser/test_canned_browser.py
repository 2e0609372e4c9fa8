"""A saved reply in Arabic with the customer's name: an agent on a 390 px phone picks it
from the reply box's picker, which fills in the name the customer gave; a reply still
holding {order} is stopped before it is sent; the filled one is sent, and the customer's
widget shows it with the name in it; an article link goes in with its help-center address.
Saves the phone's reply box."""
import json
import re

from bot import store
from bot.desk import agents, canned

PASSWORD = "correct horse battery"
NAME = "سارة"


def test_an_arabic_saved_reply_reaches_the_customer_with_their_name(live_server, chromium,
                                                                   screenshot):
    from playwright.sync_api import expect  # as conftest: imported once chromium is there

    app = live_server.app
    db = store.connect(app.config["DATABASE"])
    agents.add_agent(db, "mona", PASSWORD)
    canned.add(db, "mona", title="ترحيب باسم العميل", lang="ar",
               text="أهلًا {name}، معك {agent}. طلبك في الطريق وسيصلك غدًا.")
    canned.add(db, "mona", title="رقم الطلب", lang="ar", text="ما رقم طلبك {order}؟")
    canned.add(db, "mona", title="Greeting", lang="en", text="Hi {name}!")
    db.close()
    # The customer asked for a person and gave their name (the widget's contact form
    # calls the same endpoint).
    client = app.test_client()
    conversation = client.post("/api/conversations", json={"lang": "ar"}).json
    headers = {"X-Conversation-Token": conversation["token"]}
    handoff = client.post(f"/api/conversations/{conversation['id']}/handoff",
                          json={"name": NAME}, headers=headers)
    assert handoff.status_code == 200, handoff.json

    customer = chromium.new_context(viewport={"width": 1100, "height": 800})
    phone = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        widget = customer.new_page()
        widget.goto(live_server.url + "/chat")
        widget.evaluate("([k, v]) => localStorage.setItem(k, v)",
                        ["dalil-conversation:" + live_server.url,
                         json.dumps({"id": conversation["id"], "token": conversation["token"]})])
        widget.reload()
        widget.locator(".dalil-system").first.wait_for()

        console = phone.new_page()
        console.goto(live_server.url + "/agent")
        console.get_by_label("اسم المستخدم").fill("mona")
        console.get_by_label("كلمة المرور").fill(PASSWORD)
        console.get_by_role("button", name="دخول").click()
        console.locator("#status").wait_for()
        console.goto(f"{live_server.url}/agent/handoffs/{handoff.json['id']}")
        console.get_by_role("button", name="استلام المحادثة").click()
        box = console.get_by_label("ردّك على العميل")
        box.wait_for()
        # The conversation is in Arabic: its replies are listed first.
        groups = console.locator("#canned-pick optgroup")
        assert groups.first.get_attribute("label") == "بالعربية"

        # A reply with {order} left is stopped in the page, saying what to fill.
        console.select_option("#canned-pick", label="رقم الطلب")
        expect(box).to_have_value(re.compile(r"\{order\}"))
        console.get_by_role("button", name="أرسل الرد").click()
        problem = console.locator("#reply-problem")
        problem.wait_for()
        assert "{order}" in problem.inner_text()
        assert console.locator(".transcript .role-agent").count() == 0

        # The agent clears the box and picks the greeting: the customer's name is in it.
        box.fill("")
        console.select_option("#canned-pick", label="ترحيب باسم العميل")
        expect(box).to_have_value(f"أهلًا {NAME}، معك mona. طلبك في الطريق وسيصلك غدًا.")
        wide = console.evaluate("""() => Array.from(document.querySelectorAll(
            '#canned, #canned-pick, #reply-text, #reply')).filter(
            el => el.getBoundingClientRect().right > window.innerWidth + 1).length""")
        assert wide == 0
        screenshot(console, "canned-reply-phone")
        console.get_by_role("button", name="أرسل الرد").click()
        console.locator(".transcript .role-agent").wait_for()

        reply = widget.locator(".dalil-agent")
        reply.wait_for(timeout=10_000)
        assert f"أهلًا {NAME}، معك mona" in reply.inner_text()
        assert "{" not in reply.inner_text()

        # An article link goes in at the cursor: its title and its help-center address.
        box.fill("انظر: ")
        console.fill("#link-search", "تتبع الطلب")
        console.locator("#link-results button").first.click()
        expect(box).to_have_value(re.compile(
            r"^انظر: .+: " + re.escape(live_server.url) + r"/ar/articles/[\w-]+$"))
    finally:
        customer.close()
        phone.close()
