"""Business hours: is the support team in now, and when are they back? Pure: the
caller passes the time.

    hours = BusinessHours.parse("Sun-Thu 09:00-18:00", "Asia/Riyadh")
    hours.is_open(now)          -> bool
    hours.next_opening(now)     -> datetime (aware, in the team's time zone)
"""
import dataclasses
import datetime
import re
import zoneinfo

__all__ = ["BusinessHours", "HoursError"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # datetime.weekday() order
_SPEC = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class HoursError(ValueError):
    """A business-hours setting that cannot be understood; the message says why."""


@dataclasses.dataclass(frozen=True)
class BusinessHours:
    days: frozenset  # weekday numbers, Monday = 0
    opens: datetime.time
    closes: datetime.time
    timezone: str = "UTC"

    @classmethod
    def parse(cls, spec, timezone="UTC"):
        """Return BusinessHours from a setting such as "Sun-Thu 09:00-18:00" (a day or a
        range of days, wrapping over the weekend, then opening and closing times in
        ``timezone``); raise HoursError."""
        match = _SPEC.match(spec or "")
        if not match:
            raise HoursError(f"business hours {spec!r}: write them like 'Sun-Thu 09:00-18:00'")
        first, last, oh, om, ch, cm = match.groups()
        try:
            start = DAYS.index(first.lower())
            end = DAYS.index((last or first).lower())
        except ValueError:
            raise HoursError(f"business hours {spec!r}: days are Mon, Tue, Wed, Thu, "
                             f"Fri, Sat, Sun") from None
        try:
            opens, closes = datetime.time(int(oh), int(om)), datetime.time(int(ch), int(cm))
            zoneinfo.ZoneInfo(timezone)
        except ValueError as error:
            raise HoursError(f"business hours {spec!r}: {error}") from None
        except zoneinfo.ZoneInfoNotFoundError:
            raise HoursError(f"unknown time zone {timezone!r}") from None
        if closes <= opens:
            raise HoursError(f"business hours {spec!r}: closing must come after opening")
        days = frozenset((start + i) % 7 for i in range((end - start) % 7 + 1))
        return cls(days, opens, closes, timezone)

    def _local(self, now):
        if now.tzinfo is None:
            raise ValueError("pass an aware datetime (with a time zone)")
        return now.astimezone(zoneinfo.ZoneInfo(self.timezone))

    def is_open(self, now):
        """Return True when ``now`` (an aware datetime) falls within business hours."""
        local = self._local(now)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now):
        """Return when the team is next in: ``now`` itself during business hours, else
        the next opening time (aware, in the team's time zone)."""
        local = self._local(now)
        if self.is_open(now):
            return local
        for ahead in range(8):
            day = local.date() + datetime.timedelta(days=ahead)
            opening = datetime.datetime.combine(day, self.opens, tzinfo=local.tzinfo)
            if day.weekday() in self.days and opening > local:
                return opening
        raise AssertionError("a week always has an opening")  # days is never empty
