"""The chat's Server-Sent Events (web/events.py) through the real Flask test client and a
real SQLite file: the first update, resuming after a message, an agent's claim and reply
arriving on an open stream, and the errors of a wrong token or id."""
import json
import threading

import pytest

from chat_fixtures import XHR, chat_app, customer, mona, shared_app  # noqa: F401

HANDOFF_REQUEST = "بدي احكي مع موظف"


class Stream:
    """An open event stream of one conversation, read event by event."""

    def __init__(self, customer, after=None, last_event_id=None):
        headers = dict(customer.headers)
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        query = "" if after is None else f"?after={after}"
        self.response = customer.client.get(f"/api/conversations/{customer.id}/events{query}",
                                            headers=headers, buffered=False)
        assert self.response.status_code == 200
        self.chunks = iter(self.response.response)
        self.text = ""

    def next_event(self):
        """Return (fields, data decoded) of the next event, heartbeats skipped."""
        while True:
            while "\n\n" not in self.text:
                chunk = next(self.chunks)
                self.text += chunk.decode() if isinstance(chunk, bytes) else chunk
            block, self.text = self.text.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.split("\n")
                          if line and not line.startswith(":"))
            if "data" in fields:
                return fields, json.loads(fields["data"])

    def close(self):
        self.response.close()


def test_a_stream_starts_with_the_conversation_so_far(customer):
    said = customer.say(HANDOFF_REQUEST)
    stream = Stream(customer)
    try:
        assert stream.response.mimetype == "text/event-stream"
        assert stream.response.headers["Cache-Control"] == "no-store"
        fields, update = stream.next_event()
    finally:
        stream.close()
    assert fields["event"] == "update"
    assert [m["id"] for m in update["messages"]] == [m["id"] for m in said["messages"]]
    assert int(fields["id"]) == update["messages"][-1]["id"]
    assert update["handoff"]["status"] == "open" and update["handoff"]["position"] == 1
    assert update["rated"] is False


@pytest.mark.parametrize("resume", ["after", "last_event_id"])
def test_a_stream_resumes_after_the_last_message_it_sent(customer, resume):
    first = customer.say("مرحبا")["messages"][-1]["id"]
    later = customer.say(HANDOFF_REQUEST)["messages"]
    stream = Stream(customer, **{resume: first})
    try:
        _, update = stream.next_event()
    finally:
        stream.close()
    assert [m["id"] for m in update["messages"]] == [m["id"] for m in later]


def test_an_agents_claim_and_reply_reach_an_open_stream(chat_app, customer, mona):
    customer.say(HANDOFF_REQUEST)
    stream = Stream(customer)
    try:
        _, update = stream.next_event()
        handoff_id = update["handoff"]["id"]
        after = int(update["messages"][-1]["id"])

        def agent_works():
            assert mona.post(f"/api/agent/handoffs/{handoff_id}/claim",
                             headers=XHR).status_code == 200
            assert mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                             json={"text": "أهلًا، معك منى"}).status_code == 201

        agent = threading.Thread(target=agent_works)
        agent.start()
        agent.join()
        seen = []
        while not any(m["role"] == "agent" for u in seen for m in u["messages"]):
            seen.append(stream.next_event()[1])
    finally:
        stream.close()
    received = [m for u in seen for m in u["messages"]]
    assert [(m["role"], m["text"]) for m in received] == [("agent", "أهلًا، معك منى")]
    assert received[0]["id"] > after
    assert seen[-1]["handoff"] == {"id": handoff_id, "status": "claimed", "position": 0}


def test_a_wrong_token_or_id_is_refused(chat_app, customer):
    client = chat_app.test_client()
    wrong = client.get(f"/api/conversations/{customer.id}/events",
                       headers={"X-Conversation-Token": "nope"})
    assert wrong.status_code == 404 and "error" in wrong.json
    for bad in ("?after=x", "?after=99999999999999999999"):
        response = client.get(f"/api/conversations/{customer.id}/events{bad}",
                              headers=customer.headers)
        assert response.status_code == 400 and "error" in response.json
    response = client.get(f"/api/conversations/{customer.id}/events",
                          headers={**customer.headers, "Last-Event-ID": "²"})
    assert response.status_code == 400


class AgentStream(Stream):
    """An agent's open event stream (the session cookie of ``client``)."""

    def __init__(self, client):
        self.response = client.get("/api/agent/events", buffered=False)
        assert self.response.status_code == 200
        self.chunks = iter(self.response.response)
        self.text = ""

    def next_event(self):
        fields, data = super().next_event()
        return fields["event"], data


def test_an_agents_stream_carries_the_queue_and_what_they_hold(chat_app, customer, mona):
    stream = AgentStream(mona)
    try:
        assert stream.response.headers["Cache-Control"] == "no-store"
        assert stream.next_event() == ("queue", {"open": [], "mine": []})
        handoff_id = customer.say(HANDOFF_REQUEST)["handoff"]["id"]
        assert stream.next_event() == ("queue", {"open": [handoff_id], "mine": []})
        assert mona.post(f"/api/agent/handoffs/{handoff_id}/claim",
                         headers=XHR).status_code == 200
        assert stream.next_event() == ("queue", {"open": [], "mine": [handoff_id]})
        customer.say("طلبي رقم 5531 تأخر أسبوع")
        name, data = stream.next_event()
    finally:
        stream.close()
    assert (name, data["handoff_id"]) == ("messages", handoff_id)
    assert [(m["role"], m["text"]) for m in data["messages"]] == [
        ("customer", "طلبي رقم 5531 تأخر أسبوع")]


def test_an_agents_stream_ends_with_their_session(chat_app, mona):
    stream = AgentStream(mona)
    try:
        assert stream.next_event()[0] == "queue"
        other = chat_app.test_client()  # the same agent signed out elsewhere: the
        other.set_cookie("session", mona.get_cookie("session").value)  # same session
        assert other.post("/api/agent/logout", headers=XHR).status_code == 200
        with pytest.raises(StopIteration):
            while True:
                stream.next_event()
    finally:
        stream.close()


def test_the_agents_stream_needs_a_signed_in_agent(chat_app):
    response = chat_app.test_client().get("/api/agent/events")
    assert response.status_code == 401 and "error" in response.json
