"""The gunicorn worker `dalil serve` runs: gevent's, with a deadline for a request's
headers and one for its body, and gunicorn's own rejections answered as JSON.

Why gevent: a sync worker serves one connection at a time, so a few clients that
send their headers slowly (or open a socket and say nothing) tie up every worker and
the site stops answering (issue 10: eight such sockets were enough). gunicorn's
gthread worker hands a connection to a thread as soon as its first byte arrives, and
the thread then waits for the rest with no deadline: drippers still win, only with
more sockets. Under gevent each connection is a greenlet that waits on the event
loop, so an idle or slow socket costs a few kilobytes, not a worker. The answering
itself is CPU work in the one thread; the articles watcher runs in a real thread
(started before gevent patches the worker, see web/server.py), so a rebuild does not
stop a worker's requests.

    headers  a request's line and headers (the first on a connection, or the next on
             a kept-alive one) must arrive within HEADER_TIMEOUT seconds of the wait
             starting, else the connection is closed;
    body     reading the body must finish within BODY_TIMEOUT seconds of the headers,
             else the read fails and the app answers 400 (werkzeug reports a client
             that stopped sending as ClientDisconnected); and any one read or write
             that makes no progress for as long (or HEADER_TIMEOUT, the longer)
             fails, so a client that stops reading its response is dropped too;
    errors   what gunicorn refuses before the app sees the request (a request line
             over its limit: 414, too many or too large headers: 431, malformed
             HTTP: 400) is {"error": "..."} as JSON, the shape of every error under
             /api/ — for every path, since the path is what could not be read.

SQLite calls do not yield to the loop: a write that waits for another process's
lock (busy_timeout) holds the worker meanwhile. Writes are single short statements
or one short transaction, so such waits are milliseconds.
"""
import json
import time

import gevent
from gunicorn import util
from gunicorn.workers.base_async import AsyncWorker
from gunicorn.workers.ggevent import GeventWorker

from . import events

__all__ = ["worker_class", "HEADER_TIMEOUT", "BODY_TIMEOUT"]

# A browser or an app sends its headers in one packet; ten seconds leaves a slow mobile
# link room and keeps a dripping client from holding a connection for long.
HEADER_TIMEOUT = 10.0
# Bodies are at most MAX_CONTENT_LENGTH (64 KB): half a minute is room for the slowest
# real link, and a bound for a client that stops sending halfway.
BODY_TIMEOUT = 30.0


def worker_class(header_timeout=HEADER_TIMEOUT, body_timeout=BODY_TIMEOUT):
    """Return the gunicorn worker class with these deadlines (seconds)."""
    return type("DalilWorker", (Worker,), {"header_timeout": header_timeout,
                                           "body_timeout": body_timeout})


class Worker(GeventWorker):
    """gunicorn's gevent worker with deadlines for headers and bodies and JSON errors."""

    header_timeout = HEADER_TIMEOUT
    body_timeout = BODY_TIMEOUT

    def handle_quit(self, sig, frame):
        # SIGQUIT / SIGINT, and the old workers of a reload: open event streams end at
        # their next look (web/events.py), so the worker is free to go.
        events.stop_streams()
        super().handle_quit(sig, frame)

    def handle_exit(self, sig, frame):
        events.stop_streams()  # SIGTERM: a graceful stop, the same
        super().handle_exit(sig, frame)

    def init_process(self):
        # gunicorn writes its rejections with util.write_error; in this process, ours.
        util.write_error = _write_json_error
        super().init_process()

    def handle(self, listener, client, addr):
        # Any one read or write that makes no progress for as long as the longer
        # deadline fails, so a client that stops reading its response does not hold
        # its greenlet forever (gevent's worker leaves the socket with no timeout).
        client.settimeout(max(self.header_timeout, self.body_timeout))
        AsyncWorker.handle(self, listener, client, addr)

    def timeout_ctx(self):
        # gunicorn wraps the reading of every request line and its headers in this.
        return gevent.Timeout(self.header_timeout, False)

    def handle_request(self, listener_name, req, sock, addr):
        super().handle_request(listener_name, req, sock, addr)
        # Go to the back of the line before reading this connection's next request.
        # Without it the loop kept serving the connections that had just been served
        # (libev runs the newest ready watchers first): at 32 kept-alive clients on one
        # worker, p50 6 ms but p99 1.5 s; with it, 140 ms and 240 ms, as fair as sync.
        gevent.sleep(0)

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = _BodyDeadline(self.wsgi, self.body_timeout)


class _BodyDeadline:
    """WSGI middleware: the request body must be read within ``seconds``."""

    def __init__(self, app, seconds):
        self.app, self.seconds = app, seconds

    def __call__(self, environ, start_response):
        environ["wsgi.input"] = _DeadlineInput(environ["wsgi.input"],
                                               time.monotonic() + self.seconds)
        return self.app(environ, start_response)


class _DeadlineInput:
    """A wsgi.input whose reads raise TimeoutError once ``deadline`` has passed."""

    def __init__(self, stream, deadline):
        self._stream, self._deadline = stream, deadline

    def _bounded(self, method, *args):
        late = TimeoutError("the request body took too long to arrive")
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise late
        with gevent.Timeout(remaining, late):
            return method(*args)

    def read(self, *args):
        return self._bounded(self._stream.read, *args)

    def readline(self, *args):
        return self._bounded(self._stream.readline, *args)

    def readlines(self, *args):
        return self._bounded(self._stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _write_json_error(sock, status_int, reason, mesg):
    """Write gunicorn's error response as {"error": mesg} JSON and close."""
    body = json.dumps({"error": mesg or reason}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)
