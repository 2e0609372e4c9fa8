"""Nodes learn from each other on PostgreSQL: two apps (two nodes) on one database, each
with its live-reload thread, polling so rarely that only PostgreSQL's notices
(LISTEN/NOTIFY, web/live.py) can bring a learned question or a removal in time."""
import time

import pytest

from bot import store
from conftest import app_over, write_articles

# Asked in a way none of the small help center's questions is: the bot cannot place it.
QUESTION = "الكرتونة وصلت مفتوحة وناقص منها قطعة"
PATIENCE = 20  # bounds a hang; a notice takes milliseconds (figures: docs/benchmarks.md)
RARELY = 3600  # seconds between polls: longer than any test waits


def _node(articles, pg_url, interval=RARELY):
    app = app_over(articles, pg_url, LIVE_RELOAD=True, LIVE_RELOAD_INTERVAL=interval,
                   RATELIMIT_ENABLED=False)
    app.extensions["dalil_watcher"].ensure_running()
    return app


def _answers(app, question):
    reply = app.test_client().post("/api/ask", json={"question": question}).json
    return reply["article_id"] if reply["action"] == "answer" else None


def _until(check):
    deadline = time.monotonic() + PATIENCE
    while not check():
        assert time.monotonic() < deadline, "the change never reached the other node"
        time.sleep(0.02)


@pytest.fixture
def nodes(tmp_path, pg_url):
    articles = write_articles(tmp_path / "articles")
    apps = [_node(articles, pg_url), _node(articles, pg_url)]
    yield apps
    for app in apps:
        app.extensions["dalil_watcher"].stop()


def test_a_question_learned_on_one_node_is_answered_by_the_other(nodes, pg_url):
    a, b = nodes
    assert _answers(b, QUESTION) != "return-policy"
    db = store.open_db(pg_url)  # node A's agent resolving a handoff
    learned_id = store.add_learned_question(db, "return-policy", QUESTION, "ar")
    _until(lambda: _answers(b, QUESTION) == "return-policy")
    _until(lambda: _answers(a, QUESTION) == "return-policy")
    store.remove_learned_question(db, learned_id)  # a removal rebuilds: also told
    _until(lambda: _answers(b, QUESTION) != "return-policy")
    db.close()


def test_a_lost_listener_falls_back_to_polling_and_listens_again(tmp_path, pg_url):
    articles = write_articles(tmp_path / "articles")
    node = _node(articles, pg_url, interval=0.2)
    try:
        db = store.open_db(pg_url)
        # Every other session ends, as when the server restarts: the node's listener
        # and its kept connection are lost.
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE datname = current_database() AND pid != pg_backend_pid()")
        store.add_learned_question(db, "return-policy", QUESTION, "ar")
        _until(lambda: _answers(node, QUESTION) == "return-policy")
        db.close()
    finally:
        node.extensions["dalil_watcher"].stop()
