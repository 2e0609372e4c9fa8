"""What a tag on a conversation is (as Zendesk's and Chatwoot's): a short label an agent
puts on it, kept in one form so "Refund", " refund " and "REFUND" are one tag.

    normal_tag(" Refund  Late ")   # "refund late"
    normal_tag("استرجاع\u200c")     # "استرجاع": the zero-width non-joiner goes
    normal_tag("#vip")             # raises TagError: "#" is not a tag's character

Pure: no store, no clock. The store keeps at most MAX_TAGS per conversation
(bot/store/tags.py checks it inside the insert's transaction).
"""
import unicodedata

from bot.clean import UncleanText, clean_text

__all__ = ["TagError", "normal_tag", "MAX_TAG_LENGTH", "MAX_TAGS"]

# Long enough for "delivery delayed - courier" or "استرجاع المبلغ بعد الإلغاء"; short
# enough to stay a label (a chip on a phone), not a note.
MAX_TAG_LENGTH = 40
# A conversation with more tags than this is tagged with everything, which tells nothing.
MAX_TAGS = 20
# Allowed inside a tag besides letters, digits and the marks written on letters.
_PUNCTUATION = "-_ "


class TagError(ValueError):
    """A tag that cannot be used; ``str()`` says why (the web answers 400)."""


def normal_tag(value):
    """Return ``value`` as the tag Dalil keeps: stripped, bidi controls and invisible
    format characters (zero-width joiners, RLM, BOM) removed, runs of spaces made one,
    NFC, Latin case-folded; Arabic letters and their marks stay as written. Raise
    TagError when it is not text, empty, longer than MAX_TAG_LENGTH, holds control or
    undecodable characters, or any character but letters, digits, marks on them,
    "-", "_" and spaces."""
    if not isinstance(value, str):
        raise TagError("a tag is required, as text")
    try:
        text = clean_text(value, "tag", lines=False)
    except UncleanText as error:
        raise TagError(str(error)) from None
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    if not text:
        raise TagError("a tag is required: a word or two, such as refund or استرجاع")
    if len(text) > MAX_TAG_LENGTH:
        raise TagError(f"a tag is at most {MAX_TAG_LENGTH} characters (this one has "
                       f"{len(text)})")
    on_letter = False  # a mark (a haraka, shadda) must sit on a letter or digit
    for ch in text:
        if unicodedata.category(ch).startswith("M") and on_letter:
            continue
        on_letter = ch.isalnum()
        if not (on_letter or ch in _PUNCTUATION):
            raise TagError(f"a tag may hold only letters, digits, \"-\", \"_\" and spaces, "
                           f"not {ch!r}")
    if not any(ch.isalnum() for ch in text):
        raise TagError("a tag needs at least one letter or digit")
    return text
