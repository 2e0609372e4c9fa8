"""Agents' internal notes: stored on a handoff, shown in the console and its API, and on
no surface of the customer's — their chat API, its event stream, the reply to their
message — however the note is written."""
import pytest

from chat_fixtures import XHR, chat_app, customer, database, mona, omar, shared_app  # noqa: F401
from test_events import Stream
from web_fixtures import csrf_token

NOTE = "العميل غاضب: عرض عليه كود خصم إذا تأخر الطلب مرة أخرى"


def _handoff(customer, mona):
    handoff_id = customer.say("بدي احكي مع موظف")["handoff"]["id"]
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR).status_code == 200
    return handoff_id


def test_a_note_is_for_agents_and_never_reaches_the_customer(chat_app, customer, mona, omar):
    handoff_id = _handoff(customer, mona)
    # A colleague who does not hold the handoff may leave word too.
    added = omar.post(f"/api/agent/handoffs/{handoff_id}/notes", headers=XHR, json={"text": NOTE})
    assert added.status_code == 201
    assert (added.json["agent"], added.json["text"]) == ("omar", NOTE)
    detail = mona.get(f"/api/agent/handoffs/{handoff_id}").json
    assert [(n["agent"], n["text"]) for n in detail["notes"]] == [("omar", NOTE)]
    assert NOTE not in [m["text"] for m in detail["messages"]]
    page = mona.get(f"/agent/handoffs/{handoff_id}").get_data(as_text=True)
    assert NOTE in page and 'id="notes"' in page

    # Every surface of the customer's: the chat API, the reply to a message, the stream.
    seen = [customer.new_messages(), customer.say("في أحد؟")]
    customer.last = 0
    seen.append(customer.new_messages())
    stream = Stream(customer, after=0)
    try:
        seen.append(stream.next_event()[1])
    finally:
        stream.close()
    for shown in seen:
        assert NOTE not in str(shown) and "omar" not in str(shown)


def test_the_console_form_adds_a_note(chat_app, customer, mona):
    handoff_id = _handoff(customer, mona)
    page = f"/agent/handoffs/{handoff_id}"
    token = csrf_token(mona.get(page).get_data(as_text=True))
    response = mona.post(f"{page}/note", data={"text": "  اتصلت بشركة الشحن  ",
                                               "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("#notes")
    db = database(chat_app)
    assert [(n["agent"], n["text"]) for n in db.query("SELECT * FROM notes")] == [
        ("mona", "اتصلت بشركة الشحن")]
    db.close()


@pytest.mark.parametrize("body, status", [
    ('{"text": ""}', 400), ('{"text": "   "}', 400), ('{"text": "%s"}' % ("a" * 4001), 400),
    ('{"text": "\\ud800"}', 400),  # a lone surrogate, as JSON may carry one
    ('{"text": 7}', 400), ('{"text": "abc\\u202e"}', 201)])
def test_a_note_is_checked_as_every_stored_text(chat_app, customer, mona, body, status):
    handoff_id = _handoff(customer, mona)
    response = mona.post(f"/api/agent/handoffs/{handoff_id}/notes", headers=XHR,
                         data=body, content_type="application/json")
    assert response.status_code == status and response.is_json
    if status == 201:
        assert response.json["text"] == "abc"  # a bidi override is removed, as elsewhere


def test_a_note_needs_an_agent_and_a_handoff(chat_app, customer, mona):
    handoff_id = _handoff(customer, mona)
    anonymous = chat_app.test_client().post(f"/api/agent/handoffs/{handoff_id}/notes",
                                            headers=XHR, json={"text": NOTE})
    assert anonymous.status_code == 401
    missing = mona.post("/api/agent/handoffs/999/notes", headers=XHR, json={"text": NOTE})
    assert missing.status_code == 404
    # The customer's token opens no note route.
    assert customer.client.post(f"/api/agent/handoffs/{handoff_id}/notes", json={"text": NOTE},
                                headers={**customer.headers, **XHR}).status_code == 401
