"""The help desk's teams and escalation levels, read from a TOML file (the TEAMS setting,
the repository's teams.toml by default): which team answers which article categories,
and each level's targets (first response, resolution) in business minutes.

    teams = load_teams("teams.toml", default_hours)   # TeamsError names the file and key
    teams.team_for_category("payment")   -> "payments"
    teams.next_level("1")                -> Level("2", ...)
    teams.hours_of("payments")           -> BusinessHours (the team's own, or the default)

Reading the file is the only I/O here; what comes back is frozen plain data.
"""
import dataclasses
import os
import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package
    import tomli as tomllib

from .hours import BusinessHours, HoursError

__all__ = ["Level", "Team", "Teams", "TeamsError", "load_teams", "parse_teams", "desk_teams",
           "BUILT_IN", "TEAM_NAME"]

# A team's or a level's name is typed in commands and shown in the queue.
TEAM_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
LEVEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}")
# A target longer than four working weeks is a typo, not a promise.
MAX_TARGET_MINUTES = 4 * 5 * 24 * 60


class TeamsError(ValueError):
    """A teams file that cannot be used; ``str()`` names the file and the line or key."""


@dataclasses.dataclass(frozen=True)
class Level:
    name: str                    # "1", "2", "supervisor"
    first_response_minutes: int  # business minutes from reaching the level to a reply
    resolution_minutes: int      # business minutes from reaching the level to resolved
    titles: tuple = ()           # (("ar", "..."), ("en", "...")); none: "Level 2"

    def title(self, lang):
        """Return the level's title in ``lang`` (else English), or None without one."""
        titles = dict(self.titles)
        return titles.get(lang) or titles.get("en")


@dataclasses.dataclass(frozen=True)
class Team:
    name: str
    titles: tuple = ()           # (("ar", "..."), ("en", "...")): a dict would not freeze
    categories: tuple = ()
    hours: BusinessHours = None  # None: the desk's default business hours

    def title(self, lang):
        """Return the team's title in ``lang`` (else English, else its name)."""
        titles = dict(self.titles)
        return titles.get(lang) or titles.get("en") or self.name


@dataclasses.dataclass(frozen=True)
class Teams:
    teams: tuple                 # Team, in the file's order
    levels: tuple                # Level, in escalation order (the file's)
    default_team: str            # gets every category no team names
    default_hours: BusinessHours = None
    source: str = ""

    def team(self, name):
        """Return the Team called ``name``, or None."""
        return next((team for team in self.teams if team.name == name), None)

    def level(self, name):
        """Return the Level called ``name``, or None."""
        return next((level for level in self.levels if level.name == name), None)

    @property
    def first_level(self):
        return self.levels[0]

    def next_level(self, name):
        """Return the level above ``name`` (what escalating reaches), or None at the top."""
        names = [level.name for level in self.levels]
        if name not in names or names.index(name) == len(names) - 1:
            return None
        return self.levels[names.index(name) + 1]

    def team_for_category(self, category):
        """Return the name of the team that answers articles of ``category`` (the
        default team for a category no team names, or none)."""
        for team in self.teams:
            if category in team.categories:
                return team.name
        return self.default_team

    def hours_of(self, name):
        """Return the business hours of the team ``name``: its own, else the default."""
        team = self.team(name)
        return (team.hours if team and team.hours else None) or self.default_hours


def load_teams(path, default_hours=None):
    """Return the Teams of the TOML file at ``path`` (``default_hours``: the business
    hours of teams that name none); raise TeamsError naming the file and the line (a
    syntax error) or the key (a wrong value)."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise TeamsError(f"{path}: no such teams file (the TEAMS setting names it)") from None
    except OSError as error:
        raise TeamsError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise TeamsError(f"{path}: {error}") from None  # "... (at line 3, column 7)"
    except UnicodeDecodeError:
        raise TeamsError(f"{path}: is not UTF-8 text") from None
    return parse_teams(data, default_hours, source=str(path))


# The desk without a teams file: one team for every category, the three levels with the
# shipped teams.toml's targets. A shop that only wants one queue needs no file.
BUILT_IN = {
    "default_team": "first-line",
    "levels": {"1": {"first_response_minutes": 15, "resolution_minutes": 240},
               "2": {"first_response_minutes": 60, "resolution_minutes": 960},
               "supervisor": {"title": {"ar": "المشرف", "en": "Supervisor"},
                              "first_response_minutes": 120, "resolution_minutes": 1440}},
    "teams": {"first-line": {"title": {"ar": "الخط الأول", "en": "First line"},
                             "categories": []}},
}
# Where TEAMS unset looks for a file: the folder Dalil starts in, as for ./articles.
DEFAULT_FILE = "teams.toml"


def desk_teams(path=None, default_hours=None):
    """Return the desk's Teams: those of the file ``path`` (the TEAMS setting; TeamsError
    when it is missing or wrong), or with no ``path``, of ./teams.toml when there is
    one, else BUILT_IN (one team)."""
    if path:
        return load_teams(path, default_hours)
    if os.path.isfile(DEFAULT_FILE):
        return load_teams(os.path.abspath(DEFAULT_FILE), default_hours)
    return parse_teams(BUILT_IN, default_hours, source="the built-in teams")


def _problem(source, key, text):
    return TeamsError(f"{source}: {key}: {text}")


def _table(data, key, source):
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise _problem(source, key, "a table with at least one entry is required "
                                    f"(write [{key}.NAME] sections)")
    return value


def _minutes(entry, key, where, source):
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= MAX_TARGET_MINUTES:
        raise _problem(source, f"{where}.{key}",
                       f"must be a whole number of business minutes, 1 to {MAX_TARGET_MINUTES}")
    return value


def _level(name, entry, source):
    where = f"levels.{name}"
    if not LEVEL_NAME.fullmatch(name):
        raise _problem(source, where, "a level's name is lower-case letters, digits, "
                                      "'-' or '_' (at most 20)")
    if not isinstance(entry, dict):
        raise _problem(source, where, "must be a table of first_response_minutes and "
                                      "resolution_minutes")
    unknown = set(entry) - {"first_response_minutes", "resolution_minutes", "title"}
    if unknown:
        raise _problem(source, f"{where}.{sorted(unknown)[0]}", "unknown key")
    first = _minutes(entry, "first_response_minutes", where, source)
    resolution = _minutes(entry, "resolution_minutes", where, source)
    if resolution < first:
        raise _problem(source, f"{where}.resolution_minutes",
                       "must not be shorter than first_response_minutes")
    return Level(name, first, resolution, _titles(entry, where, source))


def _titles(entry, where, source):
    title = entry.get("title", {})
    if not isinstance(title, dict) or not all(
            lang in ("ar", "en") and isinstance(text, str) and text.strip()
            for lang, text in title.items()):
        raise _problem(source, f"{where}.title", 'write it as { ar = "...", en = "..." }')
    return tuple(sorted((lang, text.strip()) for lang, text in title.items()))


def _team(name, entry, source):
    where = f"teams.{name}"
    if not TEAM_NAME.fullmatch(name):
        raise _problem(source, where, "a team's name is lower-case letters, digits, '-' "
                                      "or '_' (at most 40)")
    if not isinstance(entry, dict):
        raise _problem(source, where, "must be a table (title, categories, hours, timezone)")
    unknown = set(entry) - {"title", "categories", "hours", "timezone"}
    if unknown:
        raise _problem(source, f"{where}.{sorted(unknown)[0]}", "unknown key")
    titles = _titles(entry, where, source)
    categories = entry.get("categories", [])
    if not isinstance(categories, list) or not all(
            isinstance(c, str) and c.strip() for c in categories):
        raise _problem(source, f"{where}.categories", "must be a list of category ids")
    hours = None
    if "hours" in entry or "timezone" in entry:
        spec, zone = entry.get("hours"), entry.get("timezone", "UTC")
        if not isinstance(spec, str) or not isinstance(zone, str):
            raise _problem(source, f"{where}.hours", "write hours = \"Sun-Thu 09:00-18:00\" "
                                                     "and timezone = \"Asia/Riyadh\"")
        try:
            hours = BusinessHours.parse(spec, zone)
        except HoursError as error:
            raise _problem(source, f"{where}.hours", str(error)) from None
    return Team(name, titles, tuple(c.strip() for c in categories), hours)


def parse_teams(data, default_hours=None, *, source="teams"):
    """Return Teams from the decoded TOML ``data``; raise TeamsError naming ``source``
    and the key that is wrong."""
    unknown = set(data) - {"default_team", "levels", "teams"}
    if unknown:
        raise _problem(source, sorted(unknown)[0], "unknown key (default_team, levels, teams)")
    levels = tuple(_level(str(name), entry, source)
                   for name, entry in _table(data, "levels", source).items())
    teams = tuple(_team(str(name), entry, source)
                  for name, entry in _table(data, "teams", source).items())
    seen = {}
    for team in teams:
        for category in team.categories:
            if category in seen:
                raise _problem(source, f"teams.{team.name}.categories",
                               f"{category!r} is already routed to {seen[category]}")
            seen[category] = team.name
    default = data.get("default_team", teams[0].name)
    if default not in {team.name for team in teams}:
        raise _problem(source, "default_team", f"{default!r} is not one of the teams "
                                               f"({', '.join(t.name for t in teams)})")
    return Teams(teams, levels, default, default_hours, source)
