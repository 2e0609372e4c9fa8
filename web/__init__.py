"""The web application: the help center, the chat, the agents' console and the JSON API
over the bot, wired by one factory.

    app = create_app({"ARTICLES": "articles", "DATABASE": "dalil.sqlite3"})

    __init__.py   create_app: the bot, blueprints, hooks, errors, the CLI
    settings.py   the settings: defaults, DALIL_* variables, the caller's mapping
    context.py    the request's bot, database and business hours
    errors.py     every error answered in one place (JSON under /api/, HTML elsewhere)
    auth.py       agents' sign-in and the guards of the console and its API
    sessions.py   the signed session cookie (its signer made once)
    csrf.py       the forms' CSRF token
    ratelimit.py, signin_limits.py   the chat's rate limits; failed sign-ins' waits
    hooks.py      the request's language, security headers, the templates' context and
                  the one language switch
    i18n.py       every UI string in Arabic and English; the request's language; durations
    inputs.py     JSON bodies, ids in the path, text fields
    payloads.py   the JSON shapes of articles, replies, messages and handoffs
    rendering.py  an article's HTML and last-updated date, cached
    svg_charts.py the insights' charts, drawn as inline SVG
    help_center.py, site.py, api.py, chat.py, agent.py (agent_text.py: its words),
    agent_search.py (search_text.py: its words), agent_channels.py (a conversation's
    channel, attachments, deliveries), agent_customers.py (a customer's whole history,
    merging), learned.py, insights.py
                  one blueprint each
    webhooks.py   WhatsApp's, Telegram's and a mail provider's webhooks (one blueprint)
    channels.py   the channels as the app runs them: mailboxes and senders, messages in,
                  the outbox out, `dalil channels run`'s loop
    live.py       the serving bot: built at start-up, rebuilt live, learned questions
    events.py     Server-Sent Events: the customer's chat, the agent's console
    cli.py, commands.py, cli_text.py   the `dalil` command
    server.py, worker.py, access_log.py   `dalil serve`: gunicorn, its gevent worker
                  with deadlines, and its access log
"""
import os
import secrets

from bot import store
from bot.desk.hours import BusinessHours
from bot.desk.teams import desk_teams

from . import (agent, agent_channels, agent_customers, agent_search, api, channels, chat,
               commands, errors, help_center, hooks, insights, learned, site, typing_ping,
               webhooks)
from .context import close_db
from .live import serve_bot
from .sessions import SessionCookies
from .settings import flask_app

__all__ = ["create_app"]


def create_app(test_config=None):
    """Return the Flask app over the settings (web/settings.py: the defaults, then
    DALIL_* environment variables, then ``test_config``): its instance folder, secret
    key and database made ready (WAL, migrations), the bot built and watched, every
    blueprint, hook and error handler registered."""
    app = flask_app(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    app.json.ensure_ascii = False  # Arabic stays readable in API responses
    app.session_interface = SessionCookies()

    store.open_db(app.config["DATABASE"]).close()  # WAL mode and migrations, once
    # Fails at start-up, with the setting's value, when the hours cannot be read.
    app.extensions["dalil_hours"] = BusinessHours.parse(app.config["BUSINESS_HOURS"],
                                                        app.config["BUSINESS_TIMEZONE"])
    # Likewise a TYPING_SECONDS that is not a number (every ping would fail on it).
    typing_ping.check_setting(app.config.get("TYPING_SECONDS"))
    # Likewise the teams (TeamsError names the file and the line or key).
    app.extensions["dalil_teams"] = desk_teams(app.config["TEAMS"], app.extensions["dalil_hours"])
    # Likewise the mailboxes file (MailboxesError names the file and key).
    channels.setup(app)
    serve_bot(app)
    for blueprint in (site, help_center, api, chat, agent, agent_search, agent_channels,
                      agent_customers, learned, insights, webhooks):
        app.register_blueprint(blueprint.bp)
    hooks.register(app)
    errors.register(app)
    app.teardown_appcontext(close_db)
    for command in commands.COMMANDS:
        app.cli.add_command(command)
    return app


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
