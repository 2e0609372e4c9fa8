"""The agents' search over conversations: reading a search's filters (text, customer,
tag, dates, status, page), running it over the store, and the snippet that shows where
the text matched.

    query = parse_query({"q": "الطلب", "from": "2026-11-01", "status": "resolved"})
    results = search(db, query, zone="Asia/Riyadh")   # -> Results(hits, page, more)

Text matches as the bot's matching does (kb.text.normalize on both sides): with or
without diacritics and tatweel, أ إ آ ا alike, ة and ه, ى and ي, Latin case-folded; as a
part of a word too ("الطلب" finds "الطلبات", "طلب" finds "الطَّلَب"). It does not stem
or map dialect words: the agent finds what was written.
"""
import dataclasses
import datetime
import re
import zoneinfo

from bot import store
from bot.clean import UncleanText, clean_text
from kb.text import normalize

from .tags import TagError, normal_tag

__all__ = ["SearchError", "Query", "Results", "parse_query", "day_bounds", "snippet",
           "search", "PAGE_SIZE", "MAX_PAGE", "MAX_QUERY_LENGTH", "STATUSES"]

# A page of results: what a phone scrolls through comfortably.
PAGE_SIZE = 25
# Pages go no further (5,000 conversations): an offset costs what it skips, and a search
# that needs more should be narrowed by date, tag or customer.
MAX_PAGE = 200
MAX_QUERY_LENGTH = 200
MAX_CUSTOMER_LENGTH = 254  # an e-mail address's longest
# A handoff's states (bot.store.HANDOFF_STATUSES): the search filters by the latest one.
STATUSES = ("open", "claimed", "resolved")
# Characters of the message shown on each side of a match.
SNIPPET_CONTEXT = 60
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SearchError(ValueError):
    """A filter that cannot be used; ``str()`` names it and says why (a 400)."""


@dataclasses.dataclass(frozen=True)
class Query:
    """A search's filters, checked: ``text`` and ``customer`` as typed (cleaned),
    ``tag`` normal, ``start``/``end`` days (inclusive), ``status`` one of STATUSES or
    "", ``page`` from 1."""
    text: str = ""
    customer: str = ""
    tag: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    status: str = ""
    page: int = 1

    @property
    def folded_text(self):
        return normalize(self.text) if self.text else ""

    @property
    def folded_customer(self):
        # As the store folds the names it compares (hamza, ta marbuta, alef maqsura):
        # "فاطمه" finds "فاطمة".
        return normalize(self.customer) if self.customer else ""

    def args(self, **changes):
        """Return the query string's fields for this query (with ``changes``), leaving
        out the empty ones: for links to the next and previous page."""
        values = {"q": self.text, "customer": self.customer, "tag": self.tag,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "", "status": self.status,
                  "page": self.page}
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


@dataclasses.dataclass(frozen=True)
class Results:
    """A page of a search: ``hits`` (dicts: the store's row with ``tags`` and
    ``snippet``), the ``page`` and whether there is a ``more`` one."""
    hits: list
    page: int
    more: bool


def _text(args, key, limit):
    value = args.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SearchError(f"{key} must be text")
    try:
        return clean_text(value, key, limit=limit, lines=False)
    except UncleanText as error:
        raise SearchError(str(error)) from None


def _day(args, key):
    value = _text(args, key, 10)
    if not value:
        return None
    if not _DATE.fullmatch(value):
        raise SearchError(f"{key} must be a date written YYYY-MM-DD, such as 2026-03-01")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise SearchError(f"{key} is not a date of the calendar: {value}") from None
    if not 1900 <= day.year <= 9998:
        raise SearchError(f"{key} must be a date from 1900 to 9998")
    return day


def parse_query(args):
    """Return the Query of ``args`` (a mapping of the search's fields: q, customer, tag,
    from, to, status, page; others are ignored); raise SearchError naming the field
    that is wrong: not text, control or undecodable characters, too long, text with
    nothing to search for, a bad tag, a date not YYYY-MM-DD, ``from`` after ``to``,
    an unknown status, a page that is not 1 to MAX_PAGE."""
    text = _text(args, "q", MAX_QUERY_LENGTH)
    if text and not normalize(text):
        raise SearchError("q has nothing to search for: write a word (marks and "
                          "tatweel alone match everything)")
    customer = _text(args, "customer", MAX_CUSTOMER_LENGTH)
    tag = _text(args, "tag", 200)
    if tag:
        try:
            tag = normal_tag(tag)
        except TagError as error:
            raise SearchError(str(error)) from None
    start, end = _day(args, "from"), _day(args, "to")
    if start and end and start > end:
        raise SearchError(f"from ({start}) is after to ({end})")
    status = _text(args, "status", 20)
    if status and status not in STATUSES:
        raise SearchError("status must be open, claimed or resolved")
    page = _text(args, "page", None) or "1"
    if not (page.isascii() and page.isdigit() and len(page) <= 4 and 1 <= int(page) <= MAX_PAGE):
        raise SearchError(f"page must be a whole number from 1 to {MAX_PAGE}")
    return Query(text, customer, tag, start, end, status, int(page))


def day_bounds(query, zone):
    """Return (since, until): the UTC ISO times where ``query``'s first day starts and
    the day after its last starts, in the time zone ``zone`` (the team's: an agent's
    "1 March" is theirs); None for an open end."""
    tz = zoneinfo.ZoneInfo(zone)

    def midnight(day):
        moment = datetime.datetime.combine(day, datetime.time(), tz)
        return moment.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")

    since = midnight(query.start) if query.start else None
    until = midnight(query.end + datetime.timedelta(days=1)) if query.end else None
    return since, until


def _folded_positions(text):
    """Return (text normalized, for each of its characters the index in ``text`` it
    came from), normalizing one character at a time."""
    out, where = [], []
    for i, ch in enumerate(text):
        for piece in (" " if ch.isspace() else normalize(ch)):
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            where.append(i)
    return "".join(out), where


def snippet(text, folded_needle, context=SNIPPET_CONTEXT):
    """Return {"before", "match", "after"}: where ``folded_needle`` (normalized) is in
    ``text`` as written (its marks with it), with ``context`` characters each side
    ("…" where cut). Line breaks become spaces. When the match cannot be placed
    (a character that normalizes differently alone), "match" is "" and "before" the
    start of the text."""
    flat = " ".join(text.split())
    folded, where = _folded_positions(flat)
    at = folded.find(folded_needle) if folded_needle else -1
    if at < 0:
        cut = flat[:2 * context]
        return {"before": cut + ("…" if len(flat) > len(cut) else ""), "match": "", "after": ""}
    start, end = where[at], where[at + len(folded_needle) - 1] + 1
    # The marks on the last letter belong to the match (الطَّلَبُ, not الطَّلَب + ُ).
    while end < len(flat) and not flat[end].isspace() and not normalize(flat[end]):
        end += 1
    before, after = flat[max(0, start - context):start], flat[end:end + context]
    return {"before": ("…" if start > context else "") + before, "match": flat[start:end],
            "after": after + ("…" if end + context < len(flat) else "")}


def search(db, query, zone):
    """Return the Results of ``query`` on the store: the conversations (with a handoff)
    that match, newest first, PAGE_SIZE a page, each with its tags and, for a text
    search, the snippet of its first matching message. A text search first brings the
    store's normalized text up to date (store.index_messages)."""
    text = query.folded_text
    if text:
        store.index_messages(db, normalize)
    since, until = day_bounds(query, zone)
    rows = store.search_conversations(
        db, text=text, customer=query.folded_customer, tag=query.tag, since=since,
        until=until, status=query.status, limit=PAGE_SIZE + 1,
        offset=(query.page - 1) * PAGE_SIZE)
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    ids = [row["conversation_id"] for row in rows]
    tags = store.tags_for(db, ids)
    matches = store.first_matches(db, ids, text) if text else {}
    hits = []
    for row in rows:
        match = matches.get(row["conversation_id"])
        hits.append({**row, "tags": tags[row["conversation_id"]],
                     "match": ({"message_id": match["id"], "role": match["role"],
                                "created": match["created"],
                                **snippet(match["text"], text)} if match else None)})
    return Results(hits, query.page, more)
