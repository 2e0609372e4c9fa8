"""Limits on the customer chat API: messages per minute per conversation and per client
address, and new conversations per hour per address. Beyond one, the caller gets 429
with a Retry-After. The counts come from the rows the chat stores anyway, so every
gunicorn worker sees the same numbers and a restart forgets nothing.

``retry_after`` is pure; ``check_*`` read the database and raise Limited. The chat runs
``check_new_conversation`` and ``check_message`` inside the write transaction (BEGIN
IMMEDIATE) that stores the conversation or message: the count and the insert happen
under one write lock, so of a burst of simultaneous requests exactly the limit get in
(a count taken before the transaction let 23 of 40 past a limit of 20).
"""
import datetime
import hashlib
import hmac
import math

from flask import current_app, request

from bot import store

__all__ = ["Limited", "retry_after", "client_key", "check_new_conversation", "check_message"]

MINUTE, HOUR = 60, 3600


class Limited(Exception):
    """A limit is reached; ``seconds`` is how long to wait."""

    def __init__(self, what, seconds):
        super().__init__(f"too many {what}: try again in {seconds} seconds")
        self.what, self.seconds = what, seconds


def retry_after(times, *, limit, window, now):
    """Return how many whole seconds to wait before one more event is allowed, given the
    aware datetimes ``times`` of earlier events (0: allowed now)."""
    recent = sorted(t for t in times if (now - t).total_seconds() < window)
    if len(recent) < limit:
        return 0
    # The event that must leave the window before there is room for one more.
    freeing = recent[len(recent) - limit]
    return max(1, math.ceil(window - (now - freeing).total_seconds()))


def client_key():
    """Return a stable key for the request's client address that does not store the
    address itself (an HMAC under the app's secret key)."""
    address = request.remote_addr or "unknown"
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), address.encode(),
                      hashlib.sha256)
    return digest.hexdigest()[:24]


def _check(times, what, limit, window, now):
    parsed = [datetime.datetime.fromisoformat(t) for t in times]
    wait = retry_after(parsed, limit=limit, window=window, now=now)
    if wait:
        raise Limited(what, wait)


def _since(now, window):
    return (now - datetime.timedelta(seconds=window)).isoformat(timespec="seconds")


def check_new_conversation(db, client, now):
    """Raise Limited when ``client`` started too many conversations this hour (run it in
    the write transaction that starts the next one)."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return
    _check(store.conversation_times(db, client, _since(now, HOUR)), "conversations",
           int(config["CONVERSATIONS_PER_HOUR_PER_ADDRESS"]), HOUR, now)


def check_message(db, conversation_id, client, now):
    """Raise Limited when the conversation, or its client address, sent too many
    messages this minute (run it in the write transaction that stores the next one)."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return
    since = _since(now, MINUTE)
    _check(store.customer_times(db, conversation_id=conversation_id, since=since),
           "messages", int(config["MESSAGES_PER_MINUTE"]), MINUTE, now)
    _check(store.customer_times(db, client=client, since=since), "messages from your address",
           int(config["MESSAGES_PER_MINUTE_PER_ADDRESS"]), MINUTE, now)
