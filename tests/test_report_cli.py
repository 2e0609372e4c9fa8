"""`dalil report`: the insights of a period in the terminal, as text or --json, through
click's runner on a seeded SQLite file; bad periods and files are clear errors."""
import json

import pytest

from bot import store
from conftest import SHIPPED_ARTICLES
from web.cli import cli
from insights_fixtures import seed

WEEK = ["--since", "2026-11-01", "--until", "2026-11-08"]


@pytest.fixture
def seeded_db(tmp_path):
    path = tmp_path / "dalil.sqlite3"
    seed(store.open_db(str(path))).close()
    return str(path)


def test_report_json_has_the_hand_computed_figures(runner, seeded_db, articles_dir):
    result = runner.invoke(cli, ["report", *WEEK, "--db", seeded_db,
                                 "--articles", str(articles_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["period"]["since"] == "2026-11-01T00:00:00+00:00"
    assert report["volume"]["by_channel"] == {"chat": 6, "search": 4, "api": 2}
    assert report["bot"]["deflection"] == 0.6
    assert report["people"]["first_response"] == {"count": 4, "median": 120, "p90": 2400}
    assert report["people"]["resolution"]["median"] == 1860
    assert report["people"]["csat"]["mean"] == 4.0
    assert report["gaps"][0]["size"] == 4 and report["gaps"][0]["closest_title"]
    assert "بطاقات شحن" in result.output  # Arabic stays readable


def test_report_text_for_people(runner, seeded_db):
    result = runner.invoke(cli, ["report", *WEEK, "--db", seeded_db,
                                 "--articles", str(SHIPPED_ARTICLES)])
    assert result.exit_code == 0, result.output
    assert "Volume: 12 questions — chat 6, search 4, api 2; ar 6, en 6" in result.output
    assert "deflection: 60.0% (3 of 5 conversations" in result.output
    assert "first response: median 2 min, 90th percentile 40 min (4 handoffs)" in result.output
    assert "CSAT: 66.7% of 3 ratings rated 4–5 (mean 4.00)" in result.output
    assert "mona: 2 handoffs, 2 resolved" in result.output


def test_report_without_articles_still_counts(runner, seeded_db, tmp_path):
    result = runner.invoke(cli, ["report", *WEEK, "--db", seeded_db, "--json",
                                 "--articles", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["gaps"][0]["closest_article"] is None
    assert report["bot"]["answered"]["articles"][0]["title"] == "order-tracking"


def test_relative_since_counts_back_from_now(runner, seeded_db):
    result = runner.invoke(cli, ["report", "--since", "7d", "--db", seeded_db, "--json"])
    assert result.exit_code == 0, result.output
    period = json.loads(result.output)["period"]
    assert len(period["days"]) == 8  # seven days back from now touch eight dates


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "'yesterday' is not a time: use 7d or 24h"),
    (["--since", "7w"], "is not a time"),
    (["--since", "2026-11-08", "--until", "2026-11-01"], "must be before --until"),
    (["--until", "soon"], "'soon' is not a time"),
])
def test_bad_periods_are_clear_errors(runner, seeded_db, args, message):
    result = runner.invoke(cli, ["report", *args, "--db", seeded_db])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_a_missing_database_file_is_an_error(runner, tmp_path):
    result = runner.invoke(cli, ["report", "--db", str(tmp_path / "nope.sqlite3")])
    assert result.exit_code == 1 and "no such database file" in result.output
    assert not (tmp_path / "nope.sqlite3").exists()
