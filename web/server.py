"""Run the app under gunicorn, the production WSGI server, from `dalil serve`.

The app — and so the bot and its index — is built once, in the master, before the
workers are forked (preload): the workers share its memory pages until they write to
them, instead of each building its own copy. Each worker then serves with gevent
(web/worker.py says why, and which deadlines it keeps) and watches the articles
itself, in a thread started after the fork (a thread does not survive one).
"""
import gc
import logging
import math
import os
import signal
import subprocess
import sys

from gunicorn.app.base import BaseApplication

from . import channels

__all__ = ["serve_with_gunicorn", "gunicorn_options"]


# Settings older gunicorns lack (skipped there), with the version that added them.
_SINCE = {"control_socket_disable": "25.1"}


class _Server(BaseApplication):
    def __init__(self, app, options):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings or key not in _SINCE:
                self.cfg.set(key, value)

    def load(self):
        return self.application


def gunicorn_options(app, host="127.0.0.1", port=8000, workers=2,
                     header_timeout=None, body_timeout=None):
    """Return the gunicorn settings `dalil serve` runs ``app`` with (the timeouts in
    seconds; None: web/worker.py's defaults)."""
    # Imported here: gevent is needed to serve, not to run `dalil ask`.
    from . import worker
    from .access_log import AccessLogger

    header_timeout = worker.HEADER_TIMEOUT if header_timeout is None else header_timeout
    body_timeout = worker.BODY_TIMEOUT if body_timeout is None else body_timeout
    options = {"bind": f"{host}:{port}", "workers": workers,
               # One line per request on standard output, unless ACCESS_LOG is off (a
               # reverse proxy in front logs the same requests).
               "accesslog": "-" if _enabled(app.config.get("ACCESS_LOG", True)) else None,
               "logger_class": AccessLogger,
               "worker_class": worker.worker_class(header_timeout, body_timeout),
               # Connections one worker holds at once, slow ones included (gevent's
               # default); past it, new ones wait in the listen backlog.
               "worker_connections": 1000,
               # Connections are kept alive (gunicorn closes them when this is 0);
               # the worker bounds the wait for a kept-alive connection's next request
               # with its header deadline, so the two are one value (whole seconds here).
               "keepalive": max(1, math.ceil(header_timeout)),
               "preload_app": True,
               # No gunicornc socket in the home folder: two servers (tests, a
               # benchmark beside a site) would fight over its one path.
               "control_socket_disable": True}
    # Everything the master built moves out of the garbage collector's sight before a
    # fork: a collection in a worker would otherwise write to every object it visits,
    # copying the shared pages into each worker (and pausing it to scan the index).
    options["pre_fork"] = lambda server, worker: gc.freeze()
    options["worker_exit"] = _close_logging
    if channels.configured(app):
        options.update(_channel_poller(app))
    watcher = app.extensions.get("dalil_watcher")
    if watcher is not None and watcher.running:
        # The master watches the articles: on a change it builds the new bot itself,
        # then has gunicorn replace the workers (HUP; with preload_app the app is not
        # loaded again), so the new workers share the master's new bot as the first
        # ones shared the first — a rebuild in each worker would multiply its memory by
        # the workers. (A broken edit replaces them too, so they report its error.)
        watcher.after_articles = lambda: os.kill(os.getpid(), signal.SIGHUP)

        def post_fork(server, worker):
            # Each worker still takes in learned questions (milliseconds, in place).
            # post_fork runs before gevent patches the worker, so the watcher is a real
            # thread: a full rebuild (a learned question removed) shares the CPU with
            # the requests instead of stopping the event loop.
            watcher.watch_articles, watcher.after_articles = False, None
            watcher.ensure_running()

        options["post_fork"] = post_fork
    return options


def _channel_poller(app):
    """The gunicorn hooks that run `dalil channels run` beside the workers while the
    server runs: one process takes mail and delivers the outbox (a thread in the master
    would be forked into every worker mid-send; one in each worker would poll each
    mailbox once per worker). It reads the same DALIL_* settings; the articles and the
    database are passed as the server has them (in its environment, not its command
    line, where a database URL's password would show in the process list)."""
    started = {}
    command = [sys.executable, "-c", "from web.cli import cli; cli()", "channels", "run"]
    environment = {**os.environ, "DALIL_ARTICLES": app.config["ARTICLES"],
                   "DALIL_DATABASE": str(app.config["DATABASE"])}

    def when_ready(server):
        started["poller"] = subprocess.Popen(command, env=environment)

    def on_exit(server):
        poller = started.pop("poller", None)
        if poller is not None:
            poller.terminate()
            try:
                poller.wait(timeout=10)
            except subprocess.TimeoutExpired:
                poller.kill()
    return {"when_ready": when_ready, "on_exit": on_exit}


def _close_logging(server, worker):
    """A worker's last step: flush and close the log handlers while gevent's patched
    threading still works. Left to the interpreter's teardown, each handler's weak
    reference calls back into logging's lock after gevent's modules are gone, and every
    stopped worker printed "TypeError: 'NoneType' object is not callable" on the way
    out. With the list of handler references empty (logging keeps it privately; the
    atexit call of logging.shutdown then has nothing left to do) no callback runs."""
    logging.shutdown()
    del logging._handlerList[:]


def _enabled(value):
    """Return whether a setting's ``value`` means on: True, or text other than an
    off-word (DALIL_ACCESS_LOG=off reaches the config as the text "off")."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "off", "no")
    return bool(value)


def serve_with_gunicorn(app, host="127.0.0.1", port=8000, workers=2,
                        header_timeout=None, body_timeout=None):
    """Serve ``app`` on host:port with ``workers`` processes until interrupted."""
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] %(name)s: %(message)s")
    _Server(app, gunicorn_options(app, host, port, workers, header_timeout,
                                  body_timeout)).run()
