"""Guessing an agent's password is slowed down: after LOGIN_ATTEMPTS failures for one
name or from one address within LOGIN_WINDOW, sign-ins wait (429, Retry-After)."""
import pytest

from chat_fixtures import PASSWORD, add_agent, make_app


@pytest.fixture
def app(tmp_path):
    # Chat limits off (as for load tests): the sign-in guard stays on regardless.
    app = make_app(tmp_path, RATELIMIT_ENABLED=False, LOGIN_ATTEMPTS=3, LOGIN_WINDOW=600)
    add_agent(app, "mona")
    return app


def login(client, name, password, address="10.0.0.1"):
    return client.post("/api/agent/login", json={"name": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_after_too_many_failures_even_the_right_password_waits(app):
    client = app.test_client()
    for _ in range(3):
        assert login(client, "mona", "wrong guess").status_code == 401
    response = login(client, "mona", PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 600
    assert "failed sign-ins" in response.json["error"]


def test_one_address_trying_many_names_is_slowed_down_too(app):
    client = app.test_client()
    for name in ("a1", "a2", "a3"):
        assert login(client, name, "guess").status_code == 401
    assert login(client, "mona", PASSWORD).status_code == 429
    # Another address may still sign in as mona.
    assert login(app.test_client(), "mona", PASSWORD, address="10.0.0.2").status_code == 200


def test_a_successful_sign_in_forgets_the_earlier_failures(app):
    client = app.test_client()
    for _ in range(2):
        login(client, "mona", "wrong guess", address="10.0.0.9")
    assert login(client, "mona", PASSWORD, address="10.0.0.8").status_code == 200
    assert login(client, "mona", "wrong again", address="10.0.0.7").status_code == 401
    assert login(client, "mona", PASSWORD, address="10.0.0.8").status_code == 200


def test_the_login_form_says_how_long_to_wait(app):
    client = app.test_client()
    page = client.get("/agent/login?lang=en").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    for _ in range(3):
        client.post("/agent/login?lang=en", data={"name": "mona", "password": "nope",
                                                   "csrf_token": token})
    response = client.post("/agent/login?lang=en", data={"name": "mona", "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
