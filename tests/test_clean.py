"""bot/clean.py, the rule every stored text goes through: what it refuses, what it
removes, and the Arabic it leaves alone."""
import pytest

from bot.clean import BIDI_CONTROLS, UncleanText, clean_text

RLM, LRM, ALM, ZWNJ, ZWJ = "\u200f", "\u200e", "\u061c", "\u200c", "\u200d"


@pytest.mark.parametrize("text", [
    f"{RLM}رقم الطلب 1234{LRM}", f"مي{ZWNJ}خواهم", f"لا{ZWJ}", f"{ALM}١٢٣", "ـــ طلبي ـــ",
    "وين طلبي؟ 🙂", "كيف أتتبع طلبي؟ order #12",
])
def test_arabic_and_its_marks_are_kept_as_typed(text):
    assert clean_text(text, "message") == text


@pytest.mark.parametrize("control", list(BIDI_CONTROLS))
def test_every_bidi_embedding_override_and_isolate_is_removed(control):
    assert clean_text(f"{control}عنوان{control} x", "name", lines=False) == "عنوان x"


@pytest.mark.parametrize("text, message", [
    ("\ud800", "could not be decoded"), ("caf\ufffd", "could not be decoded"),
    ("a\x00b", "control characters"), ("\x1b[31mred", "control characters"),
    ("a\x7fb", "control characters"), ("a\x85b", "control characters"), (5, "must be text"),
    (["x"], "must be text"),
])
def test_undecodable_and_control_characters_are_refused(text, message):
    with pytest.raises(UncleanText, match=message):
        clean_text(text, "comment")


def test_one_line_text_refuses_line_breaks_and_tabs_within_but_strips_them_around():
    for text in ("Mona\nBcc: x", "Mona\rX", "Mo\tna"):
        with pytest.raises(UncleanText, match="name must be one line"):
            clean_text(text, "name", lines=False)
    assert clean_text("  Mona\r\n", "name", lines=False) == "Mona"


def test_text_of_several_lines_keeps_them_as_lf():
    assert clean_text("one\r\ntwo\rthree\n\tfour ", "reply") == "one\ntwo\nthree\n\tfour"


def test_the_limit_counts_the_cleaned_text():
    assert clean_text("\u202e" + "x" * 10, "name", limit=10) == "x" * 10
    with pytest.raises(UncleanText, match=r"too long \(11 characters; the limit is 10\)"):
        clean_text("x" * 11, "name", limit=10)


def test_nothing_is_empty_text():
    assert clean_text(None, "name") == clean_text("   ", "name") == ""
