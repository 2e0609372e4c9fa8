"""Handoffs from the customer's first question to the rating, through the real Flask
client and a real SQLite file: the queue, claims, replies, resolutions, learned
questions, the console pages, forged requests, hostile text and a restart."""
import datetime
import html
import json
import re

import pytest

from chat_fixtures import (XHR, Customer, agent_client, chat_app, customer,  # noqa: F401
                           database, make_app, mona, omar, shared_app)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _claim(agent, handoff_id):
    return agent.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR)


def test_the_whole_flow_from_question_to_rating(chat_app, customer, mona):
    # The bot answers what it knows.
    answered = customer.say("كم سعر التوصيل")["messages"][1]
    assert answered["action"] == "answer" and answered["article_id"] == "shipping-costs"
    # What it cannot answer goes to a person at once, with the question.
    escalated = customer.say("متى تفتحون الفرع")
    assert escalated["messages"][1]["action"] == "escalate"
    handoff = escalated["handoff"]
    assert handoff["status"] == "open" and handoff["position"] == 1
    # The customer asks for a person in dialect too: still the same one handoff.
    still = customer.say("بدي احكي مع حدا")
    assert [m["role"] for m in still["messages"]] == ["customer"]
    assert still["handoff"]["id"] == handoff["id"]

    queue = mona.get("/api/agent/handoffs?status=open").json["handoffs"]
    assert [h["id"] for h in queue] == [handoff["id"]]
    listed = queue[0]
    assert listed["first_question"] == "متى تفتحون الفرع"
    assert listed["lang"] == "ar" and listed["reason"] in ("no match", "low confidence")
    assert listed["waiting_seconds"] >= 0 and listed["status"] == "open"

    claimed = _claim(mona, handoff["id"])
    assert claimed.status_code == 200 and claimed.json["assignee"] == "mona"
    assert customer.new_messages()["handoff"] == {"id": handoff["id"], "status": "claimed",
                                                  "position": 0}
    detail = mona.get(f"/api/agent/handoffs/{handoff['id']}").json
    assert [m["role"] for m in detail["messages"]] == [
        "customer", "bot", "customer", "bot", "system", "customer"]

    reply = mona.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR,
                      json={"text": "آسفين جدًا! سنرسل لك بديلًا، وهذه طريقة الإرجاع."})
    assert reply.status_code == 201
    received = customer.new_messages()["messages"]
    assert [(m["role"], m["agent"]) for m in received] == [("agent", "mona")]
    assert received[0]["text"].startswith("آسفين جدًا")

    resolved = mona.post(f"/api/agent/handoffs/{handoff['id']}/resolve", headers=XHR,
                         json={"outcome": "article", "article_id": "return-policy"})
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved"
    notice = customer.new_messages()
    assert notice["messages"][-1]["rating"] is True and notice["handoff"]["status"] == "resolved"

    db = database(chat_app)
    learned = list(db.query("SELECT article_id, question, lang, agent FROM learned_questions"))
    assert learned == [{"article_id": "return-policy", "agent": "mona", "lang": "ar",
                        "question": "متى تفتحون الفرع"}]
    assert customer.rate(5, "شكرًا!").status_code == 201
    assert next(db.query("SELECT score FROM ratings"))["score"] == 5
    # Resolved: the bot answers again.
    again = customer.say("كم سعر التوصيل")["messages"]
    assert again[1]["role"] == "bot" and again[1]["action"] == "answer"


def test_a_second_claim_gets_409_naming_the_holder(chat_app, customer, mona, omar):
    handoff_id = customer.handoff().json["id"]
    assert _claim(mona, handoff_id).status_code == 200
    lost = _claim(omar, handoff_id)
    assert lost.status_code == 409 and lost.json["holder"] == "mona"
    assert "mona" in lost.json["error"]
    for action, body in [("reply", {"text": "hi"}), ("release", None),
                         ("resolve", {"outcome": "not_support"})]:
        response = omar.post(f"/api/agent/handoffs/{handoff_id}/{action}", json=body,
                             headers=XHR)
        assert response.status_code == 409, action
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/release", headers=XHR).json["status"] == "open"
    assert _claim(omar, handoff_id).json["assignee"] == "omar"


def test_the_queue_filters_open_mine_resolved(chat_app, mona, omar):
    ids = [Customer(chat_app.test_client()).handoff().json["id"] for _ in range(3)]
    _claim(mona, ids[0])
    _claim(omar, ids[1])
    mona.post(f"/api/agent/handoffs/{ids[0]}/resolve", json={"outcome": "no_article"},
              headers=XHR)
    queue = {status: [h["id"] for h in mona.get(f"/api/agent/handoffs?status={status}")
                      .json["handoffs"]] for status in ("open", "mine", "resolved")}
    assert queue == {"open": [ids[2]], "mine": [], "resolved": [ids[0]]}
    assert [h["id"] for h in omar.get("/api/agent/handoffs?status=mine").json["handoffs"]] == [ids[1]]
    assert mona.get("/api/agent/handoffs?status=all").status_code == 400


@pytest.mark.parametrize("body", [{"outcome": "solved"}, {"outcome": "article"},
                                  {"outcome": "article", "article_id": "no-such-article"},
                                  {}])
def test_resolving_needs_a_known_outcome_and_article(chat_app, customer, mona, body):
    handoff_id = customer.handoff().json["id"]
    _claim(mona, handoff_id)
    response = mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", json=body, headers=XHR)
    assert response.status_code == 400 and response.json["error"]


def test_unknown_handoffs_are_404(mona):
    assert mona.get("/api/agent/handoffs/999").status_code == 404
    assert mona.get("/api/agent/handoffs/abc").status_code == 404
    assert _claim(mona, 999).status_code == 404


def test_state_changes_without_the_header_are_refused(chat_app, customer, mona):
    handoff_id = customer.handoff().json["id"]
    for action, body in [("claim", None), ("reply", {"text": "x"}), ("release", None),
                         ("resolve", {"outcome": "not_support"})]:
        response = mona.post(f"/api/agent/handoffs/{handoff_id}/{action}", json=body)
        assert response.status_code == 403, action
    # A cross-site form post (the session cookie is sent, the CSRF token is not).
    forged = mona.post(f"/agent/handoffs/{handoff_id}/claim", data={})
    assert forged.status_code == 400
    assert database(chat_app).execute("SELECT status FROM handoffs").fetchone()[0] == "open"


def test_console_forms_claim_reply_and_resolve(chat_app, customer, mona):
    customer.say("وين طلبي الحين")
    handoff_id = customer.say("بدي احكي مع حدا")["handoff"]["id"]
    page = mona.get(f"/agent/handoffs/{handoff_id}")
    assert page.status_code == 200 and "وين طلبي الحين" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    url = f"/agent/handoffs/{handoff_id}"
    assert mona.post(url + "/claim", data={"csrf_token": token}).status_code == 303
    assert mona.post(url + "/reply", data={"csrf_token": token,
                                           "text": "طلبك في الطريق"}).status_code == 303
    assert customer.new_messages()["messages"][-1]["text"] == "طلبك في الطريق"
    done = mona.post(url + "/resolve", data={"csrf_token": token, "outcome": "article",
                                             "article_id": "order-tracking"})
    assert done.status_code == 303
    resolved = mona.get("/agent/?status=resolved")
    assert f"/agent/handoffs/{handoff_id}" in resolved.text


def test_a_losing_claim_in_the_console_says_who_has_it(chat_app, customer, mona, omar):
    handoff_id = customer.handoff().json["id"]
    page = omar.get(f"/agent/handoffs/{handoff_id}?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    _claim(mona, handoff_id)
    lost = omar.post(f"/agent/handoffs/{handoff_id}/claim?lang=en", data={"csrf_token": token})
    assert lost.status_code == 409 and "mona has already claimed it" in lost.text


def test_hostile_customer_text_is_escaped_in_the_console(chat_app, customer, mona):
    customer.say(HOSTILE)
    handoff_id = customer.handoff(name=HOSTILE[:90], email="a@example.com").json["id"]
    customer.say(HOSTILE + " again")
    for url in ["/agent/", f"/agent/handoffs/{handoff_id}"]:
        page = mona.get(url)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "onerror=alert(1)>" not in page.text
        assert "&lt;script&gt;" in page.text
    # The JSON keeps the text as typed; the console's script inserts it as text.
    detail = mona.get(f"/api/agent/handoffs/{handoff_id}").json
    assert detail["first_question"] == HOSTILE


def test_contact_details_are_shown_to_agents_only(chat_app, customer, mona):
    handoff_id = customer.handoff(name="Sara", email="sara@example.com").json["id"]
    customer_view = customer.new_messages()
    assert "sara@example.com" not in str(customer_view)
    assert "sara@example.com" in mona.get(f"/agent/handoffs/{handoff_id}").text


def test_a_restart_loses_nothing(tmp_path):
    first = make_app(tmp_path, RATELIMIT_ENABLED=False)
    customer = Customer(first.test_client())
    customer.say("وين طلبي الحين")
    handoff_id = customer.handoff(email="sara@example.com").json["id"]
    agent = agent_client(first, "mona")
    _claim(agent, handoff_id)
    agent.post(f"/api/agent/handoffs/{handoff_id}/reply", json={"text": "on it"}, headers=XHR)

    second = make_app(tmp_path, RATELIMIT_ENABLED=False)  # a new process over the same file
    customer.client = second.test_client()
    everything = customer.client.get(f"/api/conversations/{customer.id}/messages",
                                     headers=customer.headers).json
    assert [m["role"] for m in everything["messages"]] == [
        "customer", "bot", "bot", "system", "agent"]
    assert everything["handoff"]["status"] == "claimed"
    agent = second.test_client()
    agent.post("/api/agent/login", json={"name": "mona", "password": "correct horse battery"})
    mine = agent.get("/api/agent/handoffs?status=mine").json["handoffs"]
    assert [(h["id"], h["email"]) for h in mine] == [(handoff_id, "sara@example.com")]


def _speakers(page):
    return re.findall(r'<span class="who">([^<]*?) · ', page.text)


def test_the_console_names_the_customer_the_bot_and_each_agent(chat_app, customer, mona, omar):
    handoff_id = customer.say("متى تفتحون الفرع")["handoff"]["id"]
    url = f"/agent/handoffs/{handoff_id}"
    # No name given: "the customer", never the customer-side "you".
    page = mona.get(url)
    assert _speakers(page) == ["العميل", "البوت", "تنبيه"]
    assert "أنت" not in _speakers(page)
    customer.handoff(name="Layla")
    _claim(mona, handoff_id)
    mona.post(f"{'/api' + url}/reply", json={"text": "on it"}, headers=XHR)
    assert _speakers(mona.get(url + "?lang=en")) == ["Layla", "Bot", "Notice", "You"]
    # Another agent sees who replied; the live transcript uses the same names.
    page = omar.get(url + "?lang=en")
    assert _speakers(page) == ["Layla", "Bot", "Notice", "mona"]
    labels = json.loads(html.unescape(re.search(r"data-labels='([^']*)'", page.text)[1]))
    assert labels["customer"] == "Layla" and labels["me"] == "omar"


def test_the_arabic_console_shows_the_bots_reason_and_local_times(chat_app, customer, mona):
    handoff_id = customer.say("متى تفتحون الفرع")["handoff"]["id"]
    stored = mona.get(f"/api/agent/handoffs/{handoff_id}").json
    assert stored["reason"] in ("no match", "low confidence")  # the stable key stays English
    arabic = {"no match": "لم يجد مقالة مطابقة", "low confidence": "ثقة منخفضة في الإجابة"}
    for url in ["/agent/", f"/agent/handoffs/{handoff_id}"]:
        page = mona.get(url).text
        assert arabic[stored["reason"]] in page and f">{stored['reason']}<" not in page
        assert f": {stored['reason']}<" not in page
    page = mona.get(f"/agent/handoffs/{handoff_id}").text
    # Times in BUSINESS_TIMEZONE (Asia/Riyadh, UTC+3 all year), the zone named on the page.
    assert "الأوقات بتوقيت Asia/Riyadh" in page and 'data-zone="Asia/Riyadh"' in page
    first = stored["messages"][0]["created"]
    utc = datetime.datetime.fromisoformat(first)
    riyadh = (utc + datetime.timedelta(hours=3)).strftime("%H:%M")
    assert f'<time datetime="{first}">{riyadh}</time>' in page


def test_every_reason_the_bot_gives_reads_in_both_languages():
    from web.agent import reason_text
    reasons = ["asked for a person", "no match", "low confidence", "articles too close",
               "answer did not help", "suggestions did not help", "confident match",
               "chosen from suggestions", "answer helped", "one word"]
    for reason in reasons:
        assert reason_text(reason, "en") == reason
        assert reason_text(reason, "ar") not in (reason, "")
    assert reason_text("something new", "ar") == "something new"
    # A channel without buttons adds why it did not suggest (Bot.without_suggestions).
    assert reason_text("one word: unsure, sent to a person", "ar") == \
        "كلمة واحدة لا تكفي للإجابة: غير متأكد، أُحيلت إلى موظف"


@pytest.mark.parametrize("asked", ["abc", "-1", "1.5", "%3Cscript%3E", "9" * 20])
def test_a_handoff_id_that_is_not_a_number_is_no_such_handoff(mona, asked):
    for method, path in [("get", ""), ("post", "/claim"), ("post", "/release")]:
        response = getattr(mona, method)(f"/api/agent/handoffs/{asked}{path}", headers=XHR)
        assert response.status_code == 404 and response.json["error"] == "no such handoff"
    assert mona.get("/api/agent/handoffs/999").json["error"] == "there is no handoff 999"


def test_the_queue_page_carries_what_its_refresh_needs(chat_app, customer, mona):
    customer.say("متى تفتحون الفرع")
    page = mona.get("/agent/?lang=en").text
    assert 'id="queue-news" aria-live="polite"' in page and "data-refresh" not in page
    strings = json.loads(html.unescape(re.search(r"data-strings='([^']*)'", page)[1]))
    assert strings["reason_no_match"] == "no match" and "{count}" in strings["agent_new_handoffs"]
    listed = mona.get("/api/agent/handoffs?status=open&lang=en").json["handoffs"]
    assert listed and all(c["title"] for c in listed[0]["candidates"])


def test_a_resolution_says_what_it_taught(chat_app, customer, mona):
    customer.say("متى تفتحون الفرع")
    handoff_id = customer.say("بدي احكي مع حدا")["handoff"]["id"]
    _claim(mona, handoff_id)
    resolved = mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", headers=XHR,
                         json={"outcome": "article", "article_id": "return-policy"})
    learned = resolved.json["learned"]
    assert (learned["question"], learned["status"], learned["handoff_id"], learned["agent"]) == (
        "متى تفتحون الفرع", "live", handoff_id, "mona")
    page = mona.get(f"/agent/handoffs/{handoff_id}").text
    assert "ما تعلّمه البوت من هذه المحادثة" in page and "متى تفتحون الفرع" in page


@pytest.mark.parametrize("outcome", ["no_article", "not_support"])
def test_only_an_article_outcome_teaches_whatever_question_is_sent(chat_app, customer, mona,
                                                                    outcome):
    handoff_id = customer.say("متى تفتحون الفرع")["handoff"]["id"]
    _claim(mona, handoff_id)
    resolved = mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", headers=XHR,
                         json={"outcome": outcome, "question": "متى تفتحون الفرع"})
    assert resolved.status_code == 200 and resolved.json["learned"] is None
    assert database(chat_app)["learned_questions"].count == 0
