"""Guessing an agent's password is slowed down without handing the attacker a way to lock
the agent out (web/signin_limits.py): LOGIN_ATTEMPTS failures for one name from one
address within LOGIN_WINDOW make that name wait there (429, Retry-After), and
LOGIN_ATTEMPTS_PER_ADDRESS failures from one address, whatever the names, make the
address wait; the right password from the agent's own address still works."""
import concurrent.futures

import pytest

from chat_fixtures import PASSWORD, add_agent, database, make_app


@pytest.fixture
def app(tmp_path):
    # Chat limits off (as for load tests): the sign-in guard stays on regardless.
    app = make_app(tmp_path, RATELIMIT_ENABLED=False, LOGIN_ATTEMPTS=3,
                   LOGIN_ATTEMPTS_PER_ADDRESS=5, LOGIN_WINDOW=600)
    add_agent(app, "mona")
    return app


def login(client, name, password, address="10.0.0.1"):
    return client.post("/api/agent/login", json={"name": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_after_too_many_failures_as_a_name_from_an_address_even_the_right_password_waits(app):
    client = app.test_client()
    for _ in range(3):
        assert login(client, "mona", "wrong guess").status_code == 401
    response = login(client, "mona", PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 600
    assert "failed sign-ins" in response.json["error"]


def test_wrong_passwords_from_elsewhere_never_lock_the_agent_out_of_her_own_address(app):
    attacker = app.test_client()
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _ in range(3):
            assert login(attacker, "mona", "wrong guess", address).status_code == 401
        assert login(attacker, "mona", "wrong guess", address).status_code == 429
    # Nine failures for mona in all, but none from her address.
    assert login(app.test_client(), "mona", PASSWORD, "10.0.0.1").status_code == 200


def test_one_address_trying_many_names_is_capped_whatever_the_names(app):
    client = app.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert login(client, name, "guess").status_code == 401
    assert login(client, "a6", "guess").status_code == 429
    assert login(client, "mona", PASSWORD).status_code == 429
    # The cap is the address's: another one may still sign in as mona.
    assert login(app.test_client(), "mona", PASSWORD, address="10.0.0.2").status_code == 200


def test_a_success_forgets_its_own_failures_but_not_the_address_s_other_names(app):
    client = app.test_client()
    for _ in range(2):
        assert login(client, "mona", "wrong guess").status_code == 401
    for name in ("a1", "a2"):
        assert login(client, name, "guess").status_code == 401
    assert login(client, "mona", PASSWORD).status_code == 200
    stored = {row["name"] for row in database(app).query("SELECT name FROM login_failures")}
    assert stored == {"a1", "a2"}
    # mona's pair starts again from nothing; the address's count goes on.
    assert login(client, "mona", "wrong again").status_code == 401
    assert login(client, "mona", "wrong again").status_code == 401
    assert login(client, "a3", "guess").status_code == 401
    assert login(client, "mona", PASSWORD).status_code == 429  # five from this address


def test_simultaneous_guesses_cannot_slip_past_the_limit(app):
    # Each attempt is counted in the same write transaction as the check.
    def guess(_):
        return login(app.test_client(), "mona", "wrong guess").status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(guess, range(16)))
    assert statuses.count(401) == 3 and statuses.count(429) == 13


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
