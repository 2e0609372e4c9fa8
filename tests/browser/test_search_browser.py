"""Tags and the conversation search on a 390 px phone: an agent tags a conversation from
the search page (tags.js, through the API) and another without JavaScript (the page's
forms), then finds them by tag, by Arabic text typed without the customer's diacritics,
by the customer's e-mail in other letters' case, and by date; takes a tag off; and the
page never scrolls sideways. Saves the phone's results."""
from bot import store
from bot.desk import agents

PASSWORD = "correct horse battery"


def _handoff(client, text, **contact):
    conversation = client.post("/api/conversations", json={"lang": "ar"}).json
    headers = {"X-Conversation-Token": conversation["token"]}
    said = client.post(f"/api/conversations/{conversation['id']}/messages",
                       json={"text": text}, headers=headers)
    assert said.status_code == 200, said.json
    handoff = client.post(f"/api/conversations/{conversation['id']}/handoff", json=contact,
                          headers=headers)
    assert handoff.status_code == 200, handoff.json
    return conversation["id"], handoff.json["id"]


def _sign_in(page, url):
    page.goto(url + "/agent")
    page.get_by_label("اسم المستخدم").fill("mona")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="دخول").click()
    page.wait_for_url(lambda address: "/agent/login" not in address)


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_agent_tags_conversations_and_finds_them_on_a_phone(live_server, chromium,
                                                               screenshot):
    from playwright.sync_api import expect  # as conftest: imported once chromium is there

    app, url = live_server.app, live_server.url
    db = store.connect(app.config["DATABASE"])
    agents.add_agent(db, "mona", PASSWORD)
    db.close()
    client = app.test_client()
    sara, _ = _handoff(client, "وين الطَّلَب حقي؟ تأخر كثير", name="سارة",
                       email="sara@example.com")
    omar, _ = _handoff(client, "how much is shipping to Jeddah", name="Omar",
                       email="omar@example.com")
    db = store.connect(app.config["DATABASE"])
    db.execute("UPDATE conversations SET created = ? WHERE id = ?",
               ["2026-01-15T09:00:00+00:00", omar])  # Omar wrote in January
    db.close()

    phone = chromium.new_context(viewport={"width": 390, "height": 844})
    plain = chromium.new_context(viewport={"width": 390, "height": 844},
                                 java_script_enabled=False)
    try:
        page = phone.new_page()
        _sign_in(page, url)
        page.goto(url + "/agent/search")
        saras = page.locator(f"#hit-{sara}")
        expect(saras).to_be_visible()
        # With JavaScript: tags.js adds the tag through the API, no reload.
        saras.get_by_label("أضف وسمًا").fill("متأخر")
        saras.get_by_role("button", name="أضف").click()
        expect(saras.locator(".tag-chip a")).to_have_text(["متأخر"])
        assert _no_sideways_scroll(page)

        # Without JavaScript: the same box posts its form and comes back to the search.
        bare = plain.new_page()
        _sign_in(bare, url)
        bare.goto(url + "/agent/search")
        omars = bare.locator(f"#hit-{omar}")
        omars.get_by_label("أضف وسمًا").fill("VIP")
        omars.get_by_role("button", name="أضف").click()
        bare.wait_for_load_state()
        assert "/agent/search" in bare.url
        expect(bare.locator(f"#hit-{omar} .tag-chip a")).to_have_text(["vip"])

        # By tag (the suggestion list knows both).
        page.goto(url + "/agent/search")
        page.get_by_label("وسم", exact=True).fill("متأخر")
        page.get_by_role("button", name="ابحث").click()
        expect(page.locator(".search-hit")).to_have_count(1)
        expect(page.locator(f"#hit-{sara}")).to_be_visible()

        # By Arabic text without the customer's diacritics: the match is marked as written.
        page.goto(url + "/agent/search")
        page.get_by_label("نص في المحادثة").fill("الطلب")
        page.get_by_role("button", name="ابحث").click()
        expect(page.locator(".search-hit")).to_have_count(1)
        expect(page.locator(f"#hit-{sara} mark")).to_have_text("الطَّلَب")
        assert _no_sideways_scroll(page)
        screenshot(page, "search-phone")

        # By the customer's e-mail, in capitals.
        page.goto(url + "/agent/search")
        page.get_by_label("العميل (الاسم أو البريد أو المعرّف)").fill("OMAR@example.com")
        page.get_by_role("button", name="ابحث").click()
        expect(page.locator(".search-hit")).to_have_count(1)
        expect(page.locator(f"#hit-{omar}")).to_be_visible()

        # By date: only January's conversation started on the 15th.
        page.goto(url + "/agent/search")
        page.get_by_label("من تاريخ").fill("2026-01-15")
        page.get_by_label("إلى تاريخ").fill("2026-01-15")
        page.get_by_role("button", name="ابحث").click()
        expect(page.locator(".search-hit")).to_have_count(1)
        expect(page.locator(f"#hit-{omar}")).to_be_visible()
        # From after to: said at the top, nothing lost from the form.
        page.get_by_label("من تاريخ").fill("2026-01-16")
        page.get_by_role("button", name="ابحث").click()
        expect(page.locator("#search-problem")).to_be_visible()
        expect(page.get_by_label("إلى تاريخ")).to_have_value("2026-01-15")

        # Taking a tag off, from its chip.
        page.goto(url + "/agent/search?tag=vip")
        page.get_by_role("button", name="أزل الوسم vip").click()
        expect(page.locator(f"#hit-{omar} .tag-chip")).to_have_count(0)
        assert _no_sideways_scroll(page)
    finally:
        phone.close()
        plain.close()
    db = store.connect(app.config["DATABASE"])
    try:
        assert store.tags_for(db, [sara, omar]) == {sara: ["متأخر"], omar: []}
    finally:
        db.close()
