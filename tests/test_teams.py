"""bot/desk/teams.py and the TEAMS setting: the shipped teams.toml, what a team and a level
hold, and a broken file stopping the start-up with the file and the line or key named."""
import pathlib
import textwrap

import pytest

from bot.desk.hours import BusinessHours
from bot.desk.teams import TeamsError, load_teams
from conftest import app_over

ROOT = pathlib.Path(__file__).resolve().parent.parent
HOURS = BusinessHours.parse("Sun-Thu 09:00-18:00", "Asia/Riyadh")

GOOD = """\
default_team = "first-line"
[levels.1]
first_response_minutes = 15
resolution_minutes = 240
[levels.2]
first_response_minutes = 60
resolution_minutes = 960
[teams.first-line]
title = { ar = "الخط الأول", en = "First line" }
categories = ["orders"]
[teams.payments]
title = { en = "Payments" }
categories = ["payment"]
hours = "Mon-Fri 08:00-16:00"
timezone = "Europe/Berlin"
"""


def write(tmp_path, text):
    path = tmp_path / "teams.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_teams_file_has_three_teams_and_three_levels():
    teams = load_teams(ROOT / "teams.toml", HOURS)
    assert [t.name for t in teams.teams] == ["first-line", "payments", "returns"]
    assert [lv.name for lv in teams.levels] == ["1", "2", "supervisor"]
    assert teams.team_for_category("payment") == "payments"
    assert teams.team_for_category("returns") == "returns"
    assert teams.team_for_category("shipping") == "first-line"
    assert teams.team("payments").title("ar") == "المدفوعات"
    assert teams.level("supervisor").title("en") == "Supervisor"
    assert teams.level("2").title("ar") is None  # the console says "المستوى 2"


def test_levels_escalate_in_the_files_order_and_teams_keep_their_own_hours(tmp_path):
    teams = load_teams(write(tmp_path, GOOD), HOURS)
    assert teams.next_level("1").name == "2"
    assert teams.next_level("2") is None and teams.next_level("9") is None
    assert teams.first_level.first_response_minutes == 15
    assert teams.hours_of("payments").timezone == "Europe/Berlin"
    assert teams.hours_of("first-line") is HOURS
    assert teams.team("payments").title("ar") == "Payments"  # no Arabic title: English


@pytest.mark.parametrize("change, where", [
    (("[teams.payments]", "[teams.payments"), "line 11"),                # TOML syntax
    (("resolution_minutes = 240", "resolution_minutes = \"4h\""), "levels.1.resolution_minutes"),
    (("resolution_minutes = 240", "resolution_minutes = 10"), "levels.1.resolution_minutes"),
    (("first_response_minutes = 15", "first_response_minutes = 0"),
     "levels.1.first_response_minutes"),
    (('categories = ["payment"]', 'categories = ["orders"]'), "teams.payments.categories"),
    (('categories = ["payment"]', 'categories = "payment"'), "teams.payments.categories"),
    (('default_team = "first-line"', 'default_team = "sales"'), "default_team"),
    (('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"'), "teams.payments.hours"),
    (('hours = "Mon-Fri 08:00-16:00"', 'hours = "weekdays"'), "teams.payments.hours"),
    (("[teams.payments]", "[teams.Payments]"), "teams.Payments"),
    (('title = { en = "Payments" }', 'colour = "red"'), "teams.payments.colour"),
    (("[levels.2]", '[levels.2]\ntitle = "Two"'), "levels.2.title"),
])
def test_a_broken_file_names_itself_and_the_line_or_key(tmp_path, change, where):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(TeamsError) as error:
        load_teams(path, HOURS)
    assert str(path) in str(error.value) and where in str(error.value)


def test_a_missing_file_is_said_with_its_setting(tmp_path):
    with pytest.raises(TeamsError, match="no such teams file.*TEAMS"):
        load_teams(tmp_path / "nowhere.toml")


def test_a_file_without_levels_or_teams_is_refused(tmp_path):
    with pytest.raises(TeamsError, match="levels"):
        load_teams(write(tmp_path, '[teams.a]\ncategories = []\n'))
    with pytest.raises(TeamsError, match="teams"):
        load_teams(write(tmp_path, '[levels.1]\nfirst_response_minutes = 1\n'
                                   'resolution_minutes = 2\n'))


def test_the_app_does_not_start_on_a_broken_teams_file(tmp_path, articles_dir):
    path = write(tmp_path, GOOD.replace("[levels.2]", "[levels.2"))
    with pytest.raises(TeamsError) as error:
        app_over(articles_dir, tmp_path / "dalil.sqlite3", TEAMS=str(path))
    assert str(path) in str(error.value) and "line" in str(error.value)


def test_the_app_reads_the_teams_file_its_setting_names(tmp_path, articles_dir):
    app = app_over(articles_dir, tmp_path / "dalil.sqlite3", TEAMS=str(write(tmp_path, GOOD)))
    assert [t.name for t in app.extensions["dalil_teams"].teams] == ["first-line", "payments"]
    # Teams without hours of their own use the desk's BUSINESS_HOURS.
    assert app.extensions["dalil_teams"].hours_of("first-line") == app.extensions["dalil_hours"]


def test_without_a_teams_setting_the_folders_file_or_one_team(tmp_path, monkeypatch, articles_dir):
    # TEAMS unset: ./teams.toml where Dalil starts (the repository's), else the built-in
    # desk of one team for every category; a named file must be there.
    monkeypatch.chdir(tmp_path)
    app = app_over(articles_dir, tmp_path / "dalil.sqlite3")
    assert [t.name for t in app.extensions["dalil_teams"].teams] == ["first-line"]
    assert app.extensions["dalil_teams"].team_for_category("payment") == "first-line"
    write(tmp_path, GOOD)
    app = app_over(articles_dir, tmp_path / "dalil.sqlite3")
    assert [t.name for t in app.extensions["dalil_teams"].teams] == ["first-line", "payments"]
    with pytest.raises(TeamsError, match="no such teams file"):
        app_over(articles_dir, tmp_path / "dalil.sqlite3", TEAMS=str(tmp_path / "nowhere.toml"))


def test_dalil_check_names_a_broken_teams_file(tmp_path, monkeypatch, articles_dir):
    from click.testing import CliRunner

    from web.cli import cli
    path = write(tmp_path, GOOD.replace("categories = [\"payment\"]", "categories = 7"))
    monkeypatch.setenv("DALIL_TEAMS", str(path))
    result = CliRunner().invoke(cli, ["check", str(articles_dir)])
    assert result.exit_code == 1 and str(path) in result.output and "categories" in result.output
    assert "1 error(s)" in result.output and "Traceback" not in result.output
