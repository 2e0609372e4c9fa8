"""`dalil serve` as customers meet it: a real gunicorn on a loopback port, with sockets
that drip their headers or say nothing, bodies that stop halfway, requests gunicorn
refuses itself, and an article edited while it serves."""
import json
import logging
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import write_article, write_articles

DALIL = pathlib.Path(sys.executable).with_name("dalil")
# Generous: these bound a hang, they are not timing figures.
PATIENCE = 20


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A `dalil serve` process on 127.0.0.1:``port``."""

    def __init__(self, folder, *args, workers=1, env=None):
        self.articles = write_articles(folder / "articles")
        self.port = _free_port()
        env = {**os.environ, "DALIL_INDEX_CACHE": str(folder / "index-cache"),
               "DALIL_LIVE_RELOAD_INTERVAL": "0.2", **(env or {})}
        self.log = open(folder / "server.log", "wb")
        self.process = subprocess.Popen(
            [str(DALIL), "serve", "--articles", str(self.articles),
             "--db", str(folder / "dalil.sqlite3"), "--port", str(self.port),
             "--workers", str(workers), *args],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (folder / "server.log").read_text()
            try:
                if self.get("/api/openapi.json")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("dalil serve did not answer")

    def request(self, method, path, body=None):
        """Return (status, decoded JSON or text) of one ordinary request."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                         method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=PATIENCE) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def get(self, path):
        return self.request("GET", path)

    def log_text(self):
        """Return what the server has written to its log so far."""
        if not self.log.closed:
            self.log.flush()
        return pathlib.Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def socket(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=PATIENCE)

    def workers(self):
        """Return the pids of the gunicorn workers (the server's children, from /proc)."""
        found = set()
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == self.process.pid:
                found.add(int(entry))
        return found

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One worker, the default deadlines: a sync worker would serve nothing while a
    single client dripped its headers."""
    server = Served(tmp_path_factory.mktemp("served"), workers=1)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def impatient(tmp_path_factory):
    """Two workers, one second for headers and one for a body."""
    server = Served(tmp_path_factory.mktemp("impatient"), "--header-timeout", "1",
                    "--body-timeout", "1", workers=2)
    yield server
    server.stop()


def _still_open(sock):
    """Return whether the server has not closed ``sock`` (nothing to read yet)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def test_ordinary_requests_are_answered_while_fifty_clients_drip_their_headers(served):
    server = served
    drippers = [server.socket() for _ in range(50)]
    idle = [server.socket() for _ in range(50)]  # connected, nothing sent
    for sock in drippers:
        sock.sendall(b"GET /ar/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    for round_ in range(3):
        for i, sock in enumerate(drippers):
            sock.sendall(f"X-Slow-{round_}: {i}\r\n".encode())
        status, body = server.request("POST", "/api/ask", {"question": "where is my order"})
        assert status == 200 and body["article_id"] == "order-tracking"
        status, body = server.get("/api/search?q=" + urllib.parse.quote("الشحن"))
        assert status == 200 and body["results"]
        assert server.get("/en/articles/return-policy")[0] == 200
    # The slow ones were really holding their connections open the whole time.
    assert all(_still_open(sock) for sock in drippers + idle)
    for sock in drippers + idle:
        sock.close()


def test_a_client_that_never_finishes_its_headers_is_disconnected(impatient):
    server = impatient
    sock = server.socket()
    sock.sendall(b"GET /ar/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    closed_at = time.monotonic() + PATIENCE
    while time.monotonic() < closed_at:
        try:
            sock.sendall(b"X-Slow: 1\r\n")
        except OSError:  # reset: the server has closed it
            break
        if not _still_open(sock):
            break
        time.sleep(0.3)
    else:
        pytest.fail("the server kept a dripping client past its header deadline")
    sock.close()
    assert server.get("/api/openapi.json")[0] == 200


def test_a_body_that_stops_halfway_gets_400_json(impatient):
    server = impatient
    with server.socket() as sock:
        sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                     b'{"question": "wh')
        response = _read_response(sock)
    assert response.startswith(b"HTTP/1.1 400")
    assert "error" in json.loads(response.split(b"\r\n\r\n", 1)[1])


def _read_response(sock):
    """Return everything the server sends until it closes or a whole response came."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                if len(body) >= int(line.split(b":")[1]):
                    return data


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /api/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
    (b"GET /api/search?q=a HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120))
     + b"\r\n", 431),
    (b"GET /api/search?q=a HTTP/9.9\r\nHost: x\r\n\r\n", 400),
])
def test_what_gunicorn_refuses_is_answered_as_json(served, request_bytes, status):
    server = served
    with server.socket() as sock:
        sock.sendall(request_bytes)
        response = _read_response(sock)
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d" % status)
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["error"]
    assert server.get("/api/openapi.json")[0] == 200


def _open_event_stream(sock, conversation):
    """Ask for ``conversation``'s event stream on ``sock``; return what came up to its
    first update. HTTP/1.0: the body comes as it is written, not in chunks, so events
    are read off the socket as they are."""
    sock.sendall(f"GET /api/conversations/{conversation['id']}/events HTTP/1.0\r\n"
                 f"Host: x\r\nX-Conversation-Token: {conversation['token']}\r\n\r\n"
                 .encode())
    received = b""
    while b"event: update" not in received:
        received += sock.recv(65536)
    return received


def test_a_chat_stream_stays_open_while_the_one_worker_answers_other_requests(served):
    # One gevent worker: the stream is a greenlet that sleeps between its looks, so the
    # same worker takes the customer's message and the stream then carries the reply.
    server = served
    status, conversation = server.request("POST", "/api/conversations", {"lang": "ar"})
    assert status == 201
    with server.socket() as sock:
        received = _open_event_stream(sock, conversation)
        assert received.startswith(b"HTTP/1.0 200") and b"text/event-stream" in received
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/api/conversations/{conversation['id']}/messages",
            data=json.dumps({"text": "مرحبا"}).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "X-Conversation-Token": conversation["token"]})
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            assert response.status == 200
        seen = received.count(b"event: update")
        while (received.count(b"event: update") == seen
               or b"\n\n" not in received.rsplit(b"event: update", 1)[1]):
            received += sock.recv(65536)
    last = received.decode().rsplit("event: update", 1)[1]
    data = json.loads(last.split("data: ", 1)[1].split("\n", 1)[0])
    assert [m["role"] for m in data["messages"]] == ["customer", "bot"]
    assert data["messages"][0]["text"] == "مرحبا"


def test_open_streams_end_when_the_server_stops(tmp_path):
    # Told to stop (SIGTERM; and the old workers of a reload), a worker ends its event
    # streams at their next look — well inside gunicorn's 30 s graceful timeout, which
    # would otherwise wait for every open stream — and the server exits.
    server = Served(tmp_path, workers=1)
    try:
        status, conversation = server.request("POST", "/api/conversations", {"lang": "ar"})
        with server.socket() as sock:
            received = _open_event_stream(sock, conversation)
            os.killpg(server.process.pid, signal.SIGTERM)
            stopped = time.monotonic()
            while chunk := sock.recv(65536):
                received += chunk
            # Not a speed figure: a bound between the next look (half a second) and the
            # graceful timeout the stream would otherwise have held the worker for.
            assert time.monotonic() - stopped < PATIENCE
        server.process.wait(timeout=PATIENCE)
        # ...quietly: no traceback from the worker's way out (web/server.py _close_logging).
        log = server.log_text()
        assert "Worker exiting" in log
        assert "Traceback" not in log and "Exception ignored" not in log, log
    finally:
        server.stop()


def test_the_access_log_has_gunicorns_default_line(served):
    # The line Apache's combined format (gunicorn's default) gives, with a "%" in the
    # path that must stay as sent.
    server = served
    with server.socket() as sock:
        sock.sendall(b"GET /api/search?q=%25off HTTP/1.1\r\nHost: x\r\n"
                     b"Referer: http://shop.example/help\r\nUser-Agent: probe/1.0\r\n\r\n")
        response = _read_response(sock)
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    pattern = re.compile(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] '
                         r'"GET /api/search\?q=%25off HTTP/1\.1" 200 (\d+) '
                         r'"http://shop\.example/help" "probe/1\.0"$', re.M)
    deadline = time.monotonic() + PATIENCE
    while not (found := pattern.search(server.log_text())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert found, server.log_text()[-2000:]
    assert int(found.group(1)) == len(body)


@pytest.mark.parametrize("value", ["false", "off"])
def test_the_access_log_can_be_turned_off(tmp_path, value):
    # Behind a reverse proxy that logs every request, DALIL_ACCESS_LOG=false: the
    # requests are answered as before and no access line is written (the start-up
    # lines still are).
    server = Served(tmp_path, workers=1, env={"DALIL_ACCESS_LOG": value})
    try:
        status, body = server.request("POST", "/api/ask", {"question": "where is my order"})
        assert status == 200 and body["article_id"] == "order-tracking"
        assert server.get("/api/search?q=refund")[0] == 200
        server.stop()  # every line the workers would write is written by now
        log = server.log_text()
    finally:
        server.stop()
    assert "Booting worker" in log
    assert "POST /api/ask" not in log and "GET /api/" not in log


def test_the_access_line_also_reaches_a_logging_handler_a_deployment_adds(tmp_path):
    # gunicorn's own file (or "-") alone: the line is written to it directly; with a
    # handler of the deployment's beside it, through logging, to both — the same line.
    from gunicorn.config import Config

    from web.access_log import AccessLogger

    class Kept(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            self.lines.append(self.format(record))

    response = types.SimpleNamespace(status="200 OK", sent=2)  # what access() reads of one
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": "/api/x?q=%25",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": "probe/1.0"}
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = AccessLogger(cfg)
    try:
        logger.access(response, None, environ, 0.001)
        kept = Kept()
        logger.access_log.addHandler(kept)
        logger.access(response, None, environ, 0.001)
    finally:
        # gunicorn's loggers are this process's: leave them without our file.
        for handler in list(logger.access_log.handlers):
            logger.access_log.removeHandler(handler)
            handler.close()
    lines = (tmp_path / "access.log").read_text().splitlines()
    pattern = re.compile(r'^127\.0\.0\.1 - - \[[^]]+\] "GET /api/x\?q=%25 HTTP/1\.1" 200 2 '
                         r'"-" "probe/1\.0"$')
    assert len(lines) == 2 and all(pattern.match(line) for line in lines), lines
    assert kept.lines == lines[1:]


def test_workers_pick_up_an_edited_article_while_serving(impatient):
    server = impatient
    before = server.workers()
    write_article(server.articles, "orders/gift-wrap.en.md", """\
        ---
        title: Can you gift wrap my order?
        questions:
          - can you wrap it as a present
        ---
        Tick "gift wrap" at checkout.
        """)
    deadline = time.monotonic() + PATIENCE
    # Every worker must have it: ask until several answers in a row agree.
    found = 0
    while found < 6 and time.monotonic() < deadline:
        status, _ = server.get("/api/articles/gift-wrap?lang=en")
        found = found + 1 if status == 200 else 0
        time.sleep(0.1)
    assert found == 6
    # The master rebuilt, and gunicorn replaced every worker with one forked from it.
    while server.workers() & before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert before and not server.workers() & before


def _pollers(server):
    """The server's children that run `dalil channels run` (web/server.py)."""
    found = []
    for pid in server.workers():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"channels\x00run" in f.read():
                    found.append(pid)
        except OSError:
            continue
    return found


def test_a_server_without_channels_runs_no_poller(served):
    assert _pollers(served) == []


def test_a_server_with_a_channel_runs_one_poller_and_stops_it(tmp_path):
    server = Served(tmp_path, env={"DALIL_TELEGRAM_TOKEN": "123:test",
                                   "DALIL_TELEGRAM_API_URL": "http://127.0.0.1:9",
                                   "DALIL_CHANNELS_POLL_SECONDS": "0.5"})
    try:
        deadline = time.monotonic() + PATIENCE
        while not _pollers(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        [poller] = _pollers(server)
        os.kill(server.process.pid, signal.SIGTERM)  # the master only: it stops the poller
        server.process.wait(timeout=PATIENCE)
        assert not os.path.exists(f"/proc/{poller}") or _state(poller) == "Z"
        assert "Traceback" not in server.log_text()
    finally:
        server.stop()


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
