"""bot/desk/routing.py: a handoff's team from its best article's category, the agent who
gets it (status, team, level, capacity, ties) and a plan for many. Pure: no database."""
import pytest

from bot.desk.routing import AgentLoad, Waiting, available, pick, plan, team_for
from bot.desk.teams import parse_teams

TEAMS = parse_teams({
    "default_team": "first-line",
    "levels": {"1": {"first_response_minutes": 15, "resolution_minutes": 240},
               "2": {"first_response_minutes": 60, "resolution_minutes": 960}},
    "teams": {"first-line": {"categories": ["orders"]},
              "payments": {"categories": ["payment"]},
              "returns": {"categories": ["returns"]}},
})


def agent(name, team="payments", level="1", status="online", capacity=3, load=0,
          last_assigned=""):
    return AgentLoad(name, team, level, status, capacity, load, last_assigned)


@pytest.mark.parametrize("categories, team", [
    (["payment"], "payments"),
    (["returns", "payment"], "returns"),          # the best article decides
    ([None, "payment"], "payments"),              # an article the bot no longer knows
    (["orders"], "first-line"),
    (["offers"], "first-line"),                   # a category no team names
    ([], "first-line"),                           # no candidate at all
])
def test_a_handoff_goes_to_the_team_of_its_best_articles_category(categories, team):
    assert team_for(categories, TEAMS) == team


@pytest.mark.parametrize("who, ok", [
    (agent("a"), True),
    (agent("a", status="away"), False),
    (agent("a", status="offline"), False),
    (agent("a", team="returns"), False),
    (agent("a", level="2"), False),
    (agent("a", load=3), False),                   # full
    (agent("a", load=2), True),
    (agent("a", team=None), False),
])
def test_only_an_online_agent_of_the_team_and_level_with_room_is_available(who, ok):
    assert available(who, "payments", "1") is ok


def test_no_team_is_never_matched_even_by_an_agent_in_no_team():
    assert not available(agent("a", team=None), None, "1")


@pytest.mark.parametrize("agents, chosen", [
    # The least busy wins.
    ([agent("mona", load=2), agent("omar", load=1)], "omar"),
    # Same load: the one whose last assignment is oldest; never assigned comes first.
    ([agent("mona", last_assigned="2026-12-01T10:00:00+00:00"),
      agent("omar", last_assigned="2026-12-01T09:00:00+00:00")], "omar"),
    ([agent("mona", last_assigned="2026-12-01T09:00:00+00:00"), agent("omar")], "omar"),
    # Same load, same time: the name decides, whatever the order given.
    ([agent("omar"), agent("mona")], "mona"),
    ([agent("mona"), agent("omar")], "mona"),
    # Busy or away people are passed over, however idle.
    ([agent("mona", status="away"), agent("omar", load=2)], "omar"),
    ([agent("mona", load=3), agent("omar", capacity=1, load=1)], None),
    ([], None),
])
def test_the_least_busy_available_agent_gets_it_ties_broken_the_same_way(agents, chosen):
    assert pick(agents, "payments", "1") == chosen


def test_an_excluded_agent_is_passed_over():
    assert pick([agent("mona"), agent("omar", load=2)], "payments", "1",
                exclude=("mona",)) == "omar"


NOW = "2026-12-01T12:00:00+00:00"


@pytest.mark.parametrize("waiting, agents, expected", [
    # Round by load: each assignment counts before the next handoff is placed.
    ([Waiting(1, "payments", "1"), Waiting(2, "payments", "1"), Waiting(3, "payments", "1")],
     [agent("mona"), agent("omar")], [(1, "mona"), (2, "omar"), (3, "mona")]),
    # Capacity is the limit: what does not fit stays queued.
    ([Waiting(1, "payments", "1"), Waiting(2, "payments", "1"), Waiting(3, "payments", "1")],
     [agent("mona", capacity=1), agent("omar", capacity=2, load=1)], [(1, "mona"), (2, "omar")]),
    # Each team and level to its own people; a team without anyone online waits.
    ([Waiting(1, "returns", "1"), Waiting(2, "payments", "2"), Waiting(3, "payments", "1")],
     [agent("mona"), agent("omar", level="2")], [(2, "omar"), (3, "mona")]),
    # Released by mona: not straight back to her, even when she is the least busy.
    ([Waiting(1, "payments", "1", released_by="mona")],
     [agent("mona"), agent("omar", load=1)], [(1, "omar")]),
    ([Waiting(1, "payments", "1", released_by="mona")], [agent("mona")], []),
    ([], [agent("mona")], []),
])
def test_a_plan_fills_the_agents_room_oldest_handoff_first(waiting, agents, expected):
    assert plan(waiting, agents, NOW) == expected


def test_a_plan_is_the_same_whatever_order_the_agents_come_in():
    waiting = [Waiting(i, "payments", "1") for i in range(1, 6)]
    people = [agent("zaid"), agent("mona", load=1), agent("omar"), agent("lina", load=1)]
    assert plan(waiting, people, NOW) == plan(waiting, list(reversed(people)), NOW)
    assert plan(waiting, people, NOW)[:2] == [(1, "omar"), (2, "zaid")]
