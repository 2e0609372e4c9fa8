"""The chat, customer, event stream, typing, handoff, agent, note, learning, idempotency, session,
rate-limit, insights, bad-input, stored-text, desk-routing, canned-reply, tags,
conversation-search and inbox (unread counts) web tests
again, with the app's DATABASE a PostgreSQL URL (a real server from tests/pg_fixtures.py;
a database per test).

The tests are those modules' own functions, collected here a second time: every test
there that takes the ``chat_app`` fixture runs here against this module's ``chat_app``,
which points the same app at PostgreSQL instead of a SQLite file. A test that looks at
SQLite itself (a file, a PRAGMA, sqlite3's errors) stays in its own module only:
SQLITE_ONLY names them, with the reason.
"""
import inspect

import pytest
from _pytest.fixtures import FixtureFunctionDefinition

from bot import store
from chat_fixtures import make_app
import test_agents
import test_bad_input
import test_canned
import test_chat
import test_customers
import test_desk_web
import test_events
import test_handoffs
import test_idempotency
import test_inbox
import test_insights_web
import test_learning
import test_notes
import test_ratelimit
import test_sessions
import test_stored_text
import test_tags
import test_typing
import test_conversation_search

MODULES = [test_chat, test_customers, test_events, test_typing, test_handoffs, test_agents,
           test_learning, test_notes, test_idempotency, test_sessions, test_ratelimit,
           test_insights_web, test_bad_input, test_stored_text, test_desk_web, test_canned,
           test_tags, test_conversation_search, test_inbox]
# Tests that are about SQLite itself, not the behaviour both backends share.
SQLITE_ONLY = {
    "test_the_file_itself_refuses_a_key_twice_in_a_conversation":
        "expects sqlite3.IntegrityError (test_store_conversations covers both backends)",
}
_APPS = {}


@pytest.fixture
def shared_app(request, tmp_path_factory):
    """One app per module the test comes from, as there (its bot learns as the module's
    tests teach it; another module's lessons must not change its answers)."""
    module = request.function.__module__
    if module not in _APPS:
        _APPS[module] = make_app(tmp_path_factory.mktemp("chat"), RATELIMIT_ENABLED=False)
    return _APPS[module]


@pytest.fixture
def chat_app(shared_app, pg_migrated_url):
    """The module's app over a fresh, migrated PostgreSQL database of this test's own;
    settings a test changes are put back afterwards (chat_fixtures.chat_app, on
    PostgreSQL)."""
    saved = dict(shared_app.config)
    shared_app.config["DATABASE"] = pg_migrated_url
    yield shared_app
    pool = shared_app.extensions.pop("dalil_db", None)
    if pool is not None:
        pool.close()  # before the database is dropped
    shared_app.config.clear()
    shared_app.config.update(saved)


def _collect():
    """Yield (name here, object) for each test to run again and each fixture the
    modules define or import (their ``chat_app`` gives way to this module's)."""
    for module in MODULES:
        for name, value in vars(module).items():
            if (isinstance(value, FixtureFunctionDefinition)
                    and name not in ("chat_app", "shared_app") and name not in globals()):
                yield name, value
        for name, test in vars(module).items():
            if (name.startswith("test_") and callable(test)
                    and "chat_app" in inspect.signature(test).parameters
                    and name not in SQLITE_ONLY):
                yield f"test_{module.__name__[5:]}__{name[5:]}", test


for _name, _test in _collect():
    globals()[_name] = _test
del _name, _test


def test_an_app_started_on_a_postgresql_url_migrates_and_stores_there(articles_dir, pg_url):
    from conftest import app_over
    app = app_over(articles_dir, pg_url)  # DATABASE the URL from the start
    client = app.test_client()
    assert client.post("/api/ask", json={"question": "how much is shipping"}).status_code == 200
    assert client.get("/en/articles/shipping-costs").status_code == 200
    db = store.connect(pg_url)
    assert [row["question"] for row in store.asks_in(db, "0", "9")] == ["how much is shipping"]
    assert store.most_viewed(db) == [("shipping-costs", 1)]
    assert store.migrations.pending(db) == []
    db.close()
    app.extensions.pop("dalil_db").close()


def test_a_connection_the_server_dropped_is_replaced_before_it_is_lent(chat_app):
    # The server ends every session of the database (a restart, a failover): the pool
    # tries each connection before lending it, so no customer's request fails on one.
    client = chat_app.test_client()
    assert client.post("/api/conversations", json={"lang": "ar"}).status_code == 201
    admin = store.connect(chat_app.config["DATABASE"])
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    admin.close()
    assert client.post("/api/conversations", json={"lang": "ar"}).status_code == 201

