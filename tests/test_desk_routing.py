"""Routing through the store: a new handoff's team, automatic assignment by status and
capacity, release, transfer and escalation with their reasons, and an assignment racing
claims — on a real SQLite file and a real PostgreSQL database (``backend_db``)."""
import threading

import pytest

from bot import store
from bot.desk import agents, conversations, handoffs
from bot.desk.teams import parse_teams
from conftest import run_in_threads

PASSWORD = "correct horse battery"
TEAMS = parse_teams({
    "default_team": "first-line",
    "levels": {"1": {"first_response_minutes": 15, "resolution_minutes": 240},
               "2": {"first_response_minutes": 60, "resolution_minutes": 960}},
    "teams": {"first-line": {"categories": ["orders", "shipping", "account"]},
              "returns": {"categories": ["returns"]}},
})


def person(db, name, team="returns", level="1", status="online", capacity=3):
    agents.add_agent(db, name, PASSWORD, teams=TEAMS, team=team, level=level)
    if status != "offline" or capacity != 3:
        agents.set_status(db, name, status, capacity=capacity)


def opened(db, candidates=(("return-policy", 0.4),)):
    conversation = store.create_conversation(db, "ar")
    handoff, _ = store.open_handoff(db, conversation["id"], reason="low confidence", lang="ar",
                                    first_question="ابي ارجع الطلب", candidates=candidates)
    return handoff


def test_a_handoff_goes_to_its_articles_team_and_its_least_busy_online_agent(backend_db, bot):
    db = backend_db
    person(db, "mona")
    person(db, "omar")
    person(db, "sara", team="first-line")
    person(db, "zaid", status="offline")
    first = handoffs.route(db, bot, TEAMS, opened(db))
    assert (first["team"], first["status"], first["assignee"]) == ("returns", "claimed", "mona")
    second = handoffs.route(db, bot, TEAMS, opened(db))
    assert second["assignee"] == "omar"  # mona holds one already
    shipping = handoffs.route(db, bot, TEAMS, opened(db, [("shipping-costs", 0.3)]))
    assert (shipping["team"], shipping["assignee"]) == ("first-line", "sara")
    nothing = handoffs.route(db, bot, TEAMS, opened(db, []))
    assert nothing["team"] == "first-line" and nothing["assignee"] == "sara"


def test_the_bots_own_handoff_is_routed_when_the_conversation_escalates(backend_db, bot):
    db = backend_db
    person(db, "mona")
    person(db, "sara", team="first-line")
    conversation = store.create_conversation(db, "ar")
    # Answered from the returns article; then "a person, please": the article it
    # tried routes the handoff.
    assert conversations.post_message(db, bot, conversation, "ابي ارجع المنتج",
                                      teams=TEAMS)[1] is None
    new, handoff = conversations.post_message(db, bot, conversation, "ابي اكلم موظف",
                                              teams=TEAMS)
    assert (handoff["team"], handoff["assignee"]) == ("returns", "mona")
    assert new[-1]["role"] == "system"  # the notice was said before mona took it
    # Its best article is about orders: the first line's agent.
    other = store.create_conversation(db, "ar")
    _, handoff = conversations.post_message(db, bot, other, "متى تفتحون الفرع", teams=TEAMS)
    assert (handoff["team"], handoff["assignee"]) == ("first-line", "sara")
    # The contact form's request for a person is routed the same way.
    third = store.create_conversation(db, "en")
    handoff, _ = conversations.request_handoff(db, bot, third, name="Ali", teams=TEAMS)
    assert handoff["team"] == "first-line" and handoff["assignee"] == "sara"


def test_nobody_online_leaves_it_in_the_teams_queue_until_someone_comes_online(backend_db, bot):
    db = backend_db
    person(db, "mona", status="offline")
    handoff = handoffs.route(db, bot, TEAMS, opened(db))
    assert handoff["status"] == "open" and handoff["team"] == "returns"
    assert [h["id"] for h in store.handoffs(db, "open", team="returns")] == [handoff["id"]]
    assert store.handoffs(db, "open", team="first-line") == []
    profile = agents.set_status(db, "mona", "online")
    assert profile["load"] == 1
    assert store.get_handoff(db, handoff["id"])["assignee"] == "mona"


def test_capacity_holds_the_rest_and_a_resolution_frees_room(backend_db, bot):
    db = backend_db
    person(db, "mona", capacity=1)
    first = handoffs.route(db, bot, TEAMS, opened(db))
    second = handoffs.route(db, bot, TEAMS, opened(db))
    assert first["assignee"] == "mona" and second["status"] == "open"
    handoffs.resolve(db, bot, first["id"], "mona", "not_support")
    assert store.get_handoff(db, second["id"])["assignee"] == "mona"
    agents.set_status(db, "mona", capacity=2)
    third = handoffs.route(db, bot, TEAMS, opened(db))
    assert third["assignee"] == "mona"
    with pytest.raises(agents.AgentError, match="1 to 20"):
        agents.set_status(db, "mona", capacity=0)
    with pytest.raises(agents.AgentError, match="online, away or offline"):
        agents.set_status(db, "mona", "busy")


def test_going_away_keeps_what_one_holds_and_stops_new_ones(backend_db, bot):
    db = backend_db
    person(db, "mona")
    held = handoffs.route(db, bot, TEAMS, opened(db))
    agents.set_status(db, "mona", "away")
    waiting = handoffs.route(db, bot, TEAMS, opened(db))
    assert store.get_handoff(db, held["id"])["assignee"] == "mona"
    assert waiting["status"] == "open"


def test_a_released_handoff_goes_to_a_colleague_not_back(backend_db, bot):
    db = backend_db
    person(db, "mona")
    handoff = handoffs.route(db, bot, TEAMS, opened(db))
    handoffs.release(db, handoff["id"], "mona")
    assert store.get_handoff(db, handoff["id"])["status"] == "open"  # nobody else yet
    person(db, "omar")
    assert store.get_handoff(db, handoff["id"])["assignee"] == "omar"


def test_a_transfer_to_another_team_carries_its_reason(backend_db, bot):
    db = backend_db
    person(db, "mona")
    person(db, "sara", team="first-line")
    handoff = handoffs.route(db, bot, TEAMS, opened(db))
    moved = handoffs.transfer(db, handoff["id"], "mona", TEAMS, to_team="first-line",
                              reason="  the order never shipped: not a return  ")
    assert (moved["team"], moved["assignee"], moved["level"]) == ("first-line", "sara", "1")
    details = store.handoff_details(db, [handoff["id"]])[handoff["id"]]
    assert details["transfer"]["reason"] == "the order never shipped: not a return"
    assert details["transfer"]["from_agent"] == "mona"
    assert details["transfer"]["from_team"] == "returns"
    [row] = store.transfers_for(db, handoff["id"])
    assert (row["kind"], row["to_team"], row["to_agent"]) == ("transfer", "first-line", None)


@pytest.mark.parametrize("kwargs, problem", [
    ({"to_team": "returns", "reason": "x"}, "already in returns"),
    ({"to_team": "sales", "reason": "x"}, "no team 'sales'"),
    ({"to_team": "first-line", "reason": "   "}, "empty"),
    ({"to_team": "first-line", "reason": "x" * 501}, "too long"),
    ({"to_agent": "zaid", "reason": "x"}, "offline"),
    ({"to_agent": "nobody", "reason": "x"}, "no agent"),
    ({"to_agent": "mona", "reason": "x"}, "already yours"),
    ({"reason": "x"}, "exactly one"),
    ({"to_team": "first-line", "to_agent": "omar", "reason": "x"}, "exactly one"),
])
def test_a_transfer_that_cannot_be_done_says_why(backend_db, bot, kwargs, problem):
    db = backend_db
    person(db, "mona")
    person(db, "zaid", status="offline")
    handoff = handoffs.route(db, bot, TEAMS, opened(db))
    with pytest.raises(handoffs.HandoffError, match=problem):
        handoffs.transfer(db, handoff["id"], "mona", TEAMS, **kwargs)
    assert store.get_handoff(db, handoff["id"])["assignee"] == "mona"  # nothing changed
    assert store.transfers_for(db, handoff["id"]) == []


def test_a_transfer_to_an_agent_is_theirs_at_once_even_when_full(backend_db, bot):
    db = backend_db
    person(db, "mona")
    person(db, "omar", team="first-line", status="away", capacity=1)
    handoff = handoffs.route(db, bot, TEAMS, opened(db))
    moved = handoffs.transfer(db, handoff["id"], "mona", TEAMS, to_agent="omar",
                              reason="omar handled this customer yesterday")
    assert (moved["assignee"], moved["status"], moved["team"]) == ("omar", "claimed", "first-line")
    with pytest.raises(handoffs.HandoffConflict):
        handoffs.transfer(db, handoff["id"], "mona", TEAMS, to_team="returns", reason="back")


def test_an_escalation_goes_one_level_up_to_that_levels_agent(backend_db, bot):
    db = backend_db
    person(db, "mona")
    person(db, "lina", level="2")
    handoff = handoffs.route(db, bot, TEAMS, opened(db))
    assert handoff["assignee"] == "mona"  # lina is level 2
    store.add_message(db, handoff["conversation_id"], "agent", "let me check", {"agent": "mona"},
                      handoff_id=handoff["id"])
    before = store.handoff_details(db, [handoff["id"]])[handoff["id"]]
    assert before["first_response"] is not None
    up = handoffs.escalate(db, handoff["id"], "mona", TEAMS, reason="a refund over the limit")
    assert (up["level"], up["assignee"], up["team"]) == ("2", "lina", "returns")
    after = store.handoff_details(db, [handoff["id"]])[handoff["id"]]
    # The new level's targets count from the escalation: mona's reply was before it.
    assert after["level_started"] == up["level_since"] >= before["level_started"]
    assert after["first_response"] is None or after["first_response"] >= up["level_since"]
    assert after["transfer"]["kind"] == "escalate" and after["transfer"]["from_level"] == "1"
    with pytest.raises(handoffs.HandoffError, match="top level"):
        handoffs.escalate(db, handoff["id"], "lina", TEAMS, reason="more")
    with pytest.raises(handoffs.HandoffConflict):
        handoffs.escalate(db, handoff["id"], "mona", TEAMS, reason="not mine any more")


def test_agents_get_a_team_and_level_checked_against_the_file(backend_db):
    db = backend_db
    agents.add_agent(db, "mona", PASSWORD, teams=TEAMS)
    assert (agents.profile(db, "mona")["team"], agents.profile(db, "mona")["level"]) == (
        "first-line", "1")
    assert agents.profile(db, "mona")["status"] == "offline"
    moved = agents.set_place(db, "mona", TEAMS, team="returns", level="2")
    assert (moved["team"], moved["level"]) == ("returns", "2")
    with pytest.raises(agents.AgentError, match="no team 'sales'"):
        agents.add_agent(db, "omar", PASSWORD, teams=TEAMS, team="sales")
    with pytest.raises(agents.AgentError, match="no level 'supervisor'"):
        agents.set_place(db, "mona", TEAMS, level="supervisor")
    assert agents.profile(db, "omar") is None


def test_assignments_racing_claims_never_overfill_an_agent(database, bot):
    # Eight threads, each on its own connection: half assign what waits, half claim by
    # hand. Each handoff ends with at most one holder, and mona never holds more than
    # her capacity through automatic assignment.
    db = store.open_db(database)
    person(db, "mona", capacity=2)
    agents.set_status(db, "mona", "away")
    ids = [opened(db)["id"] for _ in range(8)]
    for handoff_id in ids:
        store.route_handoff(db, handoff_id, "returns")
    store.set_agent_fields(db, "mona", status="online")
    db.close()
    barrier = threading.Barrier(8)
    claimed = []

    def work(index):
        own = store.connect(database)
        try:
            barrier.wait()
            if index % 2:
                handoffs.assign_waiting(own)
            else:
                try:
                    claimed.append(handoffs.claim(own, ids[index], f"hand{index}")["id"])
                except handoffs.HandoffConflict:
                    pass
        finally:
            own.close()

    run_in_threads(work, [(i,) for i in range(8)])
    db = store.connect(database)
    rows = [store.get_handoff(db, i) for i in ids]
    assert sum(1 for h in rows if h["assignee"] == "mona") == 2
    for h in rows:
        if h["id"] in claimed:
            assert h["assignee"].startswith("hand")
    db.close()


def test_a_customers_place_is_in_their_teams_queue(backend_db, bot):
    db = backend_db
    returns = [handoffs.route(db, bot, TEAMS, opened(db)) for _ in range(2)]
    orders = handoffs.route(db, bot, TEAMS, opened(db, [("order-tracking", 0.3)]))
    assert [store.queue_position(db, h["id"]) for h in returns] == [1, 2]
    assert store.queue_position(db, orders["id"]) == 1  # nobody ahead in the first line
    person(db, "mona")  # takes both returns handoffs
    assert [store.queue_position(db, h["id"]) for h in returns] == [0, 0]
