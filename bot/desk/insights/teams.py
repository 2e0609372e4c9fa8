"""The figures per team for a period: handoffs, first-contact resolution, transfers and
escalations, and compliance with the levels' targets (bot.desk.sla) — from the store's
read-only queries, JSON-ready like the rest of the report.

    team_figures(db, "2026-11-01T00:00:00+00:00", "2026-11-08T...", teams, now)

Definitions:

- A handoff counts for the team it is in at the end (where it was resolved, or waits).
- *First-contact resolution*: of the team's resolved handoffs, the share resolved with
  no transfer or escalation on the way.
- *Transfers in / out*: transfers made in the period to or from the team (another team's
  or an agent's, whichever team that made it); *escalations*: the team's handoffs moved
  one level up.
- *Compliance* of a target (first response, resolution) at the handoff's current level,
  in the team's business hours: the share met in time of the handoffs where it is
  decided — met, or past due by ``now``; one still running in time is left out.
"""
import datetime

from bot import store
from bot.desk import sla

__all__ = ["team_figures"]


def _moment(text):
    return datetime.datetime.fromisoformat(text) if text else None


def _share(part, whole):
    return part / whole if whole else None


def _targets(handoff, teams, now):
    """Return (first response, resolution) for one handoff: True met in time, False
    missed, None while still running in time or not measurable (a level the file no
    longer has, or no business hours to count in)."""
    level, hours = teams.level(handoff["level"]), teams.hours_of(handoff["team"])
    if level is None or hours is None:
        return None, None
    responded, resolved = _moment(handoff["first_response"]), _moment(handoff["resolved"])
    result = sla.assess(level, hours, reached=_moment(handoff["level_started"]),
                        responded=responded, resolved=resolved, now=now)

    def decided(state, done):
        if done:
            return state == "ok"
        return False if state == "breached" else None

    return (decided(result.first_response, responded is not None or resolved is not None),
            decided(result.resolution, resolved is not None))


def team_figures(db, start, end, teams, now):
    """Return one dict per team of ``teams`` (the file's order, then any team the stored
    handoffs name that the file no longer has, and None for handoffs without a team)
    for the period [``start``, ``end``) (ISO text), targets judged at ``now`` (aware)."""
    handoffs = store.team_handoffs_in(db, start, end)
    moves = store.transfers_in(db, start, end)
    names = [team.name for team in teams.teams]
    names += sorted({h["team"] for h in handoffs if h["team"] and h["team"] not in names})
    if any(h["team"] is None for h in handoffs):
        names.append(None)
    rows = []
    for name in names:
        theirs = [h for h in handoffs if h["team"] == name]
        resolved = [h for h in theirs if h["status"] == "resolved"]
        first_contact = sum(h["transfers"] == 0 for h in resolved)
        targets = [_targets(h, teams, now) for h in theirs] if name is not None else []
        first = [met for met, _ in targets if met is not None]
        resolution = [met for _, met in targets if met is not None]
        rows.append({
            "team": name, "handoffs": len(theirs), "resolved": len(resolved),
            "first_contact_resolved": first_contact,
            "first_contact_rate": _share(first_contact, len(resolved)),
            "transfers_in": sum(m["kind"] == "transfer" and m["to_team"] == name
                                and m["from_team"] != name for m in moves),
            "transfers_out": sum(m["kind"] == "transfer" and m["from_team"] == name
                                 and m["to_team"] != name for m in moves),
            "escalations": sum(m["kind"] == "escalate" and m["from_team"] == name
                               for m in moves),
            "first_response_met": sum(first), "first_response_measured": len(first),
            "first_response_compliance_rate": _share(sum(first), len(first)),
            "resolution_met": sum(resolution), "resolution_measured": len(resolution),
            "resolution_compliance_rate": _share(sum(resolution), len(resolution)),
        })
    return rows
