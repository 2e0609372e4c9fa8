"""Learning cannot be poisoned: a customer asks about one thing, asks for a person, then
states the real problem; the agent resolves with the article for the real problem.
What the bot learns is that problem — never the first, unrelated question — through the
real Flask client, the real SQLite file and the serving bot's watcher."""
import re

import pytest

from chat_fixtures import XHR, Customer, agent_client, database, make_app

# (the question no article answers, the request for a person, the real problem)
SCENARIOS = [
    ("عندكم وظائف شاغرة؟", "بدي موظف", "طلبي متأخر وما وصلني لحد الحين"),
    ("do you have job openings?", "talk to a real person",
     "my order is late, it should have arrived last week"),
]


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, RATELIMIT_ENABLED=False)


def ask(app, question):
    return app.test_client().post("/api/ask", json={"question": question}).json


@pytest.mark.parametrize("jobs, person, late", SCENARIOS)
def test_the_real_problem_teaches_the_bot_not_the_first_question(app, jobs, person, late):
    before = ask(app, jobs)
    customer = Customer(app.test_client())
    for text in (jobs, person, late):
        customer.say(text)
    mona = agent_client(app, "mona")
    [handoff] = mona.get("/api/agent/handoffs?status=open").json["handoffs"]
    assert mona.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR).status_code == 200
    # The agent accepts the default: no "question" in the call.
    resolved = mona.post(f"/api/agent/handoffs/{handoff['id']}/resolve", headers=XHR,
                         json={"outcome": "article", "article_id": "order-tracking"})
    assert resolved.status_code == 200, resolved.json

    learned = {(row["article_id"], row["question"]) for row in
               database(app).query("SELECT article_id, question FROM learned_questions")}
    assert ("order-tracking", late) in learned
    assert all(question not in (jobs, person) for _, question in learned)

    assert app.extensions["dalil_watcher"].take_learned() is True
    after = ask(app, jobs)
    assert after["article_id"] != "order-tracking"
    assert (after["action"], after["article_id"]) == (before["action"], before["article_id"])
    assert ask(app, late)["article_id"] == "order-tracking"


def test_the_console_offers_the_real_problem_first(app):
    jobs, person, late = SCENARIOS[0]
    customer = Customer(app.test_client())
    for text in (jobs, person, late):
        customer.say(text)
    mona = agent_client(app, "mona")
    [handoff] = mona.get("/api/agent/handoffs?status=open").json["handoffs"]
    url = f"/agent/handoffs/{handoff['id']}"
    page = mona.get(url).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert mona.post(url + "/claim", data={"csrf_token": token}).status_code == 303
    page = mona.get(url).text
    offered = dict(re.findall(r'name="question" value="([^"]*)"( checked)?', page))
    assert offered == {jobs: "", late: " checked", "": ""}  # the request is not offered
    # The form as the page sends it (without script): the checked radio.
    done = mona.post(url + "/resolve", data={"csrf_token": token, "outcome": "article",
                                             "article_id": "order-tracking",
                                             "question": late, "question_edit": ""})
    assert done.status_code == 303
    learned = [row["question"] for row in
               database(app).query("SELECT question FROM learned_questions")]
    assert learned == [late]
