"""`dalil serve` on PostgreSQL: a real gunicorn (two forked gevent workers) with
DALIL_DATABASE a postgresql:// URL, customers chatting at once through it; every message
is stored once, in order, on the real server of tests/pg_fixtures.py."""
from bot import store
from conftest import run_in_threads, write_articles
from node_fixtures import Client, Node


def test_two_workers_on_one_postgresql_store_every_message_once(tmp_path, pg_url):
    articles = write_articles(tmp_path / "articles")
    env = {"DALIL_DATABASE": pg_url, "DALIL_RATELIMIT_ENABLED": "false",
           "DALIL_INDEX_CACHE": str(tmp_path / "index-cache")}
    node = Node(articles, env, tmp_path / "server.log").start()
    conversations, failures = [], []

    def customer(n):
        try:
            client = Client()
            status, started = client.call(node, "POST", "/api/conversations", {"lang": "ar"})
            headers = {"X-Conversation-Token": started["token"]}
            for i in range(4):
                status, _ = client.call(node, "POST", f"/api/conversations/{started['id']}/messages",
                                        {"text": f"سؤال {n}-{i}"}, headers)
                assert status == 200
            conversations.append(started["id"])
        except Exception as error:  # noqa: BLE001  (asserted below)
            failures.append(repr(error))

    try:
        run_in_threads(customer, [(n,) for n in range(12)])
        assert failures == [], node.log()
    finally:
        node.stop()
    db = store.connect(pg_url)
    for conversation_id in conversations:
        said = [m["text"] for m in store.messages(db, conversation_id) if m["role"] == "customer"]
        n = said[0].split()[1].split("-")[0]
        assert said == [f"سؤال {n}-{i}" for i in range(4)]  # each once, in order
    assert len(conversations) == 12
    db.close()
