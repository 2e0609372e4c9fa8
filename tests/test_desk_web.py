"""The desk's routing through the real Flask client: the agent's status and capacity,
automatic assignment, transfers and escalations with their reasons, SLA marks in the
queue, the console's forms, and clear 4xx for bad requests. The app reads the shipped
teams.toml (first-line, payments, returns; levels 1, 2, supervisor). Rerun on PostgreSQL
by tests/test_store_postgres_desk.py."""
import re

import pytest

from bot.desk import agents
from chat_fixtures import (XHR, Customer, agent_client, chat_app, database,  # noqa: F401
                           shared_app)


def _csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def place(app, name, team, level="1"):
    db = database(app)
    try:
        agents.set_place(db, name, app.extensions["dalil_teams"], team=team, level=level)
    finally:
        db.close()


def signed_in(app, name, team, level="1", status="online"):
    """A client signed in as a new agent ``name`` of ``team`` at ``level``, ``status``."""
    client = agent_client(app, name)
    place(app, name, team, level)
    if status != "offline":
        response = client.post("/api/agent/status", json={"status": status}, headers=XHR)
        assert response.status_code == 200, response.json
    return client


def returns_handoff(app):
    """A customer whose question the returns article answered, then asked for a person:
    a handoff of the returns team. Return (customer, handoff id)."""
    customer = Customer(app.test_client())
    customer.say("ابي ارجع المنتج")
    handoff = customer.say("ابي اكلم موظف")["handoff"]
    return customer, handoff["id"]


def test_status_and_capacity_are_set_from_the_api(chat_app):
    mona = agent_client(chat_app, "mona")
    assert mona.get("/api/agent/status").json == {
        "name": "mona", "team": None, "level": "1", "status": "offline", "capacity": 3,
        "load": 0}
    set_ = mona.post("/api/agent/status", json={"status": "away", "capacity": 5}, headers=XHR)
    assert set_.status_code == 200
    assert (set_.json["status"], set_.json["capacity"]) == ("away", 5)
    assert mona.get("/api/agent/status").json["status"] == "away"


@pytest.mark.parametrize("body, problem", [
    ({"status": "busy"}, "online, away or offline"),
    ({"capacity": 0}, "1 to 20"),
    ({"capacity": "4"}, "whole number"),
    ({"capacity": True}, "whole number"),
    ({}, "give a status"),
])
def test_a_bad_status_is_a_400_saying_why(chat_app, body, problem):
    mona = agent_client(chat_app, "mona")
    response = mona.post("/api/agent/status", json=body, headers=XHR)
    assert response.status_code == 400 and problem in response.json["error"]
    assert mona.get("/api/agent/status").json["status"] == "offline"


def test_the_status_call_needs_a_session_and_the_header(chat_app):
    client = chat_app.test_client()
    assert client.post("/api/agent/status", json={"status": "online"},
                       headers=XHR).status_code == 401
    mona = agent_client(chat_app, "mona")
    assert mona.post("/api/agent/status", json={"status": "online"}).status_code == 403
    assert mona.get("/api/agent/status").json["status"] == "offline"


def test_a_handoff_reaches_the_online_agent_of_its_team(chat_app):
    mona = signed_in(chat_app, "mona", "returns")
    sara = signed_in(chat_app, "sara", "first-line")
    customer, handoff_id = returns_handoff(chat_app)
    mine = mona.get("/api/agent/handoffs?status=mine").json["handoffs"]
    assert [h["id"] for h in mine] == [handoff_id]
    assert mine[0]["team"] == "returns" and mine[0]["level"] == "1"
    assert mine[0]["team_title"] == "المرتجعات" and mine[0]["next_level"] == "2"
    assert mine[0]["sla"]["state"] in ("ok", "soon", "breached")
    assert set(mine[0]["sla"]) == {"state", "first_response", "resolution",
                                   "first_response_due", "resolution_due"}
    assert sara.get("/api/agent/handoffs?status=mine").json["handoffs"] == []
    assert customer.new_messages()["handoff"]["status"] == "claimed"


def test_the_queue_filters_by_team(chat_app):
    mona = agent_client(chat_app, "mona")  # offline: it waits
    _, handoff_id = returns_handoff(chat_app)
    only = mona.get("/api/agent/handoffs?status=open&team=returns").json["handoffs"]
    assert [h["id"] for h in only] == [handoff_id]
    assert mona.get("/api/agent/handoffs?status=open&team=payments").json["handoffs"] == []
    unknown = mona.get("/api/agent/handoffs?status=open&team=sales")
    assert unknown.status_code == 400 and "sales" in unknown.json["error"]


def test_coming_online_takes_what_waits_up_to_the_capacity(chat_app):
    mona = agent_client(chat_app, "mona")
    place(chat_app, "mona", "returns")
    ids = [returns_handoff(chat_app)[1] for _ in range(3)]
    assert mona.get("/api/agent/handoffs?status=mine").json["handoffs"] == []
    online = mona.post("/api/agent/status", json={"status": "online", "capacity": 2},
                       headers=XHR)
    assert online.json["load"] == 2
    mine = [h["id"] for h in mona.get("/api/agent/handoffs?status=mine").json["handoffs"]]
    assert mine == ids[:2]  # the oldest first
    mona.post(f"/api/agent/handoffs/{ids[0]}/resolve", json={"outcome": "not_support"},
              headers=XHR)
    mine = [h["id"] for h in mona.get("/api/agent/handoffs?status=mine").json["handoffs"]]
    assert mine == ids[1:]


def test_a_transfer_to_another_team_reaches_it_with_its_reason(chat_app):
    mona = signed_in(chat_app, "mona", "returns")
    omar = signed_in(chat_app, "omar", "payments")
    _, handoff_id = returns_handoff(chat_app)
    moved = mona.post(f"/api/agent/handoffs/{handoff_id}/transfer", headers=XHR,
                      json={"team": "payments", "reason": "charged twice for the return"})
    assert moved.status_code == 200, moved.json
    assert (moved.json["team"], moved.json["assignee"]) == ("payments", "omar")
    assert moved.json["transfer"]["reason"] == "charged twice for the return"
    detail = omar.get(f"/api/agent/handoffs/{handoff_id}").json
    assert detail["transfer"]["from_agent"] == "mona"
    assert detail["transfer"]["from_team"] == "returns"
    assert [t["reason"] for t in detail["transfers"]] == ["charged twice for the return"]
    page = omar.get(f"/agent/handoffs/{handoff_id}").text
    assert 'id="transfer-reason"' in page and "charged twice for the return" in page
    queue = omar.get("/agent/?status=mine").text
    assert "charged twice for the return" in queue


def test_an_escalation_goes_to_level_two_with_its_reason(chat_app):
    mona = signed_in(chat_app, "mona", "returns")
    lina = signed_in(chat_app, "lina", "returns", level="2")
    _, handoff_id = returns_handoff(chat_app)
    assert mona.get(f"/api/agent/handoffs/{handoff_id}").json["assignee"] == "mona"
    up = mona.post(f"/api/agent/handoffs/{handoff_id}/escalate", headers=XHR,
                   json={"reason": "refund above the limit"})
    assert up.status_code == 200, up.json
    assert (up.json["level"], up.json["assignee"], up.json["next_level"]) == (
        "2", "lina", "supervisor")
    assert up.json["transfer"]["kind"] == "escalate"
    page = lina.get(f"/agent/handoffs/{handoff_id}").text
    assert "refund above the limit" in page
    # Not mona's any more: she cannot move it again.
    again = mona.post(f"/api/agent/handoffs/{handoff_id}/escalate", headers=XHR,
                      json={"reason": "again"})
    assert again.status_code == 409 and again.json["holder"] == "lina"


@pytest.mark.parametrize("url, body, status, problem", [
    ("transfer", {"team": "payments"}, 400, "empty"),
    ("transfer", {"team": "payments", "reason": 7}, 400, "reason"),
    ("transfer", {"team": "sales", "reason": "x"}, 400, "no team"),
    ("transfer", {"team": "returns", "reason": "x"}, 400, "already in returns"),
    ("transfer", {"agent": "nobody", "reason": "x"}, 400, "no agent"),
    ("transfer", {"reason": "x"}, 400, "exactly one"),
    ("transfer", {"team": "payments", "reason": "x" * 501}, 400, "too long"),
    ("escalate", {}, 400, "empty"),
])
def test_a_transfer_or_escalation_that_cannot_be_done_is_a_400(chat_app, url, body, status,
                                                               problem):
    mona = signed_in(chat_app, "mona", "returns")
    _, handoff_id = returns_handoff(chat_app)
    response = mona.post(f"/api/agent/handoffs/{handoff_id}/{url}", json=body, headers=XHR)
    assert response.status_code == status and problem in response.json["error"]
    assert mona.get(f"/api/agent/handoffs/{handoff_id}").json["assignee"] == "mona"


def test_moving_a_handoff_one_does_not_hold_or_that_does_not_exist(chat_app):
    mona = signed_in(chat_app, "mona", "returns")
    omar = agent_client(chat_app, "omar")
    _, handoff_id = returns_handoff(chat_app)
    taken = omar.post(f"/api/agent/handoffs/{handoff_id}/transfer", headers=XHR,
                      json={"team": "payments", "reason": "x"})
    assert taken.status_code == 409 and taken.json["holder"] == "mona"
    missing = mona.post("/api/agent/handoffs/999/escalate", headers=XHR, json={"reason": "x"})
    assert missing.status_code == 404
    forged = mona.post(f"/api/agent/handoffs/{handoff_id}/escalate", json={"reason": "x"})
    assert forged.status_code == 403


def test_the_top_level_cannot_be_escalated(chat_app):
    boss = signed_in(chat_app, "boss", "returns", level="supervisor")
    mona = signed_in(chat_app, "mona", "returns")
    lina = signed_in(chat_app, "lina", "returns", level="2")
    _, handoff_id = returns_handoff(chat_app)
    mona.post(f"/api/agent/handoffs/{handoff_id}/escalate", headers=XHR, json={"reason": "a"})
    lina.post(f"/api/agent/handoffs/{handoff_id}/escalate", headers=XHR, json={"reason": "b"})
    top = boss.post(f"/api/agent/handoffs/{handoff_id}/escalate", headers=XHR,
                    json={"reason": "c"})
    assert top.status_code == 400 and "top level" in top.json["error"]
    page = boss.get(f"/agent/handoffs/{handoff_id}").text
    assert "هذه المحادثة في أعلى مستوى." in page and 'id="escalate-reason"' not in page
    level = boss.get(f"/api/agent/handoffs/{handoff_id}").json
    assert (level["level_title"], level["next_level"]) == ("المشرف", None)
    assert '<strong id="handoff-level">المشرف</strong>' in page


def test_the_teams_call_lists_teams_levels_and_agents(chat_app):
    mona = signed_in(chat_app, "mona", "returns")
    data = mona.get("/api/agent/teams?lang=en").json
    assert [t["name"] for t in data["teams"]] == ["first-line", "payments", "returns"]
    assert data["teams"][2]["title"] == "Returns"
    assert [lv["name"] for lv in data["levels"]] == ["1", "2", "supervisor"]
    assert data["agents"] == [{"name": "mona", "team": "returns", "level": "1",
                               "status": "online", "capacity": 3, "load": 0}]


def test_the_console_sets_status_transfers_and_escalates_by_form(chat_app):
    mona = signed_in(chat_app, "mona", "returns", status="offline")
    signed_in(chat_app, "omar", "payments")
    signed_in(chat_app, "lina", "payments", level="2")
    _, handoff_id = returns_handoff(chat_app)
    queue = mona.get("/agent/")
    assert 'id="status"' in queue.text and "sla sla-" in queue.text
    saved = mona.post("/agent/status", data={"status": "online", "capacity": "2",
                                             "csrf_token": _csrf(queue.text), "next": "/agent/"})
    assert saved.status_code == 303 and saved.location.endswith("/agent/")
    assert mona.get("/api/agent/status").json["load"] == 1
    bad = mona.post("/agent/status", data={"capacity": "99", "csrf_token": _csrf(queue.text)})
    assert bad.status_code == 400 and "1 to 20" in bad.text
    forged = mona.post("/agent/status", data={"status": "offline"})
    assert forged.status_code == 400 and mona.get("/api/agent/status").json["status"] == "online"

    page = mona.get(f"/agent/handoffs/{handoff_id}").text
    assert 'id="transfer"' in page and 'id="escalate"' in page and 'id="handoff-sla"' in page
    empty = mona.post(f"/agent/handoffs/{handoff_id}/transfer",
                      data={"to_team": "payments", "reason": " ", "csrf_token": _csrf(page)})
    assert empty.status_code == 400 and "empty" in empty.text
    moved = mona.post(f"/agent/handoffs/{handoff_id}/transfer",
                      data={"to_team": "payments", "to_agent": "", "reason": "billing question",
                            "csrf_token": _csrf(page)})
    assert moved.status_code == 303
    omar = chat_app.test_client()
    omar.post("/api/agent/login", json={"name": "omar", "password": "correct horse battery"})
    page = omar.get(f"/agent/handoffs/{handoff_id}").text
    assert "billing question" in page and 'id="escalate"' in page
    up = omar.post(f"/agent/handoffs/{handoff_id}/escalate",
                   data={"reason": "needs a refund approval", "csrf_token": _csrf(page)})
    assert up.status_code == 303
    lina = omar.get(f"/api/agent/handoffs/{handoff_id}").json
    assert (lina["assignee"], lina["level"], lina["transfer"]["reason"]) == (
        "lina", "2", "needs a refund approval")


def test_the_openapi_document_describes_the_desk(chat_app):
    spec = chat_app.test_client().get("/api/openapi.json").json
    for path in ("/api/agent/status", "/api/agent/teams",
                 "/api/agent/handoffs/{handoff_id}/transfer",
                 "/api/agent/handoffs/{handoff_id}/escalate"):
        assert path in spec["paths"]
    handoff = spec["components"]["schemas"]["Handoff"]["properties"]
    assert {"team", "level", "transfer", "sla"} <= set(handoff)
    queue = spec["paths"]["/api/agent/handoffs"]["get"]
    assert any(parameter["name"] == "team" for parameter in queue["parameters"])


def test_signing_out_goes_offline_and_keeps_what_one_holds(chat_app):
    mona = signed_in(chat_app, "mona", "returns")
    _, handoff_id = returns_handoff(chat_app)
    assert mona.get(f"/api/agent/handoffs/{handoff_id}").json["assignee"] == "mona"
    assert mona.post("/api/agent/logout", headers=XHR).status_code == 200
    db = database(chat_app)
    try:
        assert agents.profile(db, "mona")["status"] == "offline"
        assert agents.profile(db, "mona")["load"] == 1
    finally:
        db.close()
    _, waiting = returns_handoff(chat_app)
    omar = signed_in(chat_app, "omar", "first-line", status="offline")
    assert omar.get(f"/api/agent/handoffs/{waiting}").json["status"] == "open"


def test_the_agents_stream_reports_a_transfer_that_routing_gave_them(chat_app):
    from test_events import AgentStream
    mona = signed_in(chat_app, "mona", "returns")
    omar = signed_in(chat_app, "omar", "payments")
    _, handoff_id = returns_handoff(chat_app)
    assert mona.get("/api/agent/handoffs?status=mine").json["handoffs"][0]["id"] == handoff_id
    stream = AgentStream(omar)
    try:
        assert stream.next_event() == ("queue", {"open": [], "mine": []})
        moved = mona.post(f"/api/agent/handoffs/{handoff_id}/transfer", headers=XHR,
                          json={"team": "payments", "reason": "a double charge"})
        assert moved.json["assignee"] == "omar"
        # No one asked omar: the stream's next look finds the handoff his.
        assert stream.next_event() == ("queue", {"open": [], "mine": [handoff_id]})
    finally:
        stream.close()
