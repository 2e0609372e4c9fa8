"""Canned (saved) replies: the answers the team shares, in Arabic or English, with
placeholders the console fills before the agent sends one.

    fill("أهلًا {name}، معك {agent}. رقم طلبك {order}؟", lang="ar", name="سارة", agent="mona")
        -> "أهلًا سارة، معك mona. رقم طلبك {order}؟"
    unfilled("رقم طلبك {order}") -> ["order"]
    check_filled(text)               # Unfilled (a HandoffError) while one is left
    add(db, "mona", title="Where is my order", lang="en", text="Hi {name}, ...")

A placeholder is a word in braces: ``{name}``, ``{order}``, ``{رقم_الطلب}``, ``{order
number}`` (a letter first, then letters, digits, ``_``, ``-`` or spaces, at most 40).
Braces around anything else — ``{}``, ``{1}``, JSON such as ``{"a": 1}`` — are text.
``fill`` knows two: ``{name}`` (also ``{الاسم}``, ``{اسم العميل}``), the customer's name
from the conversation's contact details, and ``{agent}`` (also ``{الموظف}``, ``{اسم
الموظف}``), the agent's; every other one is left for the agent to fill by hand, and
``check_filled`` refuses a reply that still holds one, so no customer reads "{order}".
"""
import re

from bot import store
from bot.clean import UncleanText, clean_text

from .handoffs import MAX_REPLY_LENGTH, HandoffError

__all__ = ["CannedError", "NoSuchReply", "Unfilled", "PLACEHOLDER", "NO_NAME", "LANGS",
           "MAX_TITLE_LENGTH", "fill", "unfilled", "check_filled", "add", "edit", "delete",
           "replies", "get", "filled_for"]

# A word in braces; an Arabic or English letter first, so "{}", "{1}" and JSON's
# '{"key": ...}' (a quote first) are never taken for one.
PLACEHOLDER = re.compile(r"\{([^\W\d_](?:[\w\- ]{0,38}[\w\-])?)\}")
# What {name} becomes when the customer gave no name: a greeting still reads well
# ("مرحبًا عميلنا العزيز" — "hello, our dear customer"; "Hi there").
NO_NAME = {"ar": "عميلنا العزيز", "en": "there"}
LANGS = ("ar", "en")
# A title is what the picker lists: a line, not a paragraph.
MAX_TITLE_LENGTH = 100
_ALIASES = {"name": "name", "الاسم": "name", "اسم العميل": "name", "اسم_العميل": "name",
            "agent": "agent", "الموظف": "agent", "اسم الموظف": "agent",
            "اسم_الموظف": "agent"}


class CannedError(ValueError):
    """A canned reply that cannot be stored as given; ``str()`` says why."""


class NoSuchReply(CannedError):
    pass


class Unfilled(HandoffError):
    """A reply to send still holds placeholders (``names``) the agent has to fill."""

    def __init__(self, names):
        shown = ", ".join("{" + name + "}" for name in names)
        super().__init__(f"fill in {shown} before sending: the reply still holds "
                         f"{'a placeholder' if len(names) == 1 else 'placeholders'}")
        self.names = names


def _value(text):
    # A customer may type braces in their name: never let filling make a placeholder.
    return (text or "").replace("{", "").replace("}", "").strip()


def fill(text, *, lang, name=None, agent=None):
    """Return ``text`` with ``{name}`` replaced by the customer's ``name`` (NO_NAME[lang]
    when they gave none) and ``{agent}`` by ``agent``'s; other placeholders stay as they
    are. Pure: the caller passes in everything."""
    values = {"name": _value(name) or NO_NAME.get(lang, NO_NAME["en"]),
              "agent": _value(agent)}

    def replace(match):
        known = _ALIASES.get(match.group(1).lower())
        return values[known] if known and values[known] else match.group(0)
    return PLACEHOLDER.sub(replace, text)


def unfilled(text):
    """Return the placeholders still in ``text`` (their words, each once, in order)."""
    seen = []
    for match in PLACEHOLDER.finditer(text or ""):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def check_filled(text):
    """Return ``text`` when it holds no placeholder; raise Unfilled naming those left.
    A text that is not a string is passed through for the reply's own checks."""
    names = unfilled(text) if isinstance(text, str) else []
    if names:
        raise Unfilled(names)
    return text


# --- the team's list, over the store ------------------------------------------------------------

def _checked(title, lang, text):
    try:
        title = clean_text(title, "the title", limit=MAX_TITLE_LENGTH, lines=False)
        text = clean_text(text, "the text", limit=MAX_REPLY_LENGTH)
    except UncleanText as error:
        raise CannedError(str(error)) from None
    if not title:
        raise CannedError("the title is empty")
    if not text:
        raise CannedError("the text is empty")
    if lang not in LANGS:
        raise CannedError("lang must be ar or en")
    return title, lang, text


def add(db, agent, *, title, lang, text):
    """Store a canned reply written by ``agent``; return it. Raise CannedError for an
    empty, over-long or unclean title or text, or a language other than ar and en."""
    return store.add_canned_reply(db, *_checked(title, lang, text), agent)


def get(db, reply_id):
    """Return the canned reply ``reply_id``; raise NoSuchReply."""
    row = store.get_canned_reply(db, reply_id) if reply_id >= 0 else None
    if row is None:
        raise NoSuchReply(f"there is no canned reply {reply_id}" if reply_id >= 0
                          else "no such canned reply")
    return row


def edit(db, reply_id, *, title, lang, text):
    """Change the canned reply (any agent may); return it. Raise CannedError."""
    checked = _checked(title, lang, text)
    get(db, reply_id)
    store.update_canned_reply(db, reply_id, *checked)
    return get(db, reply_id)


def delete(db, reply_id):
    """Delete the canned reply; return it as it was. Raise NoSuchReply."""
    row = get(db, reply_id)
    if not store.delete_canned_reply(db, reply_id):
        raise NoSuchReply(f"there is no canned reply {reply_id}")
    return row


def replies(db, lang=None, *, first=None):
    """Return the canned replies (only ``lang``'s when given), by title; with
    ``first`` a language, that language's come first (the conversation's)."""
    rows = store.canned_replies(db, lang)
    return sorted(rows, key=lambda row: row["lang"] != first) if first else rows


def filled_for(db, reply_id, *, name, agent):
    """Return the canned reply's text filled (``fill``) with the customer's ``name``
    (None when unknown) and ``agent``'s, in the reply's language. Raise NoSuchReply."""
    row = get(db, reply_id)
    return fill(row["text"], lang=row["lang"], name=name, agent=agent)
