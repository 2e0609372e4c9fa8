"""The bot learns: an agent's article-linked resolution and a customer's "yes" become
learned questions that the serving bot takes in without a restart; a "no" flags the
learned question behind an answer; removing one rebuilds the bot without it."""
import re

import pytest

from bot import store
from bot.desk import learning
from chat_fixtures import (XHR, Customer, agent_client, chat_app, database,  # noqa: F401
                           make_app, shared_app)

# Asked in a way none of the small help center's questions is: the bot cannot place it.
QUESTION = "الكرتونة وصلت مفتوحة وناقص منها قطعة"


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, RATELIMIT_ENABLED=False)


def ask(app, question):
    return app.test_client().post("/api/ask", json={"question": question}).json


def learn_through_a_handoff(app, question, article_id, agent="mona"):
    customer = Customer(app.test_client())
    customer.say(question)
    customer.say("بدي احكي مع موظف")
    client = agent_client(app, agent)
    handoff = client.get("/api/agent/handoffs?status=open").json["handoffs"][0]
    assert handoff["first_question"] == question
    assert client.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR).status_code == 200
    response = client.post(f"/api/agent/handoffs/{handoff['id']}/resolve", headers=XHR,
                           json={"outcome": "article", "article_id": article_id})
    assert response.status_code == 200, response.json
    return customer


def test_an_article_linked_resolution_teaches_the_serving_bot(app):
    assert ask(app, QUESTION)["article_id"] != "return-policy"
    learn_through_a_handoff(app, QUESTION, "return-policy")
    # The server's watcher takes it in (in production every LIVE_RELOAD_INTERVAL).
    assert app.extensions["dalil_watcher"].take_learned() is True
    reply = ask(app, QUESTION)
    assert (reply["action"], reply["article_id"]) == ("answer", "return-policy")


def test_a_restarted_server_starts_with_what_was_learned(app, tmp_path):
    learn_through_a_handoff(app, QUESTION, "return-policy")
    restarted = make_app(tmp_path, RATELIMIT_ENABLED=False)
    assert ask(restarted, QUESTION)["article_id"] == "return-policy"


def test_yes_after_an_answer_teaches_the_question(app):
    customer = Customer(app.test_client())
    reply = customer.say("ابي اعرف وين وصلت شحنتي بالضبط")["messages"][-1]
    assert reply["action"] == "answer" and reply["article_id"] == "order-tracking"
    customer.say("نعم", choice="helpful")
    db = database(app)
    rows = [(r["article_id"], r["question"], r["source"]) for r in store.list_learned(db)]
    assert rows == [("order-tracking", "ابي اعرف وين وصلت شحنتي بالضبط", "customer")]


def test_yes_after_a_one_word_question_teaches_nothing(app):
    # "الارجاع" names a topic: suggestions, one chosen, a "yes" — the word must not be
    # learned, or it would answer every customer who types it.
    customer = Customer(app.test_client())
    reply = customer.say("الارجاع")["messages"][-1]
    assert reply["action"] == "suggest"
    assert "return-policy" in [s["article_id"] for s in reply["suggestions"]]
    chosen = customer.say("ما سياسة الإرجاع", choice="article:return-policy")["messages"][-1]
    assert chosen["action"] == "answer"
    customer.say("نعم", choice="helpful")
    assert store.list_learned(database(app)) == []


def test_no_after_an_answer_from_a_learned_question_flags_it(app):
    learn_through_a_handoff(app, QUESTION, "return-policy")
    app.extensions["dalil_watcher"].take_learned()
    customer = Customer(app.test_client())
    reply = customer.say(QUESTION)["messages"][-1]
    assert reply["article_id"] == "return-policy"
    customer.say("لا", choice="not_helpful")
    [row] = store.list_learned(database(app))
    assert (row["question"], row["disputed"]) == (QUESTION, 1)


def test_removing_a_learned_question_rebuilds_the_bot_without_it(app):
    learn_through_a_handoff(app, QUESTION, "return-policy")
    watcher = app.extensions["dalil_watcher"]
    watcher.take_learned()
    assert ask(app, QUESTION)["article_id"] == "return-policy"
    [row] = store.list_learned(database(app))
    assert store.remove_learned_question(database(app), row["id"]) is True
    assert watcher.take_learned() is True  # a removal: a full rebuild
    assert QUESTION not in app.extensions["dalil"].index.questions


def test_nothing_new_changes_nothing(app):
    watcher = app.extensions["dalil_watcher"]
    bot = app.extensions["dalil"]
    assert watcher.take_learned() is False
    assert app.extensions["dalil"] is bot


def test_agents_review_and_remove_learned_questions_in_the_console(app):
    learn_through_a_handoff(app, QUESTION, "return-policy")
    client = agent_client(app, "omar")
    page = client.get("/agent/learned?lang=ar").get_data(as_text=True)
    assert QUESTION in page and "ما سياسة الإرجاع" in page
    [row] = client.get("/api/agent/learned").json["learned"]
    assert (row["article_id"], row["source"], row["agent"]) == ("return-policy", "agent", "mona")
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/agent/learned/{row['id']}/remove", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/api/agent/learned").json["learned"] == []
    assert client.post(f"/api/agent/learned/{row['id']}/remove", headers=XHR).status_code == 404


def test_learned_questions_are_for_agents_only(app):
    client = app.test_client()
    assert client.get("/agent/learned").status_code == 302
    assert client.get("/api/agent/learned").status_code == 401
    assert client.post("/api/agent/learned/1/remove", headers=XHR).status_code == 401


def test_removing_needs_the_form_token_or_the_header(app):
    learn_through_a_handoff(app, QUESTION, "return-policy")
    client = agent_client(app, "omar")
    [row] = client.get("/api/agent/learned").json["learned"]
    assert client.post(f"/agent/learned/{row['id']}/remove").status_code == 400
    assert client.post(f"/api/agent/learned/{row['id']}/remove").status_code == 403
    assert len(client.get("/api/agent/learned").json["learned"]) == 1


def test_hostile_learned_questions_are_escaped(app):
    hostile = "<script>alert(1)</script> وين الطلب"
    learn_through_a_handoff(app, hostile, "order-tracking")
    page = agent_client(app, "omar").get("/agent/learned").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_agent_relinking_a_question_replaces_the_earlier_link(app):
    learn_through_a_handoff(app, QUESTION, "return-policy")
    learn_through_a_handoff(app, QUESTION, "order-tracking", agent="omar")
    rows = [(r["article_id"], r["question"]) for r in store.list_learned(database(app))]
    assert rows == [("order-tracking", QUESTION)]
    app.extensions["dalil_watcher"].take_learned()
    assert ask(app, QUESTION)["article_id"] == "order-tracking"


# --- what teaches the bot, and what never does ------------------------------------------

def open_handoff(app, *texts, agent="mona"):
    """A customer says ``texts`` (the first one a question the bot cannot place, then
    a request for a person, then whatever follows); ``agent`` claims the handoff.
    Return (the agent's client, the handoff id)."""
    customer = Customer(app.test_client())
    for text in texts:
        customer.say(text)
    client = agent_client(app, agent)
    [handoff] = client.get("/api/agent/handoffs?status=open").json["handoffs"]
    assert client.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR).status_code == 200
    return client, handoff["id"]


def resolve(client, handoff_id, article_id="return-policy", **body):
    return client.post(f"/api/agent/handoffs/{handoff_id}/resolve", headers=XHR,
                       json={"outcome": "article", "article_id": article_id, **body})


def learned_rows(app):
    return [(r["article_id"], r["question"], r["status"])
            for r in store.list_learned(database(app), held=True)]


@pytest.mark.parametrize("text, why", [
    ("بدي احكي مع حدا", "a request for a person"),
    ("talk to a real person", "a request for a person"),
    ("is anyone there?", "a request for a person"),
    ("مرحبا", "small talk"),
    ("thanks!", "small talk"),
    ("ايوه", "a yes or no"),
    ("nope", "a yes or no"),
    ("طلبي", "too short"),
    ("ok 55312", "a number or an e-mail address"),
    ("it's 55312", "a number or an e-mail address"),
    ("my email is sara@example.com", "a number or an e-mail address"),
    ("رقمي 0551234567", "a number or an e-mail address"),
    ("طلبي متأخر", None),
    ("الكرتونة وصلت مفتوحة", None),
    ("where is my parcel", None),
])
def test_only_questions_can_teach_by_default(text, why):
    assert learning.why_not_teach(text) == why


def test_the_default_is_the_last_message_that_can_teach():
    assert learning.default_question(["عندكم وظائف شاغرة؟", "طلبي متأخر"]) == "طلبي متأخر"
    assert learning.default_question([]) is None


def test_the_agent_may_reword_what_the_bot_learns(chat_app):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف")
    response = resolve(client, handoff_id, question="  الكرتونة وصلت ناقصة قطعة  ")
    assert response.status_code == 200, response.json
    assert response.json["learned"]["question"] == "الكرتونة وصلت ناقصة قطعة"
    assert response.json["learned"]["status"] == "live"
    assert response.json["learned"]["handoff_id"] == handoff_id
    assert learned_rows(chat_app) == [("return-policy", "الكرتونة وصلت ناقصة قطعة", "live")]


def test_an_agent_may_teach_nothing(chat_app):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف")
    response = resolve(client, handoff_id, question=None)
    assert response.status_code == 200 and response.json["status"] == "resolved"
    assert response.json["learned"] is None and learned_rows(chat_app) == []


@pytest.mark.parametrize("question, error", [
    ("ابي اكلم موظف", "a request for a person"),
    ("شكرا", "small talk"),
    ("لا", "a yes or no"),
    ("", "leave it out"),
    ("   ", "leave it out"),
    (42, "must be text"),
    ("x" * 2000, "too long"),
])
def test_a_question_that_cannot_teach_is_refused_and_nothing_changes(chat_app, question, error):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف")
    response = resolve(client, handoff_id, question=question)
    assert response.status_code == 400 and error in response.json["error"]
    assert client.get(f"/api/agent/handoffs/{handoff_id}").json["status"] == "claimed"
    assert learned_rows(chat_app) == []


def test_requests_for_a_person_and_small_talk_are_never_learned(chat_app):
    # No question at all: a request for a person, a greeting, "is anyone there?", a yes.
    client, handoff_id = open_handoff(chat_app, "بدي احكي مع موظف", "مرحبا؟", "is anyone there?",
                                      "ايوه")
    response = resolve(client, handoff_id, article_id="order-tracking")
    assert response.status_code == 200 and response.json["learned"] is None
    assert learned_rows(chat_app) == []


def test_a_question_that_is_another_articles_writer_question_is_held(app):
    # "كم سعر التوصيل" is a writer's question of shipping-costs.
    client, handoff_id = open_handoff(app, QUESTION, "بدي احكي مع موظف")
    response = resolve(client, handoff_id, article_id="order-tracking",
                       question="كم سعر التوصيل؟")
    learned = response.json["learned"]
    assert (learned["status"], learned["conflict_article_id"]) == ("review", "shipping-costs")
    assert learned["conflict_question"] == "كم سعر التوصيل"
    # Held: the bot does not know it, and keeps answering with the writer's article.
    watcher = app.extensions["dalil_watcher"]
    assert store.learned_questions(database(app)) == {}
    assert watcher.take_learned() is False
    assert ask(app, "كم سعر التوصيل؟")["article_id"] == "shipping-costs"


@pytest.mark.parametrize("question", [
    "كم سعر التوصيل",  # the same words
    "كم سعر التوصل",  # a slip: near-verbatim
    "How much is shipping?",  # a title is a writer's question too
    "is delivery free??",
])
def test_a_collision_is_the_same_words_or_near_verbatim(bot, question):
    assert learning.conflict(bot, question, "order-tracking")[0] == "shipping-costs"
    assert learning.conflict(bot, question, "shipping-costs") is None


def test_an_index_that_learned_shares_the_writer_questions_table(bot):
    # Index.learn makes a new index over the same articles: the table of writer
    # questions is not read again for it (at 10,000 articles that is seconds).
    learned = bot.index.learn({"order-tracking": ["وين الشحنة تبعتي يا جماعة"]})
    assert learned is not bot.index
    assert learning._writer_questions(learned) is learning._writer_questions(bot.index)
    assert learning.conflict(bot, "كم سعر التوصيل", "order-tracking")[0] == "shipping-costs"


@pytest.mark.parametrize("question", [
    "كم سعر التوصيل لجدة بعد ما تأخر طلبي",  # shares words, asks more
    QUESTION,
    "where is my parcel",
])
def test_a_different_question_is_no_collision(bot, question):
    assert learning.conflict(bot, question, "return-policy") is None


def test_an_approved_question_goes_live(app):
    client, handoff_id = open_handoff(app, QUESTION, "بدي احكي مع موظف")
    held = resolve(client, handoff_id, article_id="order-tracking",
                   question="كم سعر التوصيل").json["learned"]
    approved = client.post(f"/api/agent/learned/{held['id']}/approve", headers=XHR)
    assert approved.status_code == 200, approved.json
    live = approved.json["learned"]
    assert approved.json["approved"] == held["id"] and live["id"] > held["id"]
    assert (live["status"], live["question"]) == ("live", "كم سعر التوصيل")
    watcher = app.extensions["dalil_watcher"]
    assert watcher.take_learned() is True
    assert "كم سعر التوصيل" in app.extensions["dalil"].index.questions
    # Approving twice, or a live one: there is no held question with that id.
    for learned_id in (held["id"], live["id"]):
        again = client.post(f"/api/agent/learned/{learned_id}/approve", headers=XHR)
        assert again.status_code == 404


def test_an_approval_and_a_removal_in_one_poll_both_reach_the_bot(app):
    # Live, held, live; then the first is removed and the held one approved before the
    # watcher looks: the live count is the same, yet the bot must change.
    learn_through_a_handoff(app, QUESTION, "return-policy")
    client, handoff_id = open_handoff(app, "متى تفتحون الفرع", "بدي احكي مع موظف",
                                      agent="omar")
    held = resolve(client, handoff_id, article_id="order-tracking",
                   question="كم سعر التوصيل").json["learned"]
    learn_through_a_handoff(app, "الكرتونة وصلت مفتوحة وابي ارجعها", "return-policy",
                            agent="sara")
    watcher = app.extensions["dalil_watcher"]
    assert watcher.take_learned() is True
    db = database(app)
    [first] = [r for r in store.list_learned(db) if r["question"] == QUESTION]
    assert store.remove_learned_question(db, first["id"])
    assert client.post(f"/api/agent/learned/{held['id']}/approve", headers=XHR).status_code == 200
    assert watcher.take_learned() is True
    questions = app.extensions["dalil"].index.questions
    assert QUESTION not in questions and "كم سعر التوصيل" in questions


def test_approve_and_remove_held_questions_in_the_console(chat_app):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف")
    resolve(client, handoff_id, article_id="order-tracking", question="كم سعر التوصيل")
    learn_through_a_handoff(chat_app, "الكرتونة وصلت مفتوحة وابي ارجعها", "return-policy",
                            agent="omar")
    page = client.get("/agent/learned?lang=en").get_data(as_text=True)
    # The held one comes first, says why, and can be approved; both link their handoff.
    assert page.index("كم سعر التوصيل") < page.index("الكرتونة وصلت مفتوحة")
    assert "Held for review" in page and "“كم سعر التوصيل” of “كم تكلفة الشحن؟”" in page
    assert page.count(">Approve<") == 1
    assert f'href="/agent/handoffs/{handoff_id}"' in page
    [held] = [r for r in client.get("/api/agent/learned").json["learned"]
              if r["status"] == "review"]
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/agent/learned/{held['id']}/approve").status_code == 400  # no token
    done = client.post(f"/agent/learned/{held['id']}/approve?lang=en",
                       data={"csrf_token": token}, follow_redirects=True)
    assert done.status_code == 200 and "Approved." in done.get_data(as_text=True)
    assert {r["status"] for r in client.get("/api/agent/learned").json["learned"]} == {"live"}
    assert client.post(f"/agent/learned/{held['id']}/approve",
                       data={"csrf_token": token}).status_code == 404


def test_a_customer_confirmed_question_says_so_in_the_console(chat_app):
    customer = Customer(chat_app.test_client())
    customer.say("ابي اعرف وين وصلت شحنتي بالضبط")
    customer.say("نعم", choice="helpful")
    page = agent_client(chat_app, "omar").get("/agent/learned?lang=en").get_data(as_text=True)
    assert "Customer confirmed" in page and "/agent/handoffs/" not in page


def test_the_resolve_form_offers_the_customers_questions(chat_app):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف", "ايوه",
                                      "والطلب رقمه 553121", "وصلتني ناقصة قطعة الشاحن")
    page = client.get(f"/agent/handoffs/{handoff_id}").get_data(as_text=True)
    offered = re.findall(r'name="question" value="([^"]*)"( checked)?', page)
    # The questions (the default, the last one, chosen), and "teach nothing"; not the
    # request for a person, the yes or the order number.
    assert offered == [(QUESTION, ""), ("وصلتني ناقصة قطعة الشاحن", " checked"), ("", "")]
    assert 'name="question_edit"' in page


@pytest.mark.parametrize("form, learned", [
    ({}, "وصلتني ناقصة قطعة الشاحن"),  # no choice sent: the default
    ({"question": QUESTION}, QUESTION),  # another of the customer's messages
    ({"question": QUESTION, "question_edit": "وصلت الكرتونة ناقصة"}, "وصلت الكرتونة ناقصة"),
    ({"question": ""}, None),  # teach nothing
])
def test_the_resolve_form_teaches_what_the_agent_picked(chat_app, form, learned):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف",
                                      "وصلتني ناقصة قطعة الشاحن")
    url = f"/agent/handoffs/{handoff_id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)
    done = client.post(url + "/resolve", data={"csrf_token": token, "outcome": "article",
                                               "article_id": "return-policy", **form})
    assert done.status_code == 303
    assert learned_rows(chat_app) == ([("return-policy", learned, "live")] if learned else [])
    page = client.get(url).get_data(as_text=True)
    assert (learned or "لم يتعلّم البوت شيئًا") in page.split("ما تعلّمه البوت من هذه المحادثة")[1]


def test_a_refused_question_in_the_form_keeps_the_handoff_and_says_why(chat_app):
    client, handoff_id = open_handoff(chat_app, QUESTION, "بدي احكي مع موظف")
    url = f"/agent/handoffs/{handoff_id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)
    refused = client.post(url + "/resolve", data={
        "csrf_token": token, "outcome": "article", "article_id": "return-policy",
        "question_edit": "ابي اكلم موظف"})
    assert refused.status_code == 400 and "a request for a person" in refused.text
    assert learned_rows(chat_app) == []
