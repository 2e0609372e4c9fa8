""""Typing…" both ways in a real browser: a customer on the /chat page and the agent
holding their conversation in the inbox. The customer types → the agent's pane says so
within two seconds, without a reload, and it clears when the message arrives; the agent
types → the customer's page shows "<name> is typing…", cleared by the reply. Saves a
screenshot of each side while the other types."""
from bot import store
from bot.desk import agents

PASSWORD = "correct horse battery"
AGENT_TYPING = "العميل يكتب…"


def _sign_in(page, url, name):
    page.goto(url + "/agent")
    page.get_by_label("اسم المستخدم").fill(name)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="دخول").click()
    page.locator("#inbox").wait_for()


def test_typing_shows_on_the_other_side_and_clears_on_sending(live_server, chromium,
                                                              screenshot):
    db = store.connect(live_server.app.config["DATABASE"])
    agents.add_agent(db, "hala", PASSWORD)
    db.close()
    shopper = chromium.new_context(viewport={"width": 800, "height": 800})
    desk = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        chat = shopper.new_page()
        chat.goto(live_server.url + "/chat?lang=ar")
        box = chat.get_by_label("رسالتك")
        box.fill("بدي احكي مع موظف عن الطلب 7070")
        box.press("Enter")
        chat.locator(".dalil-system").first.wait_for()

        inbox = desk.new_page()
        _sign_in(inbox, live_server.url, "hala")
        inbox.locator("#list-open .inbox-card", has_text="7070").click()
        inbox.locator("#pane-title").wait_for()
        inbox.get_by_role("button", name="استلام المحادثة").click()
        reply = inbox.locator("#reply-text")
        reply.wait_for()
        note = inbox.locator("#typing")
        assert note.get_attribute("aria-live") == "polite" and note.inner_text() == ""
        chat.locator(".dalil-status", has_text="معك").wait_for()  # the customer's chat knows

        # The customer types: the agent's pane says so, live. Seven keys within a
        # second make one ping, which carries no text.
        pings = []
        chat.on("request", lambda r: r.url.endswith("/typing") and pings.append(r.post_data))
        box.press_sequentially("متى يصل", delay=60)
        inbox.locator("#typing", has_text=AGENT_TYPING).wait_for(timeout=2000)
        screenshot(inbox, "typing-inbox")
        assert pings == ['{"typing":true}']
        box.press("Enter")
        inbox.locator(".transcript .role-customer", has_text="متى يصل").wait_for()
        inbox.locator("#typing:empty").wait_for(timeout=2000)
        assert note.inner_text() == ""

        # The agent types: the customer's page names them; the reply clears it.
        typing = chat.locator(".dalil-typing")
        assert typing.get_attribute("aria-live") == "polite"
        reply.press_sequentially("غدًا إن شاء الله", delay=60)
        typing.filter(has_text="يكتب…").wait_for(timeout=2000)
        assert typing.inner_text().replace("\u2068", "").replace("\u2069", "") == "hala يكتب…"
        screenshot(chat, "typing-chat")
        inbox.get_by_role("button", name="أرسل الرد").click()
        chat.locator(".dalil-agent", has_text="غدًا إن شاء الله").wait_for()
        chat.locator(".dalil-typing:empty").wait_for(timeout=2000)
    finally:
        shopper.close()
        desk.close()
