"""Service-level targets of a handoff: when its first reply and its resolution are due,
counted in business time (a team's BusinessHours, in its time zone), and whether each is
"ok", "soon" (about to be missed) or "breached". Pure: the caller passes every time.

    due = add_business_minutes(hours, reached, 15)      # aware datetime, UTC
    assess(level, hours, reached=..., responded=None, resolved=None, now=now)
        -> Sla(first_response_due, resolution_due, first_response="soon", ...)

A target met in time is "ok", met late "breached"; one still running is "soon" once less
than SOON_FRACTION of its business time is left.
"""
import dataclasses
import datetime
import zoneinfo

__all__ = ["Sla", "STATES", "SOON_FRACTION", "add_business_minutes", "business_seconds",
           "target_state", "assess"]

STATES = ("ok", "soon", "breached")
# A quarter of the target left: for a 15-minute first reply, the last 3¾ minutes — time
# for an agent who sees the mark to pick the conversation up (Zendesk's default warns
# at a similar share of short targets).
SOON_FRACTION = 0.25
UTC = datetime.timezone.utc
_DAY = datetime.timedelta(days=1)


def _windows(hours, start):
    """Yield the business-hours windows (opening, closing) as UTC datetimes, from the
    one ``start`` falls in or before on; ``hours`` has at least one day a week."""
    zone = zoneinfo.ZoneInfo(hours.timezone)
    day = start.astimezone(zone).date() - _DAY  # a window of the day before may reach here
    while True:
        if day.weekday() in hours.days:
            opens = datetime.datetime.combine(day, hours.opens, tzinfo=zone).astimezone(UTC)
            closes = datetime.datetime.combine(day, hours.closes, tzinfo=zone).astimezone(UTC)
            if closes > start:
                yield max(opens, start), closes
        day += _DAY


def add_business_minutes(hours, start, minutes):
    """Return when ``minutes`` of business time (``hours``, a BusinessHours) have passed
    after the aware datetime ``start`` — in UTC. Time zones and daylight-saving changes
    are the team's: each window is placed on its own date's local clock."""
    start = start.astimezone(UTC)
    left = datetime.timedelta(minutes=minutes)
    for opens, closes in _windows(hours, start):
        if opens + left <= closes:
            return opens + left
        left -= closes - opens
    raise AssertionError("the windows never end")


def business_seconds(hours, start, end):
    """Return how many seconds of business time lie between the aware datetimes
    ``start`` and ``end`` (0 when ``end`` is not after ``start``)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = 0.0
    if end <= start:
        return total
    for opens, closes in _windows(hours, start):
        if opens >= end:
            return total
        total += (min(closes, end) - opens).total_seconds()


def target_state(hours, due, minutes, done, now):
    """Return "ok", "soon" or "breached" for one target of ``minutes`` business minutes
    due at ``due``: met (``done``, when it was met, or None) in time or late; still
    running with less than SOON_FRACTION left, or past due."""
    if done is not None:
        return "ok" if done <= due else "breached"
    if now >= due:
        return "breached"
    if business_seconds(hours, now, due) <= SOON_FRACTION * minutes * 60:
        return "soon"
    return "ok"


@dataclasses.dataclass(frozen=True)
class Sla:
    first_response_due: datetime.datetime
    resolution_due: datetime.datetime
    first_response: str   # one of STATES
    resolution: str

    @property
    def state(self):
        """The worse of the two: what the queue marks."""
        return max(self.first_response, self.resolution, key=STATES.index)

    def as_data(self):
        """Return the SLA as JSON-ready data (times as ISO text, UTC)."""
        return {"state": self.state, "first_response": self.first_response,
                "resolution": self.resolution,
                "first_response_due": self.first_response_due.isoformat(timespec="seconds"),
                "resolution_due": self.resolution_due.isoformat(timespec="seconds")}


def assess(level, hours, *, reached, responded, resolved, now):
    """Return the Sla of a handoff at ``level`` (a teams.Level) in ``hours``: it reached
    the level at ``reached``; an agent first replied at ``responded`` and it was resolved
    at ``resolved`` (each an aware datetime, or None while not yet); it is ``now``."""
    first_due = add_business_minutes(hours, reached, level.first_response_minutes)
    resolution_due = add_business_minutes(hours, reached, level.resolution_minutes)
    # A resolution answers the customer too, whether or not a reply came first.
    replied = responded if responded is not None else resolved
    return Sla(first_due, resolution_due,
               target_state(hours, first_due, level.first_response_minutes, replied, now),
               target_state(hours, resolution_due, level.resolution_minutes, resolved, now))
