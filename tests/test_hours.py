"""Business hours: parsing the setting, open or closed, and when the team is back."""
import datetime
import zoneinfo

import pytest

from bot.desk.hours import BusinessHours, HoursError

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
HOURS = BusinessHours.parse("Sun-Thu 09:00-18:00", "Asia/Riyadh")


def at(day, hour, minute=0, tz=RIYADH):
    # 2026-11-22 is a Sunday.
    return datetime.datetime(2026, 11, 22 + day, hour, minute, tzinfo=tz)


@pytest.mark.parametrize("moment, is_open", [
    (at(0, 9), True),             # Sunday opening time
    (at(0, 8, 59), False),        # a minute early
    (at(0, 17, 59), True),
    (at(0, 18), False),           # closing time is closed
    (at(4, 12), True),            # Thursday
    (at(5, 12), False),           # Friday
    (at(6, 12), False),           # Saturday
    (at(0, 6, tz=datetime.timezone.utc), True),  # 06:00 UTC is 09:00 in Riyadh
])
def test_is_open_follows_days_and_hours_in_the_teams_time_zone(moment, is_open):
    assert HOURS.is_open(moment) is is_open


@pytest.mark.parametrize("moment, back", [
    (at(0, 12), at(0, 12)),      # open now
    (at(0, 7), at(0, 9)),        # later today
    (at(0, 19), at(1, 9)),       # tomorrow morning
    (at(4, 20), at(7, 9)),       # Thursday evening: back on Sunday
    (at(5, 10), at(7, 9)),       # Friday
])
def test_next_opening(moment, back):
    assert HOURS.next_opening(moment) == back


def test_a_day_range_may_wrap_over_the_week():
    hours = BusinessHours.parse("Sat-Mon 10:00-14:00")
    assert hours.days == {5, 6, 0}


def test_one_day_alone():
    assert BusinessHours.parse("Fri 16:00-22:00").days == {4}


@pytest.mark.parametrize("spec, timezone, message", [
    ("", "UTC", "write them like"),
    ("Sunday to Thursday", "UTC", "write them like"),
    ("Sun-Thx 09:00-18:00", "UTC", "days are"),
    ("Sun-Thu 18:00-09:00", "UTC", "closing must come after opening"),
    ("Sun-Thu 25:00-26:00", "UTC", "hour must be"),
    ("Sun-Thu 09:00-18:00", "Mars/Olympus", "unknown time zone"),
])
def test_bad_settings_say_what_is_wrong(spec, timezone, message):
    with pytest.raises(HoursError, match=message):
        BusinessHours.parse(spec, timezone)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        HOURS.is_open(datetime.datetime(2026, 11, 22, 12))
