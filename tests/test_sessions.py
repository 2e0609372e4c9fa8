"""An agent's session is kept on the server (bot.desk.agents, table agent_sessions): a
cookie copied before signing out, or before the password changed, signs nobody in
afterwards — the API says 401, a console page sends to the sign-in form."""
import datetime

import pytest

from bot.desk import agents
from web_fixtures import csrf_token
from chat_fixtures import PASSWORD, XHR, agent_client, chat_app, database, shared_app  # noqa: F401
from web.auth import SESSION_KEY

NEW_PASSWORD = "a brand new passphrase"


def cookie(client):
    return client.get_cookie("session").value


def replay(app, value):
    """A fresh client that sends a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", value)
    return client


def signed_in(client):
    return client.get("/api/agent/handoffs").status_code == 200


def test_the_old_cookie_after_an_api_logout_gets_a_401_and_the_login_page(chat_app):
    mona = agent_client(chat_app, "mona")
    copied = cookie(mona)
    assert signed_in(replay(chat_app, copied))
    assert mona.post("/api/agent/logout", headers=XHR).status_code == 200
    stolen = replay(chat_app, copied)
    response = stolen.get("/api/agent/handoffs")
    assert response.status_code == 401 and "sign in" in response.json["error"]
    page = stolen.get("/agent")
    assert page.status_code == 302 and "/agent/login" in page.headers["Location"]
    assert not signed_in(mona)


def test_the_old_cookie_after_signing_out_with_the_form_signs_nobody_in(chat_app):
    mona = agent_client(chat_app, "mona")
    copied = cookie(mona)
    page = mona.get("/agent?lang=en").get_data(as_text=True)
    token = csrf_token(page)
    assert mona.post("/agent/logout", data={"csrf_token": token}).status_code == 303
    assert replay(chat_app, copied).get("/agent").status_code == 302
    assert replay(chat_app, copied).get("/agent/insights").status_code == 302


def test_signing_out_ends_only_that_session(chat_app):
    phone = agent_client(chat_app, "mona")
    laptop = chat_app.test_client()
    assert laptop.post("/api/agent/login", json={"name": "mona", "password": PASSWORD}
                       ).status_code == 200
    phone.post("/api/agent/logout", headers=XHR)
    assert not signed_in(phone) and signed_in(laptop)


def test_a_new_password_ends_every_session_of_the_agent(chat_app):
    phone = agent_client(chat_app, "mona")
    laptop = chat_app.test_client()
    laptop.post("/api/agent/login", json={"name": "mona", "password": PASSWORD})
    omar = agent_client(chat_app, "omar")
    copied = cookie(laptop)
    agents.set_password(database(chat_app), "mona", NEW_PASSWORD)
    for client in (phone, laptop, replay(chat_app, copied)):
        assert client.get("/api/agent/handoffs").status_code == 401
        assert client.get("/agent").status_code == 302
    assert signed_in(omar)  # another agent's sessions are theirs
    fresh = chat_app.test_client()
    assert fresh.post("/api/agent/login", json={"name": "mona", "password": PASSWORD}
                      ).status_code == 401
    assert fresh.post("/api/agent/login", json={"name": "mona", "password": NEW_PASSWORD}
                      ).status_code == 200
    assert signed_in(fresh)


@pytest.mark.parametrize("password", ["short", None, "bad \udc80 bytes here"])
def test_a_new_password_is_checked_like_the_first(chat_app, password):
    mona = agent_client(chat_app, "mona")
    with pytest.raises(agents.AgentError):
        agents.set_password(database(chat_app), "mona", password)
    assert signed_in(mona)


def test_a_new_password_for_nobody_is_refused(chat_app):
    with pytest.raises(agents.AgentError, match="no agent called"):
        agents.set_password(database(chat_app), "nobody", NEW_PASSWORD)


def test_removing_an_agent_ends_their_sessions_even_if_the_name_comes_back(chat_app):
    mona = agent_client(chat_app, "mona")
    copied = cookie(mona)
    db = database(chat_app)
    agents.remove_agent(db, "mona")
    agents.add_agent(db, "mona", PASSWORD)  # a new account under the old name
    assert not signed_in(mona) and not signed_in(replay(chat_app, copied))


def test_a_cookie_naming_an_agent_without_a_live_session_is_no_session(chat_app):
    agent_client(chat_app, "mona")
    client = chat_app.test_client()
    with client.session_transaction() as session:  # what a stolen SECRET_KEY could sign
        session[SESSION_KEY] = "mona"
        session["agent_session"] = "made up"
    assert client.get("/api/agent/handoffs").status_code == 401


def test_the_file_keeps_no_session_id_that_could_be_replayed(chat_app):
    mona = agent_client(chat_app, "mona")
    with mona.session_transaction() as session:
        session_id = session["agent_session"]
    stored = [row["id"] for row in database(chat_app).query("SELECT id FROM agent_sessions")]
    assert len(stored) == 1 and session_id not in stored


def test_a_session_ends_after_its_lifetime_whatever_the_cookie_says(chat_app):
    mona = agent_client(chat_app, "mona")
    lifetime = chat_app.config["AGENT_SESSION_LIFETIME"]
    db = database(chat_app)
    started = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
        seconds=lifetime + 60)
    db.execute("UPDATE agent_sessions SET created = ?",  # signed in a shift and more ago
               [started.isoformat(timespec="seconds")])
    db.conn.commit()
    assert mona.get("/api/agent/handoffs").status_code == 401
    # Signing in again starts afresh, and forgets the old row.
    assert mona.post("/api/agent/login", json={"name": "mona", "password": PASSWORD}
                     ).status_code == 200
    assert signed_in(mona)
    assert len(list(db.query("SELECT id FROM agent_sessions"))) == 1


def test_dalil_agents_password_changes_it_and_ends_the_sessions(runner, tmp_path):
    from bot import store
    from web.cli import cli
    path = str(tmp_path / "cli.sqlite3")  # the runner fixture's database
    added = runner.invoke(cli, ["agents", "add", "mona"], input="first password\n")
    assert added.exit_code == 0, added.output
    db = store.connect(path)
    session_id = agents.start_session(db, "mona", 3600)
    assert agents.session_agent(db, session_id, 3600) == "mona"
    changed = runner.invoke(cli, ["agents", "password", "mona"], input="second password\n")
    assert changed.exit_code == 0, changed.output
    assert agents.session_agent(db, session_id, 3600) is None
    assert agents.authenticate(db, "mona", "second password")
    assert not agents.authenticate(db, "mona", "first password")
    missing = runner.invoke(cli, ["agents", "password", "nobody"], input="whatever password\n")
    assert missing.exit_code == 1 and "no agent called 'nobody'" in missing.output
    db.close()
