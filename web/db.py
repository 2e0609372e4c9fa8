"""The request's database: one sqlite-utils connection per request, closed after it."""
from flask import current_app, g

from bot import store


def get_db():
    """Return this request's sqlite-utils Database (opened on first use)."""
    if "db" not in g:
        g.db = store.connect(current_app.config["DATABASE"])
    return g.db


def close_db(exception=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()
