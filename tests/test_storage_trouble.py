"""Storage trouble degrades, it does not kill: a database file made read-only, a write
lock held past the busy timeout, and a server whose files cannot grow (the kernel's
file-size limit, as on a full disk) answer a chat message with 503 and Retry-After in
the request's language, while the help center's pages are still served (their view and
search logs are skipped). Nothing acknowledged is lost, and a retry with the same
Idempotency-Key is stored once. Real files, real SQLite, a real server process."""
import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from bot import store
from web_fixtures import csrf_token
from chat_fixtures import Customer, agent_client, chat_app, database, shared_app  # noqa: F401
from conftest import write_articles
from web.i18n import t

ARTICLE = "/ar/articles/order-tracking"
READS = ["/ar/", "/en/", ARTICLE, "/en/articles/order-tracking", "/ar/categories/orders",
         "/en/search?q=password", "/chat", "/widget.js"]


@contextlib.contextmanager
def read_only(app):
    """Make ``app``'s SQLite file read-only for the block, for real: chmod for a user;
    for root, whom modes do not stop, the file system's immutable attribute."""
    path = app.config["DATABASE"]
    # A connection opened before keeps writing through its open file: the requests'
    # pool (web/context.py) lets its idle ones go, so requests open the file as it is.
    pool = app.extensions.get("dalil_db")
    if pool is not None:
        pool.close()
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(
                ["chattr", "+i", path], capture_output=True).returncode:
            # Under CI (CI=true) a missing way to make the file read-only fails, as a
            # missing chromium does (tests/browser/conftest.py): never a silent pass.
            reason = "running as root without chattr +i: cannot make a file read-only"
            pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", path], check=True)
    else:
        mode = os.stat(path).st_mode
        os.chmod(path, 0o444)
        try:
            yield
        finally:
            os.chmod(path, mode)


def _send(customer, text, key, lang=None):
    query = f"?lang={lang}" if lang else ""
    return customer.client.post(f"/api/conversations/{customer.id}/messages{query}",
                                json={"text": text},
                                headers={**customer.headers, "Idempotency-Key": key})


def _customer_texts(app, conversation_id):
    return [row["text"] for row in database(app).query(
        "SELECT text FROM messages WHERE conversation_id = ? AND role = 'customer' "
        "ORDER BY id", [conversation_id])]


def _assert_unavailable(response, lang="ar"):
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == {"error": t("unavailable_api", lang)}


def test_a_read_only_database_answers_503_and_the_help_center_still_reads(chat_app):
    client = chat_app.test_client()
    customer = Customer(client)
    customer.say("وين طلبي الحين")  # acknowledged before the trouble
    with read_only(chat_app):
        _assert_unavailable(_send(customer, "كم سعر التوصيل", "k1"))
        _assert_unavailable(client.post("/api/conversations", json={}))
        # In the request's language (?lang=, then remembered in the lang cookie).
        _assert_unavailable(_send(customer, "how much is shipping", "k2", lang="en"), "en")
        for url in READS:
            assert client.get(url).status_code == 200, url
        assert client.get("/api/search?q=password").status_code == 200
        assert client.post("/api/ask", json={"question": "where is my order"}).status_code == 200
    assert database(chat_app)["article_views"].count == 0  # skipped, not half-stored
    # The disk is back, and the site restarted: connections SQLite opened while the file
    # was read-only stay read-only (the pool keeps those that only read; see the report).
    if "dalil_db" in chat_app.extensions:
        chat_app.extensions["dalil_db"].close()
    # The widget's retry (same key) is stored, once.
    assert _send(customer, "كم سعر التوصيل", "k1").status_code == 200
    assert _send(customer, "كم سعر التوصيل", "k1").status_code == 200
    assert _customer_texts(chat_app, customer.id) == ["وين طلبي الحين", "كم سعر التوصيل"]
    assert client.get(ARTICLE).status_code == 200
    assert database(chat_app)["article_views"].count == 1


def test_pages_that_store_say_so_in_html_and_keep_what_was_typed(chat_app):
    client = chat_app.test_client()
    page = client.get("/en/articles/order-tracking").text
    token = csrf_token(page)
    customer = Customer(client)
    customer.say("بدي احكي مع حدا")
    handoff_id = database(chat_app)["handoffs"].count
    mona = agent_client(chat_app, "mona")
    console = mona.get(f"/agent/handoffs/{handoff_id}").text
    agent_token = csrf_token(console)
    with read_only(chat_app):
        response = client.post("/en/articles/order-tracking/feedback",
                               data={"helpful": "0", "comment": "the map is missing",
                                     "csrf_token": token})
        assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
        assert t("feedback_unavailable", "en") in response.text
        assert "the map is missing" in response.text  # nothing the reader typed is lost
        claim = mona.post(f"/agent/handoffs/{handoff_id}/claim?lang=en",
                          data={"csrf_token": agent_token})
        assert claim.status_code == 503 and int(claim.headers["Retry-After"]) >= 1
        assert t("unavailable_title", "en") in claim.text
    assert database(chat_app)["article_feedback"].count == 0


def test_a_lock_held_past_the_busy_timeout_is_a_503_not_a_500(chat_app):
    customer = Customer(chat_app.test_client())
    customer.say("hello")
    holder = store.connect(chat_app.config["DATABASE"])
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    results = {}

    def message():
        results["message"] = _send(customer, "where is my order", "locked")

    def article():
        results["article"] = chat_app.test_client().get(ARTICLE)

    try:
        threads = [threading.Thread(target=message), threading.Thread(target=article)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_unavailable(results["message"])
    assert results["article"].status_code == 200
    assert _send(customer, "where is my order", "locked").status_code == 200
    assert _customer_texts(chat_app, customer.id) == ["hello", "where is my order"]


# --- a server whose files cannot grow ---------------------------------------------------------

SERVER = """
import sys
from werkzeug.serving import make_server
from web import create_app
app = create_app({"TESTING": True, "ARTICLES": sys.argv[1], "DATABASE": sys.argv[2],
                  "LIVE_RELOAD": False})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


class Server:
    """The app served by a process of its own (its file-size limit is its own)."""

    def __init__(self, articles, database):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(articles), str(database)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.url = f"http://127.0.0.1:{self.process.stdout.readline().strip()}"

    def request(self, method, path, body=None, headers=None):
        """Return (status, headers, text) of one request."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json",
                                                  **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def limit_file_size(self, size):
        # RLIMIT_FSIZE: the kernel refuses to write a file of this process past ``size``
        # bytes (EFBIG; Python ignores SIGXFSZ), as a full disk refuses to grow it.
        resource.prlimit(self.process.pid, resource.RLIMIT_FSIZE,
                         (size, resource.RLIM_INFINITY))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def test_a_server_whose_files_cannot_grow_answers_503_and_loses_nothing(tmp_path):
    articles = write_articles(tmp_path / "articles")
    path = tmp_path / "dalil.sqlite3"
    server = Server(articles, path)
    # Held open, so the write-ahead log stays (it is not checkpointed away) and grows
    # with every write: any write the server makes from now on extends it.
    watcher = store.connect(str(path))
    try:
        status, _, text = server.request("POST", "/api/conversations", {"lang": "en"})
        assert status == 201
        conversation = json.loads(text)
        headers = {"X-Conversation-Token": conversation["token"]}
        messages = f"/api/conversations/{conversation['id']}/messages"
        assert server.request("POST", messages, {"text": "hello"},
                              {**headers, "Idempotency-Key": "one"})[0] == 200
        assert list(watcher.query("SELECT 1 FROM messages"))  # the log exists, and is read
        server.limit_file_size(os.path.getsize(f"{path}-wal"))

        status, response_headers, text = server.request(
            "POST", messages + "?lang=en", {"text": "where is my order"},
            {**headers, "Idempotency-Key": "two"})
        assert status == 503, text
        assert int(response_headers["Retry-After"]) >= 1
        assert json.loads(text) == {"error": t("unavailable_api", "en")}
        for url in READS:
            assert server.request("GET", url)[0] == 200, url
        assert server.request("POST", "/api/ask", {"question": "where is my order"})[0] == 200

        server.limit_file_size(resource.RLIM_INFINITY)
        for _ in range(2):  # the widget's retry, and one more
            status, _, text = server.request("POST", messages, {"text": "where is my order"},
                                             {**headers, "Idempotency-Key": "two"})
            assert status == 200, text
        texts = [row["text"] for row in watcher.query(
            "SELECT text FROM messages WHERE role = 'customer' ORDER BY id")]
        assert texts == ["hello", "where is my order"]
    finally:
        watcher.close()
        server.stop()
