"""Fixtures and helpers for the chat and handoff tests: the app over the small help
center of conftest.py with a real SQLite file, customers and agents as test clients.

Import what a module needs: ``from chat_fixtures import chat_app, customer, ...``.
"""
import pytest

from bot import store
from bot.desk import agents
from conftest import app_over, write_articles

PASSWORD = "correct horse battery"
XHR = {"X-Requested-With": "XMLHttpRequest"}


def make_app(tmp_path, **config):
    """Return the app over a fresh copy of the small help center and ``tmp_path``'s
    SQLite file (the same file when called again: a restart)."""
    articles = tmp_path / "articles"
    if not articles.exists():
        write_articles(articles)
    return app_over(articles, tmp_path / "dalil.sqlite3", **config)


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One app per test module (building the bot takes a moment), rate limits off."""
    return make_app(tmp_path_factory.mktemp("chat"), RATELIMIT_ENABLED=False)


@pytest.fixture
def chat_app(shared_app, tmp_path):
    """The module's app over a fresh SQLite file of this test's own; settings a test
    changes are put back afterwards."""
    path = str(tmp_path / "dalil.sqlite3")
    store.open_db(path).close()
    saved = dict(shared_app.config)
    shared_app.config["DATABASE"] = path
    yield shared_app
    shared_app.config.clear()
    shared_app.config.update(saved)


def database(app):
    """A sqlite-utils Database over the app's file, for asserting on stored rows."""
    return store.connect(app.config["DATABASE"])


class Customer:
    """A customer's side of one conversation, through the real API."""

    def __init__(self, client, lang="ar"):
        self.client = client
        response = client.post("/api/conversations", json={"lang": lang})
        assert response.status_code == 201, response.json
        self.id, self.token = response.json["id"], response.json["token"]
        self.last = 0

    @property
    def headers(self):
        return {"X-Conversation-Token": self.token}

    def say(self, text, choice=None, status=200):
        body = {"text": text, **({"choice": choice} if choice else {})}
        response = self.client.post(f"/api/conversations/{self.id}/messages", json=body,
                                    headers=self.headers)
        assert response.status_code == status, response.json
        if status == 200:
            self.last = max(m["id"] for m in response.json["messages"])
        return response.json

    def new_messages(self):
        response = self.client.get(f"/api/conversations/{self.id}/messages?after={self.last}",
                                   headers=self.headers)
        assert response.status_code == 200, response.json
        if response.json["messages"]:
            self.last = response.json["messages"][-1]["id"]
        return response.json

    def handoff(self, **contact):
        return self.client.post(f"/api/conversations/{self.id}/handoff", json=contact,
                                headers=self.headers)

    def rate(self, score, comment=""):
        return self.client.post(f"/api/conversations/{self.id}/rating",
                                json={"score": score, "comment": comment},
                                headers=self.headers)


@pytest.fixture
def customer(chat_app):
    return Customer(chat_app.test_client())


def add_agent(app, name):
    db = database(app)
    try:
        agents.add_agent(db, name, PASSWORD)
    finally:
        db.close()


def agent_client(app, name):
    """A test client signed in (through the API) as a new agent ``name``."""
    add_agent(app, name)
    client = app.test_client()
    response = client.post("/api/agent/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return client


@pytest.fixture
def mona(chat_app):
    return agent_client(chat_app, "mona")


@pytest.fixture
def omar(chat_app):
    return agent_client(chat_app, "omar")
