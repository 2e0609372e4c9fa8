"""Who gets a handoff: its team from the category of the bot's best article, then the
least busy online agent of that team and level with room for one more. Pure: the caller
passes the agents as they are (bot.desk.handoffs applies the plan through the store).

    team_for(["payment", "orders"], teams)          -> "payments"
    pick(agents, "payments", "1")                   -> "mona" or None (stays queued)
    plan(waiting, agents, now)                      -> [(handoff_id, "mona"), ...]

Ties go to the agent whose last assignment is oldest (never assigned: first), then to
the name, so the same state always gives the same answer.
"""
import dataclasses

__all__ = ["AgentLoad", "Waiting", "AGENT_STATUSES", "team_for", "available", "pick", "plan"]

# online: takes new handoffs; away: keeps theirs, gets no new ones; offline: the same,
# and is not expected back soon (the console shows it).
AGENT_STATUSES = ("online", "away", "offline")


@dataclasses.dataclass(frozen=True)
class AgentLoad:
    name: str
    team: str | None
    level: str
    status: str
    capacity: int           # the most handoffs at once
    load: int               # handoffs held now
    last_assigned: str = ""  # ISO time of the last automatic assignment; "" never


@dataclasses.dataclass(frozen=True)
class Waiting:
    """An open handoff as routing sees it."""
    id: int
    team: str | None
    level: str
    released_by: str | None = None  # who put it back: not given straight back to them


def team_for(categories, teams):
    """Return the team of a handoff whose candidate articles (best first) are in
    ``categories`` (None for an article the bot no longer knows): the first known
    category's team, else the default team."""
    for category in categories:
        if category:
            return teams.team_for_category(category)
    return teams.default_team


def available(agent, team, level):
    """Return True when ``agent`` (an AgentLoad) may be given a new handoff of ``team``
    at ``level``: online, of that team (never "no team") and level, under capacity."""
    return (team is not None and agent.status == "online" and agent.team == team
            and agent.level == level and agent.load < agent.capacity)


def _rank(agent):
    return (agent.load, agent.last_assigned or "", agent.name)


def pick(agents, team, level, exclude=()):
    """Return the name of the agent to give a handoff of ``team`` at ``level``: the
    least busy available one (ties: longest since their last assignment, then name),
    leaving out the names in ``exclude``; None when nobody is available."""
    fit = [a for a in agents if available(a, team, level) and a.name not in exclude]
    return min(fit, key=_rank).name if fit else None


def plan(waiting, agents, now):
    """Return [(handoff id, agent name), ...]: who gets each of the ``waiting``
    handoffs (oldest first), as many as the agents have room for. Each assignment
    counts at once: the next handoff sees that agent one busier and just assigned at
    ``now`` (ISO text)."""
    by_name = {agent.name: agent for agent in agents}
    chosen = []
    for handoff in waiting:
        name = pick(by_name.values(), handoff.team, handoff.level,
                    exclude=(handoff.released_by,) if handoff.released_by else ())
        if name is None:
            continue
        agent = by_name[name]
        by_name[name] = dataclasses.replace(agent, load=agent.load + 1, last_assigned=now)
        chosen.append((handoff.id, name))
    return chosen
