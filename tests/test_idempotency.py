"""A customer message sent with an Idempotency-Key is stored once per conversation and
key: a retry (the widget's, after a failure it could not tell from a lost answer) gets
back the stored message and the reply it got, through the real client and SQLite file."""
import collections
import sqlite3
import threading

import pytest

from bot import store
from chat_fixtures import Customer, chat_app, database, shared_app  # noqa: F401


def _send(customer, text, key, choice=None, client=None):
    body = {"text": text, **({"choice": choice} if choice else {})}
    return (client or customer.client).post(
        f"/api/conversations/{customer.id}/messages", json=body,
        headers={**customer.headers, "Idempotency-Key": key})


def _stored(app, conversation_id):
    return list(database(app).query(
        "SELECT id, role, text, idempotency_key FROM messages WHERE conversation_id = ? "
        "ORDER BY id", [conversation_id]))


def test_a_retried_message_is_stored_once_and_gets_the_same_reply(chat_app):
    customer = Customer(chat_app.test_client())
    first = _send(customer, "وين طلبي الحين", "key-1")
    assert first.status_code == 200
    again = _send(customer, "وين طلبي الحين", "key-1")
    assert again.status_code == 200
    assert again.json["messages"] == first.json["messages"]
    assert [m["role"] for m in first.json["messages"]] == ["customer", "bot"]
    rows = _stored(chat_app, customer.id)
    assert [(r["role"], r["text"]) for r in rows] == [("customer", "وين طلبي الحين"),
                                                       ("bot", first.json["messages"][1]["text"])]
    assert rows[0]["idempotency_key"] == "key-1"


def test_a_new_key_is_a_new_message(chat_app):
    customer = Customer(chat_app.test_client())
    assert _send(customer, "hello", "a").status_code == 200
    assert _send(customer, "hello", "b").status_code == 200
    customers = [r for r in _stored(chat_app, customer.id) if r["role"] == "customer"]
    assert len(customers) == 2


def test_keys_belong_to_their_conversation(chat_app):
    client = chat_app.test_client()
    one, two = Customer(client), Customer(client)
    assert _send(one, "hello", "same").status_code == 200
    assert _send(two, "hello", "same").status_code == 200
    assert len(_stored(chat_app, one.id)) == len(_stored(chat_app, two.id)) == 2


def test_a_key_sent_with_another_text_is_refused(chat_app):
    customer = Customer(chat_app.test_client())
    assert _send(customer, "hello", "k").status_code == 200
    response = _send(customer, "something else", "k")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["error"]
    response = _send(customer, "hello", "k", choice="person")
    assert response.status_code == 422
    assert len(_stored(chat_app, customer.id)) == 2


def test_a_malformed_key_is_a_400(chat_app):
    customer = Customer(chat_app.test_client())
    for key in ("", "with space", "x" * 129, "مفتاح"):
        response = customer.client.post(
            f"/api/conversations/{customer.id}/messages", json={"text": "hello"},
            headers={**customer.headers, "Idempotency-Key": key.encode().decode("latin-1")})
        assert response.status_code == 400, key
        assert "Idempotency-Key" in response.json["error"]
    assert _stored(chat_app, customer.id) == []


def test_a_retried_escalation_opens_one_handoff_and_repeats_its_notice(chat_app):
    customer = Customer(chat_app.test_client())
    first = _send(customer, "بدي احكي مع حدا", "escalate")
    again = _send(customer, "بدي احكي مع حدا", "escalate")
    assert [m["role"] for m in first.json["messages"]] == ["customer", "bot", "system"]
    assert again.json["messages"] == first.json["messages"]
    assert again.json["handoff"]["id"] == first.json["handoff"]["id"]
    assert database(chat_app)["handoffs"].count == 1
    # While a person has the conversation the bot is silent: a retry says nothing more.
    joined = _send(customer, "رقم الطلب 7", "joined")
    assert _send(customer, "رقم الطلب 7", "joined").json["messages"] == joined.json["messages"]
    assert [m["role"] for m in joined.json["messages"]] == ["customer"]
    assert [r["role"] for r in _stored(chat_app, customer.id)] == [
        "customer", "bot", "system", "customer"]


def test_simultaneous_retries_store_the_message_once(chat_app):
    customer = Customer(chat_app.test_client())
    start = threading.Barrier(10)
    statuses, ids = [], []

    def retry():
        start.wait(timeout=30)
        response = _send(customer, "كم سعر التوصيل", "burst", client=chat_app.test_client())
        statuses.append(response.status_code)
        ids.append(tuple(m["id"] for m in response.json["messages"]))

    threads = [threading.Thread(target=retry) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 10
    assert len(set(ids)) == 1
    roles = collections.Counter(r["role"] for r in _stored(chat_app, customer.id))
    assert roles["customer"] == 1


def test_a_retry_is_not_counted_against_the_limit(chat_app):
    chat_app.config.update(RATELIMIT_ENABLED=True, MESSAGES_PER_MINUTE=2)
    customer = Customer(chat_app.test_client())
    assert _send(customer, "hello", "1").status_code == 200
    assert _send(customer, "hello again", "2").status_code == 200
    assert _send(customer, "hello again", "2").status_code == 200  # the same message
    assert _send(customer, "a third", "3").status_code == 429


def test_browsers_may_send_the_key_across_origins(chat_app):
    response = chat_app.test_client().options(
        "/api/conversations/1/messages",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, idempotency-key"})
    assert "Idempotency-Key" in response.headers["Access-Control-Allow-Headers"]


def test_the_file_itself_refuses_a_key_twice_in_a_conversation(chat_app):
    db = database(chat_app)
    conversation = store.create_conversation(db, "en")
    store.add_message(db, conversation["id"], "customer", "hello", key="k")
    with pytest.raises(sqlite3.IntegrityError):
        store.add_message(db, conversation["id"], "customer", "hello", key="k")
    store.add_message(db, conversation["id"], "customer", "hello")  # no key: no limit
    store.add_message(db, conversation["id"], "customer", "hello")
