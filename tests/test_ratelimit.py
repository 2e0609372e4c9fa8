"""Abuse limits of the chat API: the pure window arithmetic, and 429 with Retry-After
through the client on a real SQLite file; RATELIMIT_ENABLED=False turns them off."""
import datetime

import pytest

from chat_fixtures import Customer, chat_app, shared_app  # noqa: F401
from web.ratelimit import retry_after

NOW = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def _ago(*seconds):
    return [NOW - datetime.timedelta(seconds=s) for s in seconds]


@pytest.mark.parametrize("times, limit, expected", [
    (_ago(), 3, 0),
    (_ago(10, 20), 3, 0),
    (_ago(10, 20, 30), 3, 30),   # the oldest leaves the window in 30 s
    (_ago(10, 20, 59), 3, 1),
    (_ago(10, 20, 30, 70), 3, 30),  # 70 s ago is outside the window already
    (_ago(0, 0, 0), 3, 60),
])
def test_retry_after_counts_the_window(times, limit, expected):
    assert retry_after(times, limit=limit, window=60, now=NOW) == expected


@pytest.fixture
def limited_app(chat_app):
    chat_app.config.update(RATELIMIT_ENABLED=True, MESSAGES_PER_MINUTE=3,
                           MESSAGES_PER_MINUTE_PER_ADDRESS=5,
                           CONVERSATIONS_PER_HOUR_PER_ADDRESS=3)
    return chat_app


def test_too_many_messages_in_a_conversation_get_429_with_retry_after(limited_app):
    customer = Customer(limited_app.test_client())
    for _ in range(3):
        customer.say("مرحبا")
    response = customer.client.post(f"/api/conversations/{customer.id}/messages",
                                    json={"text": "مرحبا"}, headers=customer.headers)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "try again" in response.json["error"]


def test_an_address_is_limited_across_its_conversations(limited_app):
    client = limited_app.test_client()
    first, second = Customer(client), Customer(client)
    for _ in range(3):
        first.say("hello")
    second.say("hello")
    second.say("hello")
    response = client.post(f"/api/conversations/{second.id}/messages", json={"text": "hi"},
                           headers=second.headers)
    assert response.status_code == 429 and "address" in response.json["error"]
    # Another address is not affected.
    other = Customer(limited_app.test_client())
    other.client.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    other.say("hello")


def test_conversations_per_address_are_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.post("/api/conversations", json={}).status_code == 201
    response = client.post("/api/conversations", json={})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 60
    elsewhere = limited_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert elsewhere.post("/api/conversations", json={}).status_code == 201


def test_long_messages_are_refused_whatever_the_limits(limited_app):
    limited_app.config["MAX_MESSAGE_LENGTH"] = 50
    customer = Customer(limited_app.test_client())
    customer.say("a" * 51, status=413)


def test_limits_can_be_turned_off(chat_app):
    chat_app.config.update(RATELIMIT_ENABLED=False, MESSAGES_PER_MINUTE=1,
                           CONVERSATIONS_PER_HOUR_PER_ADDRESS=1)
    client = chat_app.test_client()
    customer = Customer(client)
    Customer(client)
    for _ in range(5):
        customer.say("hello")


def test_the_environment_turns_them_off(monkeypatch, tmp_path):
    from chat_fixtures import make_app
    monkeypatch.setenv("DALIL_RATELIMIT_ENABLED", "false")
    assert make_app(tmp_path).config["RATELIMIT_ENABLED"] is False
