"""The insights per team (bot/desk/insights/teams.py): first-contact resolution, transfers,
escalations and compliance with the levels' targets, on a real SQLite file and a real
PostgreSQL database (``backend_db``)."""
import datetime

from bot import store
from bot.desk import agents, handoffs
from bot.desk.hours import BusinessHours
from bot.desk.insights import build_report, tables
from bot.desk.teams import parse_teams

PASSWORD = "correct horse battery"
UTC = datetime.timezone.utc
# Round the clock, so the targets run while the test does, whatever the hour.
TEAMS = parse_teams({
    "default_team": "first-line",
    "levels": {"1": {"first_response_minutes": 15, "resolution_minutes": 240},
               "2": {"first_response_minutes": 60, "resolution_minutes": 960}},
    "teams": {"first-line": {"categories": ["orders"]},
              "returns": {"categories": ["returns"]}},
}, BusinessHours.parse("Mon-Sun 00:00-23:59", "UTC"))


def _handoff(db):
    conversation = store.create_conversation(db, "ar")
    handoff, _ = store.open_handoff(db, conversation["id"], reason="no match", lang="ar",
                                    first_question="وين فلوسي",
                                    candidates=[("return-policy", 0.5)])
    return handoff


def test_figures_per_team(backend_db, bot):
    db = backend_db
    for name, team in (("mona", "returns"), ("omar", "first-line")):
        agents.add_agent(db, name, PASSWORD, teams=TEAMS, team=team)
        agents.set_status(db, name, "online")
    settled = handoffs.route(db, bot, TEAMS, _handoff(db))        # mona, at first contact
    handoffs.reply(db, settled["id"], "mona", "تم استرجاع المبلغ")
    handoffs.resolve(db, bot, settled["id"], "mona", "not_support")
    moved = handoffs.route(db, bot, TEAMS, _handoff(db))          # mona -> first line
    handoffs.transfer(db, moved["id"], "mona", TEAMS, to_team="first-line", reason="an order")
    handoffs.resolve(db, bot, moved["id"], "omar", "no_article")
    stuck = handoffs.route(db, bot, TEAMS, _handoff(db))          # up to level 2: nobody
    handoffs.escalate(db, stuck["id"], "mona", TEAMS, reason="refund approval")

    started = datetime.datetime.now(UTC) - datetime.timedelta(hours=1)
    until = started + datetime.timedelta(days=3)
    # A day later: the waiting level-2 handoff has missed both of its targets.
    later = started + datetime.timedelta(days=1, hours=1)
    report = build_report(db, started, until, now=later, gaps=False, teams=TEAMS)
    rows = {row["team"]: row for row in report["teams"]}
    assert list(rows) == ["first-line", "returns"]
    assert rows["returns"] == {
        "team": "returns", "handoffs": 2, "resolved": 1, "first_contact_resolved": 1,
        "first_contact_rate": 1.0, "transfers_in": 0, "transfers_out": 1, "escalations": 1,
        "first_response_met": 1, "first_response_measured": 2,
        "first_response_compliance_rate": 0.5, "resolution_met": 1, "resolution_measured": 2,
        "resolution_compliance_rate": 0.5}
    assert rows["first-line"] == {
        "team": "first-line", "handoffs": 1, "resolved": 1, "first_contact_resolved": 0,
        "first_contact_rate": 0.0, "transfers_in": 1, "transfers_out": 0, "escalations": 0,
        "first_response_met": 1, "first_response_measured": 1,
        "first_response_compliance_rate": 1.0, "resolution_met": 1, "resolution_measured": 1,
        "resolution_compliance_rate": 1.0}
    # Judged now instead, the waiting one is still in time: not counted yet.
    today = build_report(db, started, until, gaps=False, teams=TEAMS)["teams"]
    assert [row["first_response_measured"] for row in today] == [1, 1]
    columns, table = tables(report)["teams"]
    assert columns[0] == "team" and [row[0] for row in table] == ["first-line", "returns"]


def test_a_report_without_teams_has_no_team_rows(backend_db):
    now = datetime.datetime.now(UTC)
    report = build_report(backend_db, now - datetime.timedelta(days=1), now, gaps=False)
    assert report["teams"] == [] and tables(report)["teams"][1] == []
