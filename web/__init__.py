"""The web application: help center pages and the JSON API, over the bot."""
import functools
import os
import secrets

from flask import Flask

from bot import Bot, Thresholds, store

from .live import LearnedQuestions, Watcher

__all__ = ["create_app", "build_bot"]


def create_app(test_config=None):
    """Return the Flask app. Settings: defaults here, then DALIL_* environment
    variables, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        ARTICLES=os.path.abspath("articles"),
        DATABASE=os.path.join(app.instance_path, "dalil.sqlite3"),
        # Signs the session cookie (which holds the CSRF token). None: a random key
        # kept in the instance folder, so restarts and workers agree.
        SECRET_KEY=None,
        MAX_QUESTION_LENGTH=1000,
        # A search is a few words; a longer one is a pasted text, refused with 400.
        MAX_QUERY_LENGTH=200,
        # Results of /api/search when the caller gives no limit, and the most it may ask.
        SEARCH_LIMIT=10,
        MAX_SEARCH_LIMIT=50,
        # The bot's thresholds (see bot.decide.Thresholds for why these values).
        ANSWER_AT=Thresholds.answer_at,
        SUGGEST_AT=Thresholds.suggest_at,
        # Bodies beyond this are refused before Flask reads them: a question is short.
        MAX_CONTENT_LENGTH=64 * 1024,
        # Watch ARTICLES and serve edits without a restart; poll every this many seconds.
        LIVE_RELOAD=True,
        LIVE_RELOAD_INTERVAL=1.0,
        # The language choice is remembered this long (seconds): a year.
        LANG_COOKIE_MAX_AGE=365 * 24 * 3600,
        # --- the chat and the agents' console (web/chat.py, web/agent.py) ---
        # When the support team answers, in its time zone (bot.hours.BusinessHours):
        # outside these hours a customer handed to a person is told when the team is back.
        BUSINESS_HOURS="Sun-Thu 09:00-18:00",
        BUSINESS_TIMEZONE="Asia/Riyadh",
        # Abuse limits of the customer chat API (429 with Retry-After beyond them).
        # False (DALIL_RATELIMIT_ENABLED=false) turns them off, e.g. for load tests.
        RATELIMIT_ENABLED=True,
        # A chat message is a question or a reply, not a pasted document.
        MAX_MESSAGE_LENGTH=1000,
        # A person types a message every few seconds at most; a script types faster.
        MESSAGES_PER_MINUTE=20,
        # Several people behind one office or mobile-carrier address share this.
        MESSAGES_PER_MINUTE_PER_ADDRESS=60,
        CONVERSATIONS_PER_HOUR_PER_ADDRESS=30,
        # Agent sign-in: after this many failures for one name or address within the
        # window (seconds), wait (429 with Retry-After) — password guessing slows to a crawl.
        LOGIN_ATTEMPTS=5,
        LOGIN_WINDOW=900,
        # How often an open chat asks for agent replies, in seconds.
        CHAT_POLL_SECONDS=2.5,
        # The agent session cookie is not sent by other sites' forms or frames.
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.from_prefixed_env("DALIL")
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    app.json.ensure_ascii = False  # Arabic stays readable in API responses

    store.open_db(app.config["DATABASE"]).close()  # WAL mode and migrations, once
    build = functools.partial(build_bot, app.config["ARTICLES"],
                              max_length=int(app.config["MAX_QUESTION_LENGTH"]),
                              answer_at=float(app.config["ANSWER_AT"]),
                              suggest_at=float(app.config["SUGGEST_AT"]),
                              database=app.config["DATABASE"])
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

    from . import api, db, help_center

    app.teardown_appcontext(db.close_db)
    app.register_blueprint(help_center.bp)
    app.register_blueprint(api.bp)
    help_center.register_pages(app)

    from . import agent, chat

    app.register_blueprint(chat.bp)
    app.register_blueprint(agent.bp)
    from . import learned as learned_pages
    app.register_blueprint(learned_pages.bp)
    from . import insights
    app.register_blueprint(insights.bp)
    return app


def build_bot(folder, *, max_length, answer_at, suggest_at, database=None):
    """Return a Bot over ``folder`` and the learned questions in ``database``, with its
    help-center search built (raises ArticleError naming the file and line of a broken
    article)."""
    learned = LearnedQuestions(database).all() if database else None
    bot = Bot.from_articles(folder, learned=learned, max_length=max_length,
                            thresholds=Thresholds(answer_at=answer_at, suggest_at=suggest_at))
    bot.help_center  # build the search now, not during a customer's first search
    return bot


def _instance_secret(instance_path):
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as f:
            key = f.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    # Several workers may start at once: the first key to land wins and everyone reads
    # it back (a complete temporary file, then an atomic link that fails if one exists).
    key = secrets.token_hex(32)
    temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    try:
        os.link(temporary, path)
    except FileExistsError:
        with open(path, encoding="ascii") as f:
            key = f.read().strip()
    finally:
        os.unlink(temporary)
    return key
