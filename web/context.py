"""The request's bot, database, business hours and clock: the one place views get them
from.

The bot lives in ``app.extensions["dalil"]`` (live reload swaps that one reference, so a
request sees a whole bot); the database is one sqlite-utils connection per request,
closed after it.
"""
import datetime

from flask import current_app, g

from bot import store

__all__ = ["get_bot", "get_db", "close_db", "get_hours", "now"]


def get_bot():
    """Return the serving bot.Bot."""
    return current_app.extensions["dalil"]


def get_hours():
    """Return the team's bot.desk.hours.BusinessHours (checked at start-up)."""
    return current_app.extensions["dalil_hours"]


def get_db():
    """Return this request's sqlite-utils Database (opened on first use)."""
    if "db" not in g:
        g.db = store.connect(current_app.config["DATABASE"])
    return g.db


def close_db(exception=None):
    """Close this request's database, if it was opened (a teardown hook)."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def now():
    """Return the current time, aware, in UTC."""
    return datetime.datetime.now(datetime.timezone.utc)
