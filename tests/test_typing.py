""""Typing…" both ways (bot/store/typing.py, POST .../typing, the streams' ``typing``
events) through the real Flask test client and a real SQLite file: who may ping, what
a ping writes (few writes however many pings), the polling fields, and the events each
side's stream carries — and stops carrying once the moment has passed."""
import time

import pytest

from bot import store
from chat_fixtures import (XHR, Customer, chat_app, customer, database, make_app, mona,  # noqa: F401
                           omar, shared_app)
from test_events import AgentStream, Stream

HANDOFF_REQUEST = "بدي احكي مع موظف"


def _handoff(customer):
    return customer.say(HANDOFF_REQUEST)["handoff"]["id"]


def _claimed(customer, agent):
    handoff_id = _handoff(customer)
    assert agent.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR).status_code == 200
    return handoff_id


def _ping(customer, body=None):
    return customer.client.post(f"/api/conversations/{customer.id}/typing",
                                json=body if body is not None else {}, headers=customer.headers)


def _agent_ping(agent, handoff_id, body=None):
    return agent.post(f"/api/agent/handoffs/{handoff_id}/typing", headers=XHR,
                      json=body if body is not None else {})


def _moments(app, conversation_id):
    db = database(app)
    try:
        return store.typing_of(db, conversation_id)
    finally:
        db.close()


# --- the store --------------------------------------------------------------------------------

def test_the_store_writes_a_ping_only_when_the_last_one_is_old(chat_app, customer):
    db = database(chat_app)
    try:
        def ping(at):
            return store.mark_typing(db, customer.id, "customer", at=at, seconds=5, every=2)
        assert ping(1000.0) is True
        assert [ping(1000.5), ping(1001.9)] == [False, False]  # within 2 s: no write
        assert ping(1002.1) is True
        assert store.typing_of(db, customer.id)["customer_until"] == 1007.1
        assert store.customers_typing(db, [customer.id], 1007.0) == {customer.id}
        assert store.customers_typing(db, [customer.id], 1007.2) == set()
        assert store.customers_typing(db, [], 1007.0) == set()
        assert store.stop_typing(db, customer.id, "customer", at=1003.0) is True
        assert store.stop_typing(db, customer.id, "customer", at=1003.0) is False
        assert store.typing_of(db, customer.id)["customer_until"] is None
        # Another agent's ping is written at once: the name shown is theirs.
        assert store.mark_typing(db, customer.id, "agent", at=1000.0, seconds=5, every=2,
                                 agent="mona") is True
        assert store.mark_typing(db, customer.id, "agent", at=1000.5, seconds=5, every=2,
                                 agent="omar") is True
        assert store.typing_of(db, customer.id)["agent"] == "omar"
        assert store.typing_of(db, 999999) is None
        assert store.mark_typing(db, 999999, "customer", at=1.0, seconds=5, every=2) is False
    finally:
        db.close()


def test_many_pings_cost_one_write(chat_app, customer):
    _handoff(customer)
    assert _ping(customer).status_code == 200
    first = _moments(chat_app, customer.id)["customer_until"]
    for _ in range(10):  # a fast typist, or several tabs, within two seconds
        assert _ping(customer).status_code == 200
    assert _moments(chat_app, customer.id)["customer_until"] == first  # none rewrote it


# --- the customer's ping ----------------------------------------------------------------------

def test_a_customers_ping_needs_a_person_on_the_case(chat_app, customer):
    customer.say("مرحبا")
    response = _ping(customer)
    assert response.status_code == 409 and "no person" in response.json["error"]
    assert _moments(chat_app, customer.id)["customer_until"] is None
    _handoff(customer)
    response = _ping(customer)
    assert response.status_code == 200 and response.json == {"typing": True, "seconds": 5.0}
    assert _moments(chat_app, customer.id)["customer_until"] > time.time()
    response = _ping(customer, {"typing": False})
    assert response.json == {"typing": False, "seconds": 0}
    assert _moments(chat_app, customer.id)["customer_until"] is None


def test_a_customers_ping_is_refused_without_the_token_or_with_bad_input(chat_app, customer):
    _handoff(customer)
    client = chat_app.test_client()
    wrong = client.post(f"/api/conversations/{customer.id}/typing", json={},
                        headers={"X-Conversation-Token": "nope"})
    assert wrong.status_code == 404 and "error" in wrong.json
    missing = client.post("/api/conversations/99999/typing", json={}, headers=customer.headers)
    assert missing.status_code == 404
    for body in ({"typing": "yes"}, {"typing": 1}, {"typing": None}):
        response = _ping(customer, body)
        assert response.status_code == 400 and "typing must be" in response.json["error"]
    response = client.post(f"/api/conversations/{customer.id}/typing", data="{",
                           headers={**customer.headers, "Content-Type": "application/json"})
    assert response.status_code == 400 and "error" in response.json
    assert _moments(chat_app, customer.id)["customer_until"] is None


def test_sending_the_message_ends_the_customers_typing(chat_app, customer, mona):
    _claimed(customer, mona)
    assert _ping(customer).status_code == 200
    customer.say("طلبي تأخر")
    assert _moments(chat_app, customer.id)["customer_until"] is None


# --- the agent's ping -------------------------------------------------------------------------

def test_only_the_holder_pings_for_a_handoff(chat_app, customer, mona, omar):
    handoff_id = _handoff(customer)
    response = _agent_ping(mona, handoff_id)
    assert response.status_code == 409 and response.json["handoff_status"] == "open"
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR).status_code == 200
    response = _agent_ping(omar, handoff_id)
    assert response.status_code == 409 and response.json["holder"] == "mona"
    assert _moments(chat_app, customer.id)["agent_until"] is None
    response = _agent_ping(mona, handoff_id)
    assert response.status_code == 200 and response.json["typing"] is True
    moments = _moments(chat_app, customer.id)
    assert moments["agent"] == "mona" and moments["agent_until"] > time.time()
    assert _agent_ping(mona, handoff_id, {"typing": False}).status_code == 200
    assert _moments(chat_app, customer.id)["agent_until"] is None


def test_the_agents_reply_ends_their_typing(chat_app, customer, mona):
    handoff_id = _claimed(customer, mona)
    assert _agent_ping(mona, handoff_id).status_code == 200
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                     json={"text": "نتابع طلبك الآن"}).status_code == 201
    assert _moments(chat_app, customer.id)["agent_until"] is None


@pytest.mark.parametrize("value", ["soon", "0", "-1", ""])
def test_a_typing_seconds_setting_that_is_no_duration_stops_the_start(tmp_path, value):
    with pytest.raises(ValueError, match="TYPING_SECONDS must be a positive number"):
        make_app(tmp_path, TYPING_SECONDS=value)


def test_an_agents_ping_bad_input_and_missing_handoffs(chat_app, customer, mona):
    handoff_id = _claimed(customer, mona)
    assert _agent_ping(mona, 99999).status_code == 404
    response = _agent_ping(mona, handoff_id, {"typing": "no"})
    assert response.status_code == 400 and "error" in response.json
    anonymous = chat_app.test_client().post(f"/api/agent/handoffs/{handoff_id}/typing",
                                            headers=XHR, json={})
    assert anonymous.status_code == 401
    no_xhr = mona.post(f"/api/agent/handoffs/{handoff_id}/typing", json={})
    assert no_xhr.status_code == 403 and "X-Requested-With" in no_xhr.json["error"]


# --- polling ----------------------------------------------------------------------------------

def test_polling_carries_the_other_sides_typing(chat_app, customer, mona):
    handoff_id = _claimed(customer, mona)
    assert customer.new_messages()["typing"] == {"typing": False, "agent": None}
    assert mona.get(f"/api/agent/handoffs/{handoff_id}").json["typing"] == {
        "handoff_id": handoff_id, "typing": False}
    _agent_ping(mona, handoff_id)
    _ping(customer)
    assert customer.new_messages()["typing"] == {"typing": True, "agent": "mona"}
    assert mona.get(f"/api/agent/handoffs/{handoff_id}").json["typing"] == {
        "handoff_id": handoff_id, "typing": True}


# --- the streams ------------------------------------------------------------------------------

class TypingStream(Stream):
    """A customer's stream that asked for ``typing`` events."""

    def __init__(self, customer):
        self.response = customer.client.get(f"/api/conversations/{customer.id}/events?typing=1",
                                            headers=customer.headers, buffered=False)
        assert self.response.status_code == 200
        self.chunks = iter(self.response.response)
        self.text = ""

    def next_named(self, name):
        while True:
            fields, data = self.next_event()
            if fields["event"] == name:
                return data


def test_the_agents_typing_reaches_the_customers_stream_and_stops(chat_app, customer, mona):
    chat_app.config["TYPING_SECONDS"] = 1
    handoff_id = _claimed(customer, mona)
    stream = TypingStream(customer)
    try:
        assert stream.next_event()[0]["event"] == "update"
        assert _agent_ping(mona, handoff_id).status_code == 200
        assert stream.next_named("typing") == {"typing": True, "agent": "mona"}
        # Nobody pings again: it stops by itself once the second has passed.
        assert stream.next_named("typing") == {"typing": False, "agent": None}
    finally:
        stream.close()


def test_a_stream_without_typing_1_sends_no_typing_events(chat_app, customer, mona):
    handoff_id = _claimed(customer, mona)
    _agent_ping(mona, handoff_id)
    stream = Stream(customer)
    try:
        fields, _ = stream.next_event()
        assert fields["event"] == "update"
        mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                  json={"text": "أهلًا"})
        fields, update = stream.next_event()
    finally:
        stream.close()
    assert fields["event"] == "update" and update["messages"][0]["text"] == "أهلًا"


def test_the_customers_typing_reaches_the_holders_stream_and_stops(chat_app, customer, mona):
    chat_app.config["TYPING_SECONDS"] = 1
    handoff_id = _claimed(customer, mona)
    stream = AgentStream(mona)
    try:
        assert stream.next_event()[0] == "queue"
        assert _ping(customer).status_code == 200
        assert stream.next_event() == ("typing", {"handoff_id": handoff_id, "typing": True})
        assert stream.next_event() == ("typing", {"handoff_id": handoff_id, "typing": False})
        # Typing again (the last moment has passed: written at once), then sending:
        # the line comes first, then "stopped".
        chat_app.config["TYPING_SECONDS"] = 60
        _ping(customer)
        assert stream.next_event() == ("typing", {"handoff_id": handoff_id, "typing": True})
        customer.say("طلبي تأخر")
        events = [stream.next_event(), stream.next_event()]
    finally:
        stream.close()
    assert [name for name, _ in events] == ["messages", "typing"]
    assert events[1][1] == {"handoff_id": handoff_id, "typing": False}


def test_an_agent_who_does_not_hold_it_hears_no_typing(chat_app, customer, mona, omar):
    handoff_id = _claimed(customer, mona)
    stream = AgentStream(omar)
    try:
        assert stream.next_event() == ("queue", {"open": [], "mine": []})
        _ping(customer)
        # Something to wait for that comes after the ping's look: a new handoff.
        other = Customer(chat_app.test_client())
        other_id = _handoff(other)
        name, data = stream.next_event()
    finally:
        stream.close()
    assert (name, data) == ("queue", {"open": [other_id], "mine": []})
    assert handoff_id not in data["open"]
