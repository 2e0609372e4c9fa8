"""The customer chat: the conversation API through the real Flask client, the handoff
notice, and the /chat page and /widget.js (the pure follow-up rules: test_decide.py)."""
import datetime
import zoneinfo

import pytest

from bot.desk.conversations import handoff_notice
from bot.desk.hours import BusinessHours
from chat_fixtures import (Customer, agent_client, chat_app, customer, database,  # noqa: F401
                           make_app, mona, shared_app, XHR)

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
HOURS = BusinessHours.parse("Sun-Thu 09:00-18:00", "Asia/Riyadh")


def test_a_conversation_starts_with_an_id_and_an_unguessable_token(chat_app):
    client = chat_app.test_client()
    first = client.post("/api/conversations", json={"lang": "en"})
    second = client.post("/api/conversations")
    assert first.status_code == second.status_code == 201
    assert first.json["lang"] == "en" and second.json["lang"] == "ar"
    assert first.json["token"] != second.json["token"] and len(first.json["token"]) >= 32
    assert client.post("/api/conversations", json={"lang": "fr"}).status_code == 400


def test_a_known_question_is_answered_with_the_reply_fields_of_ask(customer):
    new = customer.say("وين طلبي الحين")["messages"]
    assert [m["role"] for m in new] == ["customer", "bot"]
    bot = new[1]
    assert bot["action"] == "answer" and bot["article_id"] == "order-tracking"
    assert bot["url"] == "/ar/articles/order-tracking" and bot["ask_feedback"] is True
    assert bot["candidates"][0]["article_id"] == "order-tracking"
    assert {"id", "text", "created", "lang", "reason", "title"} <= set(bot)


def test_yes_after_an_answer_gets_thanks_and_no_handoff(customer):
    customer.say("وين طلبي الحين")
    new = customer.say("نعم، شكرًا", choice="helpful")
    assert new["messages"][1]["action"] == "smalltalk" and new["handoff"] is None


def test_no_after_an_answer_offers_the_next_suggestions_then_a_person(chat_app, customer):
    customer.say("how do i send something back and is shipping free")
    first = customer.say("No", choice="not_helpful")["messages"][1]
    assert first["action"] == "suggest" and first["reason"] == "answer did not help"
    assert 1 <= len(first["suggestions"]) <= 3
    answered = customer.say(first["suggestions"][0]["title"],
                            choice="article:" + first["suggestions"][0]["article_id"])
    assert answered["messages"][1]["action"] == "answer"
    last = customer.say("لا", choice="not_helpful")
    assert last["messages"][1]["action"] == "escalate" and last["handoff"]["status"] == "open"


def test_a_typed_no_counts_like_the_button(customer):
    customer.say("وين طلبي الحين")
    new = customer.say("لا")["messages"]
    assert new[1]["action"] in ("suggest", "escalate") and new[1]["reason"] == "answer did not help"


def test_the_handoff_notice_says_when_the_team_is_back_outside_business_hours():
    friday = datetime.datetime(2026, 1, 2, 12, 0, tzinfo=RIYADH)  # a Friday: closed
    sunday = datetime.datetime(2026, 1, 4, 10, 0, tzinfo=RIYADH)
    closed = handoff_notice("ar", 3, HOURS, friday)
    assert "الأحد 09:00" in closed and "3" in closed and "Asia/Riyadh" in closed
    assert "الأحد–الخميس" in closed
    assert "Sunday 09:00" in handoff_notice("en", 1, HOURS, friday)
    assert handoff_notice("en", 2, HOURS, sunday).startswith("An agent will reply")


def test_asking_for_a_person_in_dialect_opens_a_handoff_at_once(chat_app, customer, mona):
    customer.say("وين طلبي الحين")
    new = customer.say("بدي احكي مع حدا")
    roles = [m["role"] for m in new["messages"]]
    assert roles == ["customer", "bot", "system"]
    assert new["messages"][1]["action"] == "escalate"
    assert new["messages"][1]["reason"] == "asked for a person"
    assert new["handoff"] == {"id": new["handoff"]["id"], "status": "open", "position": 1}
    queue = mona.get("/api/agent/handoffs?status=open").json["handoffs"]
    assert len(queue) == 1
    # The agent sees the question before "let me talk to someone", not the request.
    assert queue[0]["first_question"] == "وين طلبي الحين"
    assert queue[0]["candidates"][0]["article_id"] == "order-tracking"


def test_the_bot_stays_silent_while_a_person_has_the_conversation(chat_app, customer):
    customer.say("بدي احكي مع حدا")
    for text in ["مرحبا؟", "وين طلبي الحين", "شكرا"]:
        new = customer.say(text)["messages"]
        assert [m["role"] for m in new] == ["customer"]
    db = database(chat_app)
    rows = list(db.query("SELECT role, handoff_id FROM messages WHERE role = 'customer'"))
    assert [r["handoff_id"] is not None for r in rows] == [True, True, True, True]
    # With no question before the request, the first one after it is the question
    # (the one learned when an agent links an article); the queue shows the request
    # until then.
    assert db.execute("SELECT first_question FROM handoffs").fetchone()[0] == "مرحبا؟"


def test_a_request_for_a_person_alone_is_shown_but_never_learned(chat_app, customer, mona):
    handoff_id = customer.say("بدي احكي مع حدا")["handoff"]["id"]
    assert mona.get("/api/agent/handoffs").json["handoffs"][0]["first_question"] == "بدي احكي مع حدا"
    mona.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR)
    mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", headers=XHR,
              json={"outcome": "article", "article_id": "order-tracking"})
    assert database(chat_app)["learned_questions"].count == 0


def test_the_handoff_endpoint_takes_optional_contact_details(chat_app, customer, mona):
    response = customer.handoff()
    assert response.status_code == 200 and response.json["status"] == "open"
    assert [m["role"] for m in response.json["messages"]] == ["bot", "system"]
    again = customer.handoff(name="سارة", email="sara@example.com")
    assert again.json["id"] == response.json["id"] and again.json["messages"] == []
    assert "email" not in again.json  # contact details are for agents only
    listed = mona.get("/api/agent/handoffs").json["handoffs"][0]
    assert (listed["name"], listed["email"]) == ("سارة", "sara@example.com")


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x@y.z", "a b@example.com",
                                   "<script>@x.com", "a@@example.com", "a" * 300 + "@x.com"])
def test_an_invalid_email_is_refused(customer, email):
    response = customer.handoff(email=email)
    assert response.status_code == 400 and "error" in response.json


def test_a_wrong_or_missing_token_gets_404(chat_app, customer):
    customer.say("وين طلبي الحين")
    client = chat_app.test_client()
    url = f"/api/conversations/{customer.id}"
    for headers in ({}, {"X-Conversation-Token": "guess"},
                    {"X-Conversation-Token": customer.token + "x"}):
        assert client.get(url + "/messages", headers=headers).status_code == 404
        assert client.post(url + "/messages", json={"text": "hi"}, headers=headers).status_code == 404
        assert client.post(url + "/handoff", json={}, headers=headers).status_code == 404
        assert client.post(url + "/rating", json={"score": 5}, headers=headers).status_code == 404
    assert client.get(f"/api/conversations/{customer.id + 1}/messages",
                      headers=customer.headers).status_code == 404


@pytest.mark.parametrize("body, status", [
    ({}, 400), ({"text": ""}, 400), ({"text": "   "}, 400), ({"text": 5}, 400),
    ({"text": "a" * 1001}, 413), ({"text": "hi\x00there"}, 400),
    ({"text": "hi", "choice": "explode"}, 400), ({"text": "hi", "choice": 3}, 400),
])
def test_bad_messages_get_clear_errors(customer, body, status):
    response = customer.client.post(f"/api/conversations/{customer.id}/messages", json=body,
                                    headers=customer.headers)
    assert response.status_code == status and response.json["error"]


@pytest.mark.parametrize("after", ["99999999999999999999", "9223372036854775808", "²", "-1",
                                   "1e3"])
def test_an_after_that_is_no_message_id_is_a_clear_error(customer, after):
    response = customer.client.get(f"/api/conversations/{customer.id}/messages?after={after}",
                                   headers=customer.headers)
    assert response.status_code == 400 and "after" in response.json["error"]


@pytest.mark.parametrize("handoff_id", [10 ** 20, 2 ** 63, -1, True, "1"])
def test_a_handoff_id_that_is_no_id_is_a_clear_error(customer, handoff_id):
    response = customer.handoff(handoff_id=handoff_id)
    assert response.status_code == 400 and "handoff_id" in response.json["error"]


def test_a_suggestion_removed_meanwhile_is_asked_as_a_question(chat_app, customer):
    """Live reload took an article away between the suggestions and the click: the
    button's text is then a new question, never a crash."""
    from bot import Bot
    from kb.index import Index
    customer.say("how do i send something back and is shipping free")
    first = customer.say("No", choice="not_helpful")["messages"][1]
    gone = first["suggestions"][0]
    serving = chat_app.extensions["dalil"]
    kept = [a for a in serving.index.articles if a.id != gone["article_id"]]
    chat_app.extensions["dalil"] = Bot(Index(kept))
    try:
        new = customer.say(gone["title"], choice="article:" + gone["article_id"])["messages"]
        assert new[1]["role"] == "bot" and new[1]["article_id"] != gone["article_id"]
    finally:
        chat_app.extensions["dalil"] = serving


def test_non_json_is_refused(customer):
    response = customer.client.post(f"/api/conversations/{customer.id}/messages",
                                    data="text=hi", headers=customer.headers,
                                    content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_rating_needs_a_resolved_handoff_and_a_score_from_1_to_5(chat_app, customer, mona):
    assert customer.rate(5).status_code == 409
    handoff_id = customer.handoff().json["id"]
    mona.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR)
    mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", json={"outcome": "not_support"},
              headers=XHR)
    for bad in (0, 6, "5", 4.5, True, None):
        assert customer.rate(bad).status_code == 400
    assert customer.rate(4, "سريع ومفيد").status_code == 201
    assert customer.rate(5).status_code == 409
    row = next(database(chat_app).query("SELECT score, comment FROM ratings"))
    assert row == {"score": 4, "comment": "سريع ومفيد"}


def test_the_conversation_api_answers_cors_for_the_widget_on_other_sites(customer):
    response = customer.client.options(f"/api/conversations/{customer.id}/messages",
                                       headers={"Origin": "https://shop.example",
                                                "Access-Control-Request-Method": "POST"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Conversation-Token" in response.headers["Access-Control-Allow-Headers"]
    agent_api = customer.client.options("/api/agent/handoffs")
    assert "Access-Control-Allow-Origin" not in agent_api.headers


def test_the_chat_page_and_widget_script_are_served_in_both_languages(chat_app):
    client = chat_app.test_client()
    page = client.get("/chat")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and "/widget.js" in page.text
    english = client.get("/chat?lang=en")
    assert 'dir="ltr"' in english.text and 'data-lang="en"' in english.text
    script = client.get("/widget.js")
    assert script.status_code == 200 and script.mimetype == "application/javascript"
    assert "تحدّث معنا" in script.text and "Chat with us" in script.text
    assert "X-Conversation-Token" in script.text and "localStorage" in script.text


def test_the_widget_never_takes_its_address_from_the_host_header(chat_app):
    # The script is cached publicly: a forged Host must not end up in anyone's copy.
    client = chat_app.test_client()
    forged = client.get("/widget.js", headers={"Host": "evil.example",
                                               "X-Forwarded-Host": "evil.example"})
    plain = client.get("/widget.js")
    assert forged.status_code == 200 and "evil.example" not in forged.text
    assert forged.data == plain.data  # the same bytes whoever asks: nothing to Vary on
    assert "currentScript" in forged.text and "script.src" in forged.text
    assert forged.headers["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in forged.headers
    asked_in_english = client.get("/widget.js?lang=en")
    assert asked_in_english.data == plain.data and "Set-Cookie" not in asked_in_english.headers
    # Behind a proxy or on a CDN the setting names the address.
    chat_app.config["PUBLIC_URL"] = "https://help.example.com/"
    configured = client.get("/widget.js", headers={"Host": "evil.example"})
    assert '"https://help.example.com"' in configured.text
    assert "evil.example" not in configured.text


def _resolve(agent, handoff_id):
    agent.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR)
    agent.post(f"/api/agent/handoffs/{handoff_id}/resolve", json={"outcome": "not_support"},
               headers=XHR)


def test_contact_details_for_a_resolved_handoff_open_no_new_one(chat_app, customer, mona):
    first = customer.handoff().json["id"]
    saved = customer.handoff(name="Sara", handoff_id=first)
    assert saved.status_code == 200 and saved.json["id"] == first
    _resolve(mona, first)
    late = customer.handoff(name="Sara", email="sara@example.com", handoff_id=first)
    assert late.status_code == 409 and "resolved" in late.json["error"]
    db = database(chat_app)
    assert [h["status"] for h in db.query("SELECT status FROM handoffs")] == ["resolved"]
    assert not next(db.query("SELECT email FROM conversations"))["email"]
    assert customer.handoff(handoff_id=first + 99).status_code == 409
    assert customer.handoff(handoff_id="1").status_code == 400


def test_asking_for_a_person_again_after_a_resolution_opens_a_new_handoff(chat_app, customer,
                                                                          mona):
    first = customer.handoff().json["id"]
    _resolve(mona, first)
    again = customer.handoff(name="Sara")
    assert again.status_code == 200 and again.json["status"] == "open"
    assert again.json["id"] != first and [m["role"] for m in again.json["messages"]] == [
        "bot", "system"]
