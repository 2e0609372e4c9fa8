"""bot/desk/sla.py: due times in business hours and time zones, and the ok / soon /
breached states. Pure: every time is passed in."""
import datetime

import pytest

from bot.desk.hours import BusinessHours
from bot.desk.sla import add_business_minutes, assess, business_seconds, target_state
from bot.desk.teams import Level

RIYADH = BusinessHours.parse("Sun-Thu 09:00-18:00", "Asia/Riyadh")  # UTC+3, no DST
BERLIN = BusinessHours.parse("Mon-Fri 09:00-17:00", "Europe/Berlin")
ALWAYS = BusinessHours.parse("Mon-Sun 00:00-23:59", "UTC")
UTC = datetime.timezone.utc


def at(text):
    """An aware datetime from ISO text with its offset."""
    return datetime.datetime.fromisoformat(text)


@pytest.mark.parametrize("hours, start, minutes, due", [
    # Within one day: plain addition (Riyadh 10:00 = 07:00 UTC).
    (RIYADH, "2026-12-01T10:00:00+03:00", 30, "2026-12-01T10:30:00+03:00"),
    # Runs past closing: the rest the next working morning.
    (RIYADH, "2026-12-01T17:50:00+03:00", 30, "2026-12-02T09:20:00+03:00"),
    # Thursday evening: Friday and Saturday are off, Sunday morning.
    (RIYADH, "2026-12-03T17:45:00+03:00", 30, "2026-12-06T09:15:00+03:00"),
    # Opened at night: counts from the opening.
    (RIYADH, "2026-12-01T02:00:00+03:00", 15, "2026-12-01T09:15:00+03:00"),
    # Opened on the weekend (Friday).
    (RIYADH, "2026-12-04T12:00:00+03:00", 60, "2026-12-06T10:00:00+03:00"),
    # Exactly at closing: nothing is left of that day.
    (RIYADH, "2026-12-01T18:00:00+03:00", 1, "2026-12-02T09:01:00+03:00"),
    # A whole working day and a bit: 9 h a day.
    (RIYADH, "2026-12-01T09:00:00+03:00", 9 * 60 + 10, "2026-12-02T09:10:00+03:00"),
    # The start given in another zone (UTC): the team's clock counts.
    (RIYADH, "2026-12-01T14:50:00+00:00", 30, "2026-12-02T09:20:00+03:00"),
    # Berlin across the end of summer time (Sun 25 Oct 2026): Friday 16:30 CEST + 60 min
    # = 30 min Friday, then Monday 09:30 CET.
    (BERLIN, "2026-10-23T16:30:00+02:00", 60, "2026-10-26T09:30:00+01:00"),
    # ... and across its start (29 Mar 2026).
    (BERLIN, "2026-03-27T16:00:00+01:00", 120, "2026-03-30T10:00:00+02:00"),
])
def test_targets_fall_due_in_the_teams_business_hours(hours, start, minutes, due):
    result = add_business_minutes(hours, at(start), minutes)
    assert result == at(due)
    assert result.tzinfo == UTC


@pytest.mark.parametrize("hours, start, end, seconds", [
    (RIYADH, "2026-12-01T10:00:00+03:00", "2026-12-01T10:30:00+03:00", 1800),
    (RIYADH, "2026-12-01T17:30:00+03:00", "2026-12-02T09:30:00+03:00", 3600),
    (RIYADH, "2026-12-03T17:00:00+03:00", "2026-12-06T10:00:00+03:00", 7200),  # a weekend
    (RIYADH, "2026-12-01T19:00:00+03:00", "2026-12-01T23:00:00+03:00", 0),
    (RIYADH, "2026-12-01T12:00:00+03:00", "2026-12-01T11:00:00+03:00", 0),     # backwards
])
def test_business_time_between_two_moments(hours, start, end, seconds):
    assert business_seconds(hours, at(start), at(end)) == seconds


DUE = at("2026-12-01T10:00:00+03:00")


@pytest.mark.parametrize("done, now, state", [
    (None, "2026-12-01T09:30:00+03:00", "ok"),          # 30 of 60 min left
    (None, "2026-12-01T09:46:00+03:00", "soon"),        # 14 min left: under a quarter
    (None, "2026-12-01T09:45:00+03:00", "soon"),        # exactly a quarter
    (None, "2026-12-01T10:00:00+03:00", "breached"),    # due now
    (None, "2026-12-02T08:00:00+03:00", "breached"),
    ("2026-12-01T09:59:00+03:00", "2026-12-02T08:00:00+03:00", "ok"),        # met in time
    ("2026-12-01T10:01:00+03:00", "2026-12-01T10:02:00+03:00", "breached"),  # met late
])
def test_a_target_is_ok_soon_or_breached(done, now, state):
    assert target_state(RIYADH, DUE, 60, at(done) if done else None, at(now)) == state


def test_soon_counts_business_time_not_the_night():
    # Due at 09:10 on Wednesday; at 17:55 on Tuesday only 5 + 10 business minutes are left
    # of a 60-minute target (the night does not count): soon.
    due = at("2026-12-02T09:10:00+03:00")
    assert target_state(RIYADH, due, 60, None, at("2026-12-01T17:55:00+03:00")) == "soon"
    assert target_state(RIYADH, due, 60, None, at("2026-12-01T17:00:00+03:00")) == "ok"


LEVEL = Level("1", 15, 240)


@pytest.mark.parametrize("responded, resolved, now, first, resolution, state", [
    (None, None, "2026-12-01T10:05:00+03:00", "ok", "ok", "ok"),
    (None, None, "2026-12-01T10:12:00+03:00", "soon", "ok", "soon"),
    (None, None, "2026-12-01T10:20:00+03:00", "breached", "ok", "breached"),
    ("2026-12-01T10:10:00+03:00", None, "2026-12-01T13:30:00+03:00", "ok", "soon", "soon"),
    ("2026-12-01T10:10:00+03:00", None, "2026-12-01T14:01:00+03:00", "ok", "breached",
     "breached"),
    # Resolved without a reply first: the resolution was the first answer.
    (None, "2026-12-01T10:10:00+03:00", "2026-12-02T10:00:00+03:00", "ok", "ok", "ok"),
    (None, "2026-12-01T10:30:00+03:00", "2026-12-02T10:00:00+03:00", "breached", "ok",
     "breached"),
])
def test_a_handoffs_sla_is_the_worse_of_its_two_targets(responded, resolved, now, first,
                                                        resolution, state):
    sla = assess(LEVEL, RIYADH, reached=at("2026-12-01T10:00:00+03:00"),
                 responded=at(responded) if responded else None,
                 resolved=at(resolved) if resolved else None, now=at(now))
    assert (sla.first_response, sla.resolution, sla.state) == (first, resolution, state)
    data = sla.as_data()
    assert data["first_response_due"] == "2026-12-01T07:15:00+00:00"
    assert data["resolution_due"] == "2026-12-01T11:00:00+00:00"
    assert data["state"] == state


def test_round_the_clock_hours_count_like_the_wall_clock():
    start = at("2026-12-01T23:00:00+00:00")
    # 23:59 closes the day, so one minute a day is off: 23:00 + 120 min = 01:01 next day.
    assert add_business_minutes(ALWAYS, start, 120) == at("2026-12-02T01:01:00+00:00")
