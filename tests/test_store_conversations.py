"""bot/store/conversations.py: conversations and handoffs, on both backends (a real
SQLite file, a real PostgreSQL database: tests/pg_fixtures.py)."""
import threading

import pytest

from bot import store
from conftest import run_in_threads


@pytest.fixture
def db(backend_db):
    return backend_db


def test_the_chat_schema_is_applied_once(database, backend):
    path = database
    store.open_db(path).close()
    db = store.open_db(path)
    assert {"m002_conversations", "m003_learned_sources", "m004_login_failures"} <= {
        m.name for m in store.migrations.applied(db)}
    assert store.migrations.pending(db) == []
    assert {"source", "disputed"} <= set(db["learned_questions"].columns_dict)
    assert {"conversations", "messages", "handoffs", "agents", "learned_questions",
            "ratings"} <= set(db.table_names())
    if backend == "sqlite":
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_conversation_opens_only_with_its_token(db):
    conversation = store.create_conversation(db, "ar", "client-1")
    assert len(conversation["token"]) >= 32
    assert store.get_conversation(db, conversation["id"], conversation["token"])["lang"] == "ar"
    assert store.get_conversation(db, conversation["id"], "wrong") is None
    assert store.get_conversation(db, conversation["id"] + 1, conversation["token"]) is None
    other = store.create_conversation(db, "en")
    assert other["token"] != conversation["token"]


def test_messages_come_back_in_order_after_an_id(db):
    conversation = store.create_conversation(db, "ar")
    ids = [store.add_message(db, conversation["id"], role, text, {"n": i})["id"]
           for i, (role, text) in enumerate([("customer", "سلام"), ("bot", "أهلًا"),
                                              ("customer", "وين طلبي")])]
    assert [m["text"] for m in store.messages(db, conversation["id"])] == ["سلام", "أهلًا", "وين طلبي"]
    later = store.messages(db, conversation["id"], after=ids[0])
    assert [m["id"] for m in later] == ids[1:] and later[0]["data"] == {"n": 1}


def test_a_conversation_has_at_most_one_active_handoff(db):
    conversation = store.create_conversation(db, "ar")
    first, created = store.open_handoff(db, conversation["id"], reason="no match", lang="ar")
    again, created_again = store.open_handoff(db, conversation["id"], reason="x", lang="ar")
    assert created and not created_again and again["id"] == first["id"]
    # Even a direct insert cannot add a second active one: the database refuses it.
    with pytest.raises(store.integrity_errors()):
        db["handoffs"].insert({"conversation_id": conversation["id"], "status": "open",
                               "created": "2026-01-01T00:00:00+00:00"})


def test_a_claim_is_won_once(db):
    conversation = store.create_conversation(db, "ar")
    handoff, _ = store.open_handoff(db, conversation["id"], reason="no match", lang="ar")
    assert store.claim_handoff(db, handoff["id"], "mona") is True
    assert store.claim_handoff(db, handoff["id"], "omar") is False
    assert store.get_handoff(db, handoff["id"])["assignee"] == "mona"
    assert store.release_handoff(db, handoff["id"], "omar") is False
    assert store.release_handoff(db, handoff["id"], "mona") is True
    assert store.claim_handoff(db, handoff["id"], "omar") is True


def test_queue_positions_count_the_open_handoffs_ahead(db):
    handoffs = []
    for _ in range(3):
        conversation = store.create_conversation(db, "ar")
        handoffs.append(store.open_handoff(db, conversation["id"], reason="r", lang="ar")[0])
    assert [store.queue_position(db, h["id"]) for h in handoffs] == [1, 2, 3]
    store.claim_handoff(db, handoffs[0]["id"], "mona")
    assert [store.queue_position(db, h["id"]) for h in handoffs] == [0, 1, 2]
    assert [h["id"] for h in store.handoffs(db, "open")] == [handoffs[1]["id"], handoffs[2]["id"]]
    assert [h["id"] for h in store.handoffs(db, "mine", agent="mona")] == [handoffs[0]["id"]]


def test_a_failed_transaction_leaves_nothing_behind(db):
    conversation = store.create_conversation(db, "ar")
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            store.open_handoff(db, conversation["id"], reason="no match", lang="ar")
            store.add_message(db, conversation["id"], "system", "in the queue")
            raise RuntimeError("the process dies mid-request")
    assert store.active_handoff(db, conversation["id"]) is None
    assert store.messages(db, conversation["id"]) == []


def test_learned_questions_are_stored_once_per_article(db):
    store.add_learned_question(db, "refunds", "وين فلوسي", "ar")
    store.add_learned_question(db, "refunds", "وين فلوسي", "ar")
    store.add_learned_question(db, "refunds", "where is my money", "en")
    assert store.learned_questions(db) == {"refunds": ["وين فلوسي", "where is my money"]}


def test_a_resolved_handoff_makes_room_for_a_new_one(db):
    conversation = store.create_conversation(db, "ar")
    first, _ = store.open_handoff(db, conversation["id"], reason="no match", lang="ar")
    store.claim_handoff(db, first["id"], "mona")
    assert store.resolve_handoff(db, first["id"], "mona", "no_article") is True
    second, created = store.open_handoff(db, conversation["id"], reason="again", lang="ar")
    assert created and second["id"] != first["id"]
    assert store.latest_handoff(db, conversation["id"])["id"] == second["id"]
    assert [h["id"] for h in store.handoffs(db, "resolved")] == [first["id"]]


def test_a_message_is_stored_once_per_idempotency_key(db):
    conversation = store.create_conversation(db, "ar")
    first = store.add_message(db, conversation["id"], "customer", "سلام", key="k-1")
    reply = store.add_message(db, conversation["id"], "bot", "أهلًا", reply_to=first["id"])
    assert store.message_with_key(db, conversation["id"], "k-1")["id"] == first["id"]
    assert store.message_with_key(db, conversation["id"], "k-2") is None
    assert [m["id"] for m in store.replies_to(db, first)] == [reply["id"]]
    with pytest.raises(store.integrity_errors()):
        store.add_message(db, conversation["id"], "customer", "سلام", key="k-1")
    other = store.create_conversation(db, "ar")  # a key is unique per conversation only
    assert store.add_message(db, other["id"], "customer", "سلام", key="k-1")["id"]


def test_racing_claims_on_separate_connections_have_one_winner(database, db):
    conversation = store.create_conversation(db, "ar")
    handoff, _ = store.open_handoff(db, conversation["id"], reason="no match", lang="ar")
    agents = [f"agent-{n}" for n in range(6)]
    won, start = [], threading.Barrier(len(agents))

    def claim(agent):
        own = store.connect(database)  # in this thread: another node, as it were
        try:
            start.wait()
            if store.claim_handoff(own, handoff["id"], agent):
                won.append(agent)
        finally:
            own.close()

    run_in_threads(claim, [(agent,) for agent in agents])
    assert len(won) == 1
    assert store.get_handoff(db, handoff["id"])["assignee"] == won[0]


def test_escalating_at_once_on_separate_connections_opens_one_handoff(database, db):
    conversation = store.create_conversation(db, "ar")
    results, start = [], threading.Barrier(5)

    def escalate():
        own = store.connect(database)
        try:
            start.wait()
            results.append(store.open_handoff(own, conversation["id"], reason="r",
                                              lang="ar"))
        finally:
            own.close()

    run_in_threads(escalate, [()] * 5)
    assert sorted(created for _, created in results) == [False] * 4 + [True]
    assert len({handoff["id"] for handoff, _ in results}) == 1
