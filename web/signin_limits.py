"""How often agent sign-ins may fail before they wait, counted so that an attacker
cannot turn the limit against the agent: per name *and* client address together
(LOGIN_ATTEMPTS within LOGIN_WINDOW seconds), plus a cap per address whatever the
names (LOGIN_ATTEMPTS_PER_ADDRESS). Wrong passwords for "mona" from elsewhere never
lock mona out of her own address; one address cannot try a few guesses at every name.

    with signin_limits.attempt(db, name, client, now) as attempt:   # Limited when over
        attempt.succeeded = agents.authenticate(db, name, password)

Each attempt is counted as a failure *before* the password is checked, in the same
write transaction as the count it is checked against, so simultaneous guesses cannot
all slip past the limit; a success takes the pair's failures back. The limit applies
whatever RATELIMIT_ENABLED says: it guards the agents' accounts, not the servers' load.
"""
import contextlib
import datetime

from flask import current_app

from bot import store

from .ratelimit import Limited, retry_after

__all__ = ["attempt"]


class _Attempt:
    succeeded = False


@contextlib.contextmanager
def attempt(db, name, client, now):
    """Count a sign-in as ``name`` from ``client`` (an address key, never the address)
    at ``now``: raise ratelimit.Limited when the pair or the address has failed too often, else
    record a failure and yield an object whose ``succeeded`` the caller sets — True
    takes the pair's failures back."""
    config = current_app.config
    window = int(config["LOGIN_WINDOW"])
    limits = (int(config["LOGIN_ATTEMPTS"]), int(config["LOGIN_ATTEMPTS_PER_ADDRESS"]))
    since = (now - datetime.timedelta(seconds=window)).isoformat(timespec="seconds")
    with store.transaction(db):
        counted = store.sign_in_failures(db, name, client, since, max(limits))
        wait = max(retry_after([datetime.datetime.fromisoformat(t) for t in times],
                               limit=limit, window=window, now=now)
                   for times, limit in zip(counted, limits))
        if wait:
            raise Limited("failed sign-ins", wait)
        store.record_login_failure(db, name, client)
    result = _Attempt()
    yield result
    if result.succeeded:
        store.clear_sign_in_failures(db, name, client)
