"""Abuse limits of the chat API: the pure window arithmetic, and 429 with Retry-After
through the client on a real SQLite file; RATELIMIT_ENABLED=False turns them off; bursts
of simultaneous requests (a client per thread) get exactly the limit in."""
import collections
import datetime
import threading

import pytest

from chat_fixtures import Customer, chat_app, database, shared_app  # noqa: F401
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


# --- bursts: the count and the insert are one write transaction -------------------------------

BURST = 40


def _burst(send, n=BURST):
    """Run ``send(i)`` in ``n`` threads released at once; return their results."""
    start = threading.Barrier(n)
    results = [None] * n

    def run(i):
        start.wait(timeout=30)
        results[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def test_a_burst_of_messages_stores_exactly_the_limit(chat_app):
    chat_app.config.update(RATELIMIT_ENABLED=True, MESSAGES_PER_MINUTE=20,
                           MESSAGES_PER_MINUTE_PER_ADDRESS=1000)
    customer = Customer(chat_app.test_client())

    def send(i):
        response = chat_app.test_client().post(
            f"/api/conversations/{customer.id}/messages", json={"text": f"رقم الطلب {i}"},
            headers=customer.headers)
        return response.status_code

    statuses = _burst(send)
    assert collections.Counter(statuses) == {200: 20, 429: BURST - 20}
    db = database(chat_app)
    stored = db.execute("SELECT count(*) FROM messages WHERE conversation_id = ? AND "
                        "role = 'customer'", [customer.id]).fetchone()[0]
    assert stored == 20


def test_a_burst_from_one_address_stores_exactly_its_limit(chat_app):
    chat_app.config.update(RATELIMIT_ENABLED=True, MESSAGES_PER_MINUTE=1000,
                           MESSAGES_PER_MINUTE_PER_ADDRESS=15,
                           CONVERSATIONS_PER_HOUR_PER_ADDRESS=1000)
    customers = [Customer(chat_app.test_client()) for _ in range(4)]

    def send(i):
        customer = customers[i % len(customers)]
        return chat_app.test_client().post(
            f"/api/conversations/{customer.id}/messages", json={"text": "hello"},
            headers=customer.headers).status_code

    assert collections.Counter(_burst(send)) == {200: 15, 429: BURST - 15}
    db = database(chat_app)
    assert db.execute("SELECT count(*) FROM messages WHERE role = 'customer'").fetchone()[0] == 15


def test_a_burst_of_new_conversations_starts_exactly_the_limit(chat_app):
    chat_app.config.update(RATELIMIT_ENABLED=True, CONVERSATIONS_PER_HOUR_PER_ADDRESS=7)

    def start(i):
        return chat_app.test_client().post("/api/conversations", json={}).status_code

    assert collections.Counter(_burst(start)) == {201: 7, 429: BURST - 7}
    assert database(chat_app)["conversations"].count == 7
