""""Typing…" pings, the customer's (web/chat.py) and the agent's (web/agent.py): how
long one lasts, how often one may write, and what a ping's body says. The moments are
kept in the store (bot/store/typing.py), so every worker's streams see them; the text
being typed is never sent."""
from flask import current_app

from .errors import ApiError

__all__ = ["SECONDS", "EVERY", "check_setting", "seconds", "flag"]

# "Typing…" lasts this long after a ping: the clients ping every 3 s while keys are
# pressed, so a typist stays shown, and one who stopped disappears within this. The
# TYPING_SECONDS setting overrides it.
SECONDS = 5.0
# A ping within this of the one stored writes nothing: a typist costs one write every
# few seconds, however many tabs or keys.
EVERY = 2.0


def check_setting(value):
    """Raise ValueError saying what is wrong when ``value`` (the TYPING_SECONDS setting)
    is not a positive number of seconds."""
    try:
        ok = float(value) > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"TYPING_SECONDS must be a positive number of seconds, not {value!r}")


def seconds():
    """Return how long "typing…" lasts after a ping (the TYPING_SECONDS setting)."""
    return float(current_app.config.get("TYPING_SECONDS", SECONDS))


def flag(data):
    """Return the ``typing`` field of a ping's body: true unless it says false; 400 for
    anything but true or false."""
    value = data.get("typing", True)
    if not isinstance(value, bool):
        raise ApiError("typing must be true (typing now) or false (stopped)")
    return value
