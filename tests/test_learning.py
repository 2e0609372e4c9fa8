"""The bot learns: an agent's article-linked resolution and a customer's "yes" become
learned questions that the serving bot takes in without a restart; a "no" flags the
learned question behind an answer; removing one rebuilds the bot without it."""
import pytest

from bot import store
from chat_fixtures import XHR, Customer, agent_client, database, make_app

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
