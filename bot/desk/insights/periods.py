"""Periods of time for the insights: what "7d", "24h" or a date means, the last N whole
UTC days, the days a period touches, and times as the store writes them (ISO 8601,
UTC, to the second — so text order is time order). Pure: the caller passes ``now``."""
import datetime
import re

__all__ = ["UTC", "iso", "seconds_between", "parse_moment", "period_for_days", "days"]

UTC = datetime.timezone.utc


def iso(moment):
    """Return the aware datetime ``moment`` as the ISO text the store writes (UTC, seconds)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def seconds_between(start, end):
    """Return the whole seconds from the ISO time ``start`` to ``end`` (0 if negative):
    the store writes times to the second."""
    return max(0, round((datetime.datetime.fromisoformat(end) - datetime.datetime.fromisoformat(start)).total_seconds()))


_RELATIVE = re.compile(r"^\s*(\d{1,5})\s*([dh])\s*$", re.IGNORECASE)


def parse_moment(text, now):
    """Return the aware UTC datetime ``text`` means: "7d" or "12h" (that long before
    ``now``), an ISO date ("2026-11-01", its midnight UTC) or an ISO date and time (UTC
    unless it names an offset). Raises ValueError saying what is accepted."""
    text = (text or "").strip()
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return now - datetime.timedelta(days=amount if unit == "d" else 0,
                                         hours=amount if unit == "h" else 0)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time: use 7d or 24h (before now), a date such as "
                         f"2026-11-01, or a date and time such as 2026-11-01T09:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def period_for_days(days, now):
    """Return (since, until): the last ``days`` whole UTC days, today included."""
    tomorrow = datetime.datetime.combine(now.astimezone(UTC).date(), datetime.time(),
                                         tzinfo=UTC) + datetime.timedelta(days=1)
    return tomorrow - datetime.timedelta(days=days), tomorrow


def days(since, until):
    """Return the UTC dates (ISO text) the period [since, until) touches, at most 366."""
    day, last = since.astimezone(UTC).date(), (until.astimezone(UTC) -
                                                 datetime.timedelta(seconds=1)).date()
    days = []
    while day <= last and len(days) < 366:
        days.append(day.isoformat())
        day += datetime.timedelta(days=1)
    return days
