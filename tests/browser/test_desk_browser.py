"""Routing in the console, in Arabic: a returns handoff reaches the online returns agent,
who (on a 390 px phone) transfers it to the payments team with a reason; the payments
agent reads the reason and escalates it to level 2, whose agent reads that reason. Saves
the phone's handoff page and the level-2 agent's page."""
from bot import store
from bot.desk import agents, conversations

PASSWORD = "correct horse battery"


def _sign_in(page, url, name):
    page.goto(url + "/agent")
    page.get_by_label("اسم المستخدم").fill(name)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="دخول").click()
    page.locator("#status").wait_for()


def test_a_transfer_to_another_team_and_an_escalation_to_level_two(live_server, chromium,
                                                                   screenshot):
    app = live_server.app
    teams, bot = app.extensions["dalil_teams"], app.extensions["dalil"]
    db = store.connect(app.config["DATABASE"])
    for name, team, level in (("mona", "returns", "1"), ("omar", "payments", "1"),
                              ("lina", "payments", "2")):
        agents.add_agent(db, name, PASSWORD, teams=teams, team=team, level=level)
        agents.set_status(db, name, "online")
    # A customer asks about a return, then for a person: the returns article routes it.
    conversation = store.create_conversation(db, "ar")
    conversations.post_message(db, bot, conversation, "كيف ارجع منتج", teams=teams)
    _, handoff = conversations.post_message(db, bot, conversation, "ابي اكلم موظف",
                                            teams=teams)
    db.close()
    assert (handoff["team"], handoff["assignee"]) == ("returns", "mona")
    url = f"{live_server.url}/agent/handoffs/{handoff['id']}"

    phone = chromium.new_context(viewport={"width": 390, "height": 844})
    desk = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        mona = phone.new_page()
        _sign_in(mona, live_server.url, "mona")
        assert mona.locator("#status input[value=online]").is_checked()
        mona.goto(url)
        assert "المرتجعات" in mona.locator("#handoff-team").inner_text()
        assert mona.locator("#handoff-sla .sla").is_visible()
        # Nothing of the page's own parts is wider than the phone.
        wide = mona.evaluate("""() => Array.from(document.querySelectorAll(
            '#transfer, #escalate, #handoff-sla, .meta')).filter(
            el => el.getBoundingClientRect().right > window.innerWidth + 1).length""")
        assert wide == 0
        mona.select_option("#to-team", "payments")
        mona.fill("#transfer-reason-text", "العميل دُفع عليه مرتين، ليس إرجاعًا")
        screenshot(mona, "desk-transfer-phone")
        mona.get_by_role("button", name="حوّل").click()
        mona.locator("#status").wait_for()  # back on the queue

        omar = desk.new_page()
        _sign_in(omar, live_server.url, "omar")
        omar.goto(url)
        reason = omar.locator("#transfer-reason")
        assert "العميل دُفع عليه مرتين، ليس إرجاعًا" in reason.inner_text()
        assert "mona" in reason.inner_text()
        assert "المدفوعات" in omar.locator("#handoff-team").inner_text()
        omar.fill("#escalate-reason", "يحتاج موافقة على استرداد المبلغ")
        omar.get_by_role("button", name="صعّد").click()
        omar.locator("#status").wait_for()

        desk.clear_cookies()
        lina = desk.new_page()
        _sign_in(lina, live_server.url, "lina")
        lina.goto(url)
        assert "المستوى 2" in lina.locator("#handoff-level").inner_text()
        assert "يحتاج موافقة على استرداد المبلغ" in lina.locator("#transfer-reason").inner_text()
        assert lina.locator("#reply-text").is_visible()  # hers: she can answer at once
        assert lina.locator("#transfers li").count() == 2
        screenshot(lina, "desk-escalated")
    finally:
        phone.close()
        desk.close()
