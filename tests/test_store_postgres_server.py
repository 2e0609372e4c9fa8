"""`dalil serve` on PostgreSQL: a real gunicorn (two forked gevent workers) with
DALIL_DATABASE a postgresql:// URL, customers chatting at once through it; every message
is stored once, in order, on the real server of tests/pg_fixtures.py."""
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from bot import store
from conftest import run_in_threads, write_articles

DALIL = pathlib.Path(sys.executable).with_name("dalil")
PATIENCE = 60  # bounds a hang; not a timing figure


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port, path, body, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
    with urllib.request.urlopen(request, timeout=PATIENCE) as response:
        return response.status, json.loads(response.read())


def test_two_workers_on_one_postgresql_store_every_message_once(tmp_path, pg_url):
    articles = write_articles(tmp_path / "articles")
    port = _free_port()
    env = {**os.environ, "DALIL_DATABASE": pg_url, "DALIL_RATELIMIT_ENABLED": "false",
           "DALIL_INDEX_CACHE": str(tmp_path / "index-cache")}
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen([str(DALIL), "serve", "--articles", str(articles), "--port",
                                str(port), "--workers", "2"], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "dalil serve did not answer"
                time.sleep(0.2)
        conversations, failures = [], []

        def customer(n):
            try:
                status, started = _post(port, "/api/conversations", {"lang": "ar"})
                headers = {"X-Conversation-Token": started["token"]}
                for i in range(4):
                    status, _ = _post(port, f"/api/conversations/{started['id']}/messages",
                                      {"text": f"سؤال {n}-{i}"}, headers)
                    assert status == 200
                conversations.append(started["id"])
            except Exception as error:  # noqa: BLE001  (asserted below)
                failures.append(repr(error))

        run_in_threads(customer, [(n,) for n in range(12)])
        assert failures == [], (tmp_path / "server.log").read_text()[-3000:]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(PATIENCE)
        log.close()
    db = store.connect(pg_url)
    for conversation_id in conversations:
        said = [m["text"] for m in store.messages(db, conversation_id) if m["role"] == "customer"]
        n = said[0].split()[1].split("-")[0]
        assert said == [f"سؤال {n}-{i}" for i in range(4)]  # each once, in order
    assert len(conversations) == 12
    db.close()
