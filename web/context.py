"""The request's bot, database, business hours and clock: the one place views get them
from.

The bot lives in ``app.extensions["dalil"]`` (live reload swaps that one reference, so a
request sees a whole bot); the database is one sqlite-utils connection per request,
lent by the app's pool (bot.store.connection.Pool) and given back after it: opening
and closing one per request was most of the CPU of a cheap request.
"""
import datetime

from flask import current_app, g

from bot.store.connection import Pool

__all__ = ["get_bot", "get_db", "close_db", "get_hours", "get_teams", "now", "pool"]


def get_bot():
    """Return the serving bot.Bot."""
    return current_app.extensions["dalil"]


def get_hours():
    """Return the team's bot.desk.hours.BusinessHours (checked at start-up)."""
    return current_app.extensions["dalil_hours"]


def get_teams():
    """Return the desk's bot.desk.teams.Teams (read at start-up)."""
    return current_app.extensions["dalil_teams"]


def get_db():
    """Return this request's sqlite-utils Database (taken from the pool on first use)."""
    if "db" not in g:
        g.db = pool().take()
    return g.db


def close_db(exception=None):
    """Give this request's database back to the pool, if it took one (a teardown hook);
    what it left uncommitted is rolled back."""
    db = g.pop("db", None)
    if db is not None:
        pool().give(db)


def pool():
    """Return the app's connection Pool (made on first use, and again if a test points
    DATABASE elsewhere); work that outlives a request's database takes from it directly
    (a stream takes a connection for each look and gives it back)."""
    path = current_app.config["DATABASE"]
    current = current_app.extensions.get("dalil_db")
    if current is None or current.path != path:
        current = current_app.extensions["dalil_db"] = Pool(path)
    return current


def now():
    """Return the current time, aware, in UTC."""
    return datetime.datetime.now(datetime.timezone.utc)
