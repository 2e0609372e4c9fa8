"""The agents' inbox (/agent) through the real Flask client: its lists (queue and mine,
with counts, in Arabic and English), the conversation pane as a fragment and with
?open=, unread counts per agent and handoff (bot/store/reads.py, m013) going up with the
customer's messages and down when read, the forms coming back to the inbox, and clear
4xx for bad input. Rerun on PostgreSQL by tests/test_inbox_postgres.py."""
import html
import json
import re

import pytest

from bot import store
from chat_fixtures import (XHR, Customer, agent_client, chat_app, database,  # noqa: F401
                           shared_app)


def _csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _held(app, agent, question="بدي احكي مع موظف"):
    """A customer who asked for a person, their handoff claimed by ``agent``; return
    (customer, handoff id)."""
    customer = Customer(app.test_client())
    handoff_id = customer.say(question)["handoff"]["id"]
    assert agent.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR).status_code == 200
    return customer, handoff_id


def _unread(agent, handoff_id):
    [row] = [h for h in agent.get("/api/agent/handoffs?status=mine").json["handoffs"]
             if h["id"] == handoff_id]
    return row["unread"]


def _read(agent, handoff_id, **body):
    return agent.post(f"/api/agent/handoffs/{handoff_id}/read", headers=XHR, json=body)


def test_unread_counts_rise_with_the_customer_and_fall_when_read(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _held(chat_app, mona)
    assert _unread(mona, handoff_id) == 1  # the question that asked for a person
    customer.say("رقم طلبي 4471")
    customer.say("هل من أحد؟")
    assert _unread(mona, handoff_id) == 3
    read = _read(mona, handoff_id)
    assert read.status_code == 200
    assert read.json["unread"] == 0 and _unread(mona, handoff_id) == 0
    # The agent's own reply is not unread; the customer's next line is.
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                     json={"text": "أهلًا، أبحث في طلبك"}).status_code == 201
    assert _unread(mona, handoff_id) == 0
    customer.say("شكرًا")
    assert _unread(mona, handoff_id) == 1
    # The queue's handoffs (not the agent's) carry no count.
    Customer(chat_app.test_client()).say("ابي اكلم موظف")
    assert {h["unread"] for h in mona.get("/api/agent/handoffs?status=open").json["handoffs"]} == {None}


def test_reading_up_to_a_message_leaves_the_later_ones_unread(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _held(chat_app, mona)
    customer.say("الأولى")
    middle = customer.last
    customer.say("الثانية")
    assert _read(mona, handoff_id, message_id=middle).json["unread"] == 1
    # A mark never moves back; one past the newest message stops at it.
    assert _read(mona, handoff_id, message_id=1).json["last_seen_message_id"] == middle
    answer = _read(mona, handoff_id, message_id=10 ** 9).json
    assert answer["unread"] == 0 and answer["last_seen_message_id"] == customer.last
    customer.say("الثالثة")
    assert _unread(mona, handoff_id) == 1


def test_each_agent_reads_for_themselves(chat_app):
    mona, omar = agent_client(chat_app, "mona"), agent_client(chat_app, "omar")
    customer, handoff_id = _held(chat_app, mona)
    customer.say("مرحبا")
    assert _read(omar, handoff_id).json["unread"] == 0  # a colleague looked in
    assert _unread(mona, handoff_id) == 2  # hers are still unread
    rows = database(chat_app)["agent_reads"].rows
    assert sorted(row["agent"] for row in rows) == ["omar"]
    customer.say("ما زلت هنا")
    assert (_unread(mona, handoff_id), _read(omar, handoff_id).json["unread"]) == (3, 0)


@pytest.mark.parametrize("body, status", [
    ({"message_id": "7"}, 400), ({"message_id": -1}, 400), ({"message_id": 1.5}, 400),
    ({"message_id": True}, 400), ({"message_id": None}, 400), ([1], 400)])
def test_a_bad_read_mark_is_a_clear_400(chat_app, body, status):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _held(chat_app, mona)
    response = mona.post(f"/api/agent/handoffs/{handoff_id}/read", headers=XHR, json=body)
    assert response.status_code == status and response.json["error"]
    assert database(chat_app)["agent_reads"].count == 0


def test_a_read_mark_needs_a_session_the_header_and_a_handoff(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _held(chat_app, mona)
    anonymous = chat_app.test_client().post(f"/api/agent/handoffs/{handoff_id}/read", headers=XHR)
    assert anonymous.status_code == 401
    forged = mona.post(f"/api/agent/handoffs/{handoff_id}/read", json={})
    assert forged.status_code in (400, 403) and forged.json["error"]
    missing = _read(mona, 999)
    assert missing.status_code == 404 and missing.json["error"] == "there is no handoff 999"
    assert mona.post("/api/agent/handoffs/x/read", headers=XHR).status_code == 404
    not_json = mona.post(f"/api/agent/handoffs/{handoff_id}/read", headers=XHR, data="7",
                         content_type="text/plain")
    assert not_json.status_code == 415


@pytest.mark.parametrize("lang, queue, mine, customer", [
    ("ar", "قائمة الانتظار", "محادثاتي", "عميل"), ("en", "Queue", "Mine", "customer")])
def test_the_inbox_lists_the_queue_and_mine_as_cards(chat_app, lang, queue, mine, customer):
    mona = agent_client(chat_app, "mona")
    waiting = Customer(chat_app.test_client())
    waiting.say("<b>ابي اكلم موظف</b> عن طلبي")
    held, handoff_id = _held(chat_app, mona, "I want to talk to a person about my order")
    page = mona.get(f"/agent?lang={lang}").text
    assert "<table class=\"queue" not in page and 'id="inbox"' in page
    assert f">{queue} <span class=\"count\" id=\"count-open\">1</span>" in page
    assert f">{mine} <span class=\"count\" id=\"count-mine\">1</span>" in page
    assert "&lt;b&gt;ابي اكلم موظف&lt;/b&gt;" in page and "<b>ابي" not in page  # escaped
    assert f'<strong class="card-name" dir="auto">{customer}</strong>' in page
    # No JavaScript: each card links to the handoff's own page.
    assert f'href="/agent/handoffs/{handoff_id}"' in page
    assert page.count('<li class="inbox-card') == 2 and 'data-since="' in page
    assert 'class="unread"' in page  # mine: its customer's question is unread
    assert 'aria-keyshortcuts="j k Alt+ArrowDown Alt+ArrowUp"' in page and 'id="keys"' in page
    assert "<script>" not in page and "style=" not in page  # CSP: no inline script or style
    strings = json.loads(html.unescape(re.search(r"data-strings='([^']*)'", page)[1]))
    assert "{count}" in strings["inbox_unread"] and strings["inbox_customer"] == customer
    now = re.search(r'data-now="([^"]+)"', page)[1]
    assert now.endswith("+00:00")


def test_the_lists_keep_their_old_addresses(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _held(chat_app, mona)
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", headers=XHR,
                     json={"outcome": "not_support"}).status_code == 200
    resolved = mona.get("/agent/?status=resolved").text
    assert f'href="/agent/handoffs/{handoff_id}"' in resolved
    assert 'data-list="resolved" aria-current="page"' in resolved
    for query in ("?status=mine", "?status=open&team=payments", "?status=nonsense&team=nope",
                  "?open=abc", "?open=999", "?open=-1"):
        page = mona.get("/agent" + query)
        assert page.status_code == 200, query
        assert 'id="pane"' not in page.text, query
    assert mona.get("/api/agent/handoffs").json["now"]


def test_the_pane_is_the_handoff_page_parts_as_a_fragment(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _held(chat_app, mona)
    customer.say("<script>alert(1)</script> رقم الطلب")
    pane = mona.get(f"/agent/handoffs/{handoff_id}/pane?lang=en")
    assert pane.status_code == 200 and "<html" not in pane.text
    text = pane.text
    for part in ('id="pane"', 'id="transcript"', 'id="reply-text"', 'id="notes"',
                 'id="resolve"', 'id="transfer"', 'id="escalate"', 'id="release"',
                 'data-tags-handoff="%d"' % handoff_id):
        assert part in text, part
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    # Its forms come back to the inbox with this conversation open.
    assert f'name="next" value="/agent/?open={handoff_id}"' in text
    # The handoff's own page renders the same parts, without the way back.
    page = mona.get(f"/agent/handoffs/{handoff_id}?lang=en").text
    assert 'id="transcript"' in page and 'id="reply-text"' in page
    assert 'name="next" value="/agent/?open=' not in page  # only the tags' own way back
    assert mona.get("/agent/handoffs/999/pane").status_code == 404
    assert chat_app.test_client().get(f"/agent/handoffs/{handoff_id}/pane").status_code == 302


def test_the_inbox_opens_a_conversation_from_its_address(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _held(chat_app, mona, "ابي اكلم موظف عن الفاتورة")
    page = mona.get(f"/agent?status=mine&open={handoff_id}").text
    assert 'data-view="conversation"' in page and f'data-open="{handoff_id}"' in page
    assert 'id="pane"' in page and "عن الفاتورة" in page
    assert re.search(rf'<li class="inbox-card[^"]* is-open" data-id="{handoff_id}"', page)
    assert 'aria-current="true"' in page


def test_a_form_posted_from_the_pane_comes_back_to_the_inbox(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _held(chat_app, mona)
    token = _csrf(mona.get(f"/agent?open={handoff_id}").text)
    url = f"/agent/handoffs/{handoff_id}"
    note = mona.post(url + "/note", data={"csrf_token": token, "text": "عميل مهم",
                                          "next": f"/agent?open={handoff_id}"})
    assert note.status_code == 303 and note.location.endswith(f"/agent?open={handoff_id}")
    reply = mona.post(url + "/reply", data={"csrf_token": token, "text": "أهلًا بك",
                                            "next": "https://elsewhere.example/agent"})
    assert reply.status_code == 303 and reply.location.endswith(f"{url}#reply")  # not away
    assert customer.new_messages()["messages"][-1]["text"] == "أهلًا بك"


def test_the_reply_api_refuses_what_the_inbox_must_show(chat_app):
    mona, omar = agent_client(chat_app, "mona"), agent_client(chat_app, "omar")
    _, handoff_id = _held(chat_app, mona)
    unfilled = mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                         json={"text": "رقم طلبك {order}؟"})
    assert unfilled.status_code == 400 and "{order}" in unfilled.json["error"]
    not_yours = omar.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                          json={"text": "مرحبا"})
    assert not_yours.status_code == 409 and not_yours.json["error"]


def test_unread_counts_come_from_one_query_per_list(chat_app):
    # The store function on its own: handoffs never opened count every customer line,
    # an empty list asks nothing.
    mona = agent_client(chat_app, "mona")
    first, one = _held(chat_app, mona)
    second, two = _held(chat_app, mona)
    second.say("ثانية")
    db = database(chat_app)
    try:
        assert store.unread_counts(db, "mona", [one, two]) == {one: 1, two: 2}
        assert store.unread_counts(db, "mona", []) == {}
        assert store.mark_read(db, "mona", two, second.last) == second.last
        assert store.unread_counts(db, "mona", [one, two]) == {one: 1, two: 0}
        assert store.unread_counts(db, "omar", [two]) == {two: 2}
        assert store.last_seen(db, "omar", two) == 0
    finally:
        db.close()
