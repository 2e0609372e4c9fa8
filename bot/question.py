"""What the bot accepts from a customer: a Question (clean text, read once), or an
InvalidQuestion that says why not in words a person understands.

    question = read_question("  وين طلبي؟ ")      # Question(text="وين طلبي؟", ...)
    read_question(b"\\xff")                      # raises UndecodableQuestion
"""
import dataclasses

from kb.articles import LANGS
from kb.text import readings

from .clean import control_characters, remove_bidi_controls, undecodable

__all__ = ["Question", "read_question", "check_lang", "InvalidQuestion", "EmptyQuestion",
           "QuestionTooLong", "ControlCharacters", "UndecodableQuestion", "UnknownLanguage",
           "MAX_QUESTION_LENGTH", "LANGS"]

# Long enough for a customer's story, short enough that a pasted document is refused.
MAX_QUESTION_LENGTH = 1000


class InvalidQuestion(ValueError):
    """A message the bot cannot take; ``str()`` says why in words a person understands."""


class EmptyQuestion(InvalidQuestion):
    pass


class QuestionTooLong(InvalidQuestion):
    pass


class ControlCharacters(InvalidQuestion):
    pass


class UndecodableQuestion(InvalidQuestion):
    pass


class UnknownLanguage(InvalidQuestion):
    pass


@dataclasses.dataclass(frozen=True)
class Question:
    """A customer's message as the bot reads it: checked once, then passed along. Make
    one with ``read_question``, which checks the text."""

    text: str  # stripped, non-empty, within the length limit, printable
    # The other ways the text may have been meant (wrong keyboard layout, Arabizi),
    # worked out once for the index and the intents alike.
    readings: tuple = ()


def read_question(question, max_length=MAX_QUESTION_LENGTH):
    """Return ``question`` (str, UTF-8 bytes or a Question) as a Question, bidi controls
    removed; raise an InvalidQuestion subclass for empty, over-long, binary or
    mis-encoded input (bot/clean.py says what is refused and what removed)."""
    if isinstance(question, Question):
        return question
    if isinstance(question, (bytes, bytearray)):
        try:
            question = bytes(question).decode("utf-8")
        except UnicodeDecodeError:
            raise UndecodableQuestion("The question is not readable text (it is not UTF-8).") from None
    if not isinstance(question, str):
        raise InvalidQuestion("The question must be text.")
    # What is clean is bot/clean.py's rule, told here in the customer's words.
    if undecodable(question):
        raise UndecodableQuestion("The question contains characters that could not be "
                                  "decoded: send it as UTF-8 text.")
    question = remove_bidi_controls(question).strip()
    if not question:
        raise EmptyQuestion("The question is empty: type a question.")
    if len(question) > max_length:
        raise QuestionTooLong(f"The question is too long ({len(question)} characters; "
                              f"the limit is {max_length}).")
    if control_characters(question):
        raise ControlCharacters("The question contains control characters; send plain text.")
    return Question(question, tuple(readings(question)))


def check_lang(lang):
    """Return ``lang`` when it is None, "ar" or "en"; raise UnknownLanguage otherwise."""
    if lang is not None and lang not in LANGS:
        # Not echoed back: the value may be anything a client sent (the API returns this
        # message as is).
        raise UnknownLanguage("Unknown language: use ar or en.")
    return lang
