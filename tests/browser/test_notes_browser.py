"""An agent's internal note never reaches the customer: while the customer's chat page is
open (the widget, inline, on its event stream) an agent replies and leaves a note; the
reply arrives, the note does not — not live, not after a reload — while the agent's own
API has it."""
from bot import store
from bot.desk import agents

PASSWORD = "correct horse battery"
NOTE = "ملاحظة داخلية: العميل غاضب، رقم الطلب 7741"
REPLY = "أهلًا، طلبك في الطريق."
XHR = {"X-Requested-With": "XMLHttpRequest"}


def test_an_internal_note_is_on_no_customer_surface(live_server, chromium):
    db = store.connect(live_server.app.config["DATABASE"])
    agents.add_agent(db, "noura", PASSWORD)
    db.close()
    context = chromium.new_context(viewport={"width": 390, "height": 780})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/chat?lang=ar")
        box = page.get_by_label("رسالتك")
        box.fill("بدي احكي مع موظف لو سمحت")
        box.press("Enter")
        page.locator(".dalil-system").first.wait_for()

        agent = live_server.app.test_client()
        assert agent.post("/api/agent/login",
                          json={"name": "noura", "password": PASSWORD}).status_code == 200
        [handoff] = [h for h in agent.get("/api/agent/handoffs?status=open").json["handoffs"]
                     if h["first_question"] == "بدي احكي مع موظف لو سمحت"]
        assert agent.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR).status_code == 200
        assert agent.post(f"/api/agent/handoffs/{handoff['id']}/notes", headers=XHR,
                          json={"text": NOTE}).status_code == 201
        assert agent.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR,
                          json={"text": REPLY}).status_code == 201
        # The agent's side has the note; the customer's gets the reply, after the note.
        assert [n["text"] for n in agent.get(f"/api/agent/handoffs/{handoff['id']}").json["notes"]] == [NOTE]
        page.locator(".dalil-agent", has_text="طلبك في الطريق").wait_for(timeout=10_000)
        assert "7741" not in page.content()
        page.reload()
        page.locator(".dalil-agent", has_text="طلبك في الطريق").wait_for(timeout=10_000)
        assert "7741" not in page.content() and "ملاحظة داخلية" not in page.content()
    finally:
        context.close()
