"""A conversation that came in by e-mail, seen by an agent on a 390 px phone: where it
came from, the customer's file (a download), a reply the customer never got with its
reason and "try again", and the customer's whole history across WhatsApp and e-mail;
the page never scrolls sideways. Saves the phone's pane and history."""
import datetime

from bot import store
from bot.channels import Attachment, Inbound, inbound, outbox
from bot.desk import agents, handoffs

PASSWORD = "correct horse battery"


def _sign_in(page, url):
    page.goto(url + "/agent")
    page.get_by_label("اسم المستخدم").fill("mona")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="دخول").click()
    page.wait_for_url(lambda address: "/agent/login" not in address)


def test_an_agent_sees_a_mail_conversation_and_the_customers_history(live_server, chromium,
                                                                     screenshot):
    from playwright.sync_api import expect  # as conftest: imported once chromium is there

    app, url = live_server.app, live_server.url
    bot = app.extensions["dalil"]
    db = store.connect(app.config["DATABASE"])
    try:
        agents.add_agent(db, "mona", PASSWORD)
        inbound.receive(db, bot, Inbound(channel="whatsapp", address="966501234567",
                                         external_id="wamid.B1", text="وين طلبي؟ صار له أسبوع",
                                         name="منى"))
        mail = inbound.receive(db, bot, Inbound(
            channel="email", address="mona@example.com", external_id="<b1@example.com>",
            text="أرفقت صورة الفاتورة، المنتج وصل مكسور وأبغى أكلم موظف",
            subject="منتج مكسور", name="منى",
            attachments=(Attachment("فاتورة.pdf", "application/pdf", 2048, b"%PDF-1.4 test"),)))
        handoff_id = mail.handoff["id"]
        handoffs.claim(db, handoff_id, "mona")
        handoffs.reply(db, handoff_id, "mona", "آسفين جدًا! أرسلنا بديلًا اليوم.")
        # No mail server is set up here: every try fails until the outbox gives up.
        start = datetime.datetime.now(datetime.timezone.utc)
        for day in range(len(outbox.BACKOFF) + 1):
            outbox.deliver_due(db, {}, at=start + datetime.timedelta(days=day))
        customer = db.execute("SELECT customer_id FROM conversations WHERE id = ?",
                              [mail.conversation["id"]]).fetchone()[0]
        from bot.desk import customers
        customers.merge(db, customer, "966501234567")
    finally:
        db.close()

    phone = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        _sign_in(page, url)
        page.goto(f"{url}/agent/handoffs/{handoff_id}")
        expect(page.locator("#channel")).to_contain_text("mona@example.com")
        expect(page.locator("#channel")).to_contain_text("منتج مكسور")
        expect(page.locator(".transcript .attachments a")).to_have_text("فاتورة.pdf")
        failed = page.locator(".delivery-failed").first
        expect(failed).to_contain_text("لم تصل")
        expect(failed.get_by_role("button", name="أعد المحاولة")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        with page.expect_download() as download:
            page.locator(".transcript .attachments a").click()
        assert download.value.suggested_filename == "فاتورة.pdf"
        screenshot(page, "channel-pane-phone")

        page.locator("#customer-history").click()
        page.wait_for_url(lambda address: "/agent/customers/" in address)
        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("وين طلبي؟ صار له أسبوع")
        expect(timeline).to_contain_text("أرفقت صورة الفاتورة")
        expect(timeline.locator(".channel-badge").first).to_have_text("واتساب")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "customer-history-phone")
    finally:
        phone.close()
