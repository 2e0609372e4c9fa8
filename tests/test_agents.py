"""Agent accounts: bot/desk/agents.py on a real SQLite file, `dalil agents`, and signing in
to the console (session, CSRF-protected form, the JSON login)."""
import json
import re

import pytest

from bot import store
from bot.desk import agents, handoffs
from chat_fixtures import PASSWORD, XHR, add_agent, chat_app, database, shared_app  # noqa: F401
from web.cli import cli


@pytest.fixture
def db(tmp_path):
    db = store.open_db(tmp_path / "dalil.sqlite3")
    yield db
    db.close()


def test_passwords_are_stored_hashed_and_checked(db):
    agents.add_agent(db, "mona", PASSWORD)
    stored = store.get_agent(db, "mona")["password_hash"]
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert agents.authenticate(db, "mona", PASSWORD)
    assert not agents.authenticate(db, "mona", PASSWORD + "!")
    assert not agents.authenticate(db, "nobody", PASSWORD)
    assert not agents.authenticate(db, None, None)


def test_the_product_hashes_with_werkzeugs_full_scrypt_cost():
    from conftest import PRODUCT_PASSWORD_METHOD
    from werkzeug.security import generate_password_hash
    assert PRODUCT_PASSWORD_METHOD == "scrypt:32768:8:1"
    # werkzeug's own default: never weaker than what it ships.
    assert generate_password_hash("a long password").startswith(PRODUCT_PASSWORD_METHOD + "$")


@pytest.mark.parametrize("name, password", [("", PASSWORD), ("has space", PASSWORD),
                                            ("x" * 41, PASSWORD), ("ok", "short")])
def test_bad_names_and_short_passwords_are_refused(db, name, password):
    with pytest.raises(agents.AgentError):
        agents.add_agent(db, name, password)


def test_a_name_is_taken_once(db):
    agents.add_agent(db, "mona", PASSWORD)
    with pytest.raises(agents.AgentError, match="already"):
        agents.add_agent(db, "mona", PASSWORD)


def test_removing_an_agent_puts_their_handoffs_back_in_the_queue(db):
    agents.add_agent(db, "mona", PASSWORD)
    conversation = store.create_conversation(db, "ar")
    handoff, _ = store.open_handoff(db, conversation["id"], reason="no match", lang="ar")
    handoffs.claim(db, handoff["id"], "mona")
    agents.remove_agent(db, "mona")
    assert store.get_handoff(db, handoff["id"])["status"] == "open"
    with pytest.raises(agents.AgentError):
        agents.remove_agent(db, "mona")


def test_cli_adds_lists_and_removes_agents(runner, tmp_path):
    path = str(tmp_path / "cli.sqlite3")
    result = runner.invoke(cli, ["agents", "add", "mona", "--db", path], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["agents", "list", "--db", path, "--json"])
    assert [a["name"] for a in json.loads(listed.output)] == ["mona"]
    db = store.connect(path)
    assert agents.authenticate(db, "mona", PASSWORD)
    db.close()
    taken = runner.invoke(cli, ["agents", "add", "mona", "--db", path], input=PASSWORD + "\n")
    assert taken.exit_code == 1 and "already" in taken.output
    short = runner.invoke(cli, ["agents", "add", "omar", "--db", path], input="abc\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    assert runner.invoke(cli, ["agents", "remove", "mona", "--db", path]).exit_code == 0
    missing = runner.invoke(cli, ["agents", "remove", "mona", "--db", path])
    assert missing.exit_code == 1 and "no agent" in missing.output
    assert runner.invoke(cli, ["agents", "list", "--db", path, "--json"]).output.strip() == "[]"


def _csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_console_pages_need_a_session(chat_app):
    client = chat_app.test_client()
    for url in ["/agent", "/agent/?status=mine", "/agent/handoffs/1"]:
        response = client.get(url)
        assert response.status_code == 302 and "/agent/login" in response.location
    for method, url in [("get", "/api/agent/handoffs"), ("get", "/api/agent/handoffs/1"),
                        ("post", "/api/agent/handoffs/1/claim"),
                        ("post", "/api/agent/handoffs/1/reply"),
                        ("post", "/api/agent/logout")]:
        response = getattr(client, method)(url, headers=XHR)
        assert response.status_code == 401 and response.json["error"]


def test_the_login_form_needs_its_csrf_token_and_the_right_password(chat_app):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    page = client.get("/agent/login")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    forged = client.post("/agent/login", data={"name": "mona", "password": PASSWORD})
    assert forged.status_code == 400
    wrong = client.post("/agent/login", data={"name": "mona", "password": "nope-nope",
                                              "csrf_token": _csrf(page.text)})
    assert wrong.status_code == 401
    good = client.post("/agent/login?next=/agent/?status=mine",
                       data={"name": "mona", "password": PASSWORD, "csrf_token": _csrf(wrong.text)})
    assert good.status_code == 303 and good.location.endswith("/agent/?status=mine")
    assert client.get("/agent").status_code == 200


def test_login_never_redirects_to_another_site(chat_app):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    token = _csrf(client.get("/agent/login").text)
    response = client.post("/agent/login?next=//evil.example/agent",
                           data={"name": "mona", "password": PASSWORD, "csrf_token": token})
    assert response.location == "/agent/"


def test_json_login_and_logout(chat_app):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    assert client.post("/api/agent/login", json={"name": "mona", "password": "x"}).status_code == 401
    assert client.post("/api/agent/login", json={"name": "mona",
                                                 "password": PASSWORD}).status_code == 200
    assert client.get("/api/agent/handoffs").status_code == 200
    assert client.post("/api/agent/logout").status_code == 403  # no X-Requested-With
    assert client.post("/api/agent/logout", headers=XHR).status_code == 200
    assert client.get("/api/agent/handoffs").status_code == 401


def test_a_removed_agent_loses_their_session(chat_app):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    client.post("/api/agent/login", json={"name": "mona", "password": PASSWORD})
    db = database(chat_app)
    agents.remove_agent(db, "mona")
    db.close()
    assert client.get("/api/agent/handoffs").status_code == 401


@pytest.mark.parametrize("command", [["add", "mona"], ["list"], ["remove", "mona"]])
def test_cli_refuses_a_db_in_a_folder_that_does_not_exist(runner, tmp_path, command):
    typo = tmp_path / "typo" / "dalil.sqlite3"
    result = runner.invoke(cli, ["agents", *command, "--db", str(typo)], input=PASSWORD + "\n")
    assert result.exit_code == 1 and "no folder" in result.output
    assert not typo.parent.exists()


def test_cli_gives_agents_a_team_and_level_and_changes_them(runner, tmp_path):
    path = str(tmp_path / "cli.sqlite3")
    added = runner.invoke(cli, ["agents", "add", "mona", "--team", "payments", "--level", "2",
                                "--db", path], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "payments, level 2" in added.output
    plain = runner.invoke(cli, ["agents", "add", "omar", "--db", path], input=PASSWORD + "\n")
    assert "first-line, level 1" in plain.output  # teams.toml's default team, first level
    listed = json.loads(runner.invoke(cli, ["agents", "list", "--db", path, "--json"]).output)
    assert [(a["name"], a["team"], a["level"], a["status"], a["capacity"]) for a in listed] == [
        ("mona", "payments", "2", "offline", 3), ("omar", "first-line", "1", "offline", 3)]
    changed = runner.invoke(cli, ["agents", "set", "omar", "--team", "returns", "--level",
                                  "supervisor", "--capacity", "5", "--db", path])
    assert changed.exit_code == 0, changed.output
    assert changed.output.strip() == "omar: returns, level supervisor, offline, capacity 5"
    text = runner.invoke(cli, ["agents", "list", "--db", path]).output
    assert "omar\treturns\tsupervisor\toffline\t5\t" in text


@pytest.mark.parametrize("command, problem", [
    (["add", "lina", "--team", "sales"], "no team 'sales'"),
    (["add", "lina", "--level", "3"], "no level '3'"),
    (["set", "mona", "--team", "sales"], "no team 'sales'"),
    (["set", "mona", "--capacity", "0"], "1 to 20"),
    (["set", "nobody", "--capacity", "2"], "no agent"),
    (["set", "mona"], "give --team"),
])
def test_cli_refuses_an_unknown_team_level_or_agent(runner, tmp_path, command, problem):
    path = str(tmp_path / "cli.sqlite3")
    runner.invoke(cli, ["agents", "add", "mona", "--db", path], input=PASSWORD + "\n")
    result = runner.invoke(cli, ["agents", *command, "--db", path], input=PASSWORD + "\n")
    assert result.exit_code != 0 and problem in result.output
    db = store.connect(path)
    assert [a["name"] for a in store.list_agents(db)] == ["mona"]
    assert store.list_agents(db)[0]["team"] == "first-line"
    db.close()


def test_cli_names_a_broken_teams_file(tmp_path):
    from click.testing import CliRunner
    broken = tmp_path / "teams.toml"
    broken.write_text("[levels.1\n", encoding="utf-8")
    env = {"DALIL_DATABASE": str(tmp_path / "env.sqlite3"), "DALIL_TEAMS": str(broken),
           "DALIL_SECRET_KEY": "a key for this test only"}
    result = CliRunner().invoke(cli, ["agents", "add", "mona"], input=PASSWORD + "\n", env=env)
    assert result.exit_code == 1
    assert str(broken) in result.output and "line 1" in result.output
