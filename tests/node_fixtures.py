"""Real `dalil serve` nodes for the tests: gunicorn with forked gevent workers on a free
loopback port, started and stopped as a process group, and a small HTTP client with
its own cookies (an agent's session) that may call any node."""
import http.cookiejar
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

DALIL = pathlib.Path(sys.executable).with_name("dalil")
PATIENCE = 60  # bounds a hang; not a timing figure


def free_port():
    """Return a loopback TCP port nobody listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One `dalil serve` over ``articles`` with the DALIL_* settings of ``env`` (its
    output in ``log_path``); ``start()`` returns once it answers."""

    def __init__(self, articles, env, log_path, workers=2):
        self.articles, self.env, self.log_path = articles, env, log_path
        self.workers = workers
        self.port = free_port()
        self.process = None

    def launch(self):
        """Start the process, without waiting for it to answer (see ``ready``)."""
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(DALIL), "serve", "--articles", str(self.articles), "--port", str(self.port),
             "--workers", str(self.workers)], env={**os.environ, **self.env},
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def ready(self):
        """Wait until the node answers; fail with its log if it ended or never did."""
        deadline = time.monotonic() + PATIENCE
        while True:
            assert self.process.poll() is None, self.log()
            try:
                urllib.request.urlopen(self.url("/api/openapi.json"), timeout=5)
                return self
            except OSError:
                assert time.monotonic() < deadline, "dalil serve did not answer\n" + self.log()
                time.sleep(0.1)

    def start(self):
        return self.launch().ready()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def log(self):
        return pathlib.Path(self.log_path).read_text(errors="replace")[-4000:]

    def kill(self):
        """End the master and its workers at once (SIGKILL: nothing is flushed)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(PATIENCE)
        self._log.close()

    def stop(self):
        """Stop the node as an operator would (SIGTERM), if it still runs."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(PATIENCE)
        self._log.close()


class Client:
    """JSON over HTTP to any node, keeping cookies (an agent's session) across nodes:
    ``call`` returns (status, body as JSON or None)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def call(self, node, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(node.url(path), data=data, method=method,
                                         headers={"Content-Type": "application/json",
                                                  # what the agents' API asks of a script
                                                  "X-Requested-With": "XMLHttpRequest",
                                                  **(headers or {})})
        try:
            with self.opener.open(request, timeout=PATIENCE) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, None
