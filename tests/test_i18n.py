"""web.i18n: every UI string exists in Arabic and English, and templates use only
strings the catalogue has."""
import pathlib
import re
import string

import pytest

from web.i18n import LANGS, MESSAGES, t

TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "web" / "templates"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_string_exists_in_both_languages(key):
    assert set(MESSAGES[key]) == set(LANGS)
    assert all(MESSAGES[key][lang].strip() for lang in LANGS)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_take_the_same_placeholders(key):
    fields = [{name for _, name, _, _ in string.Formatter().parse(MESSAGES[key][lang]) if name}
              for lang in LANGS]
    assert fields[0] == fields[1]


def test_arabic_strings_are_arabic():
    for key, texts in MESSAGES.items():
        if key not in ("switch_language",):
            assert re.search("[\u0600-\u06ff]", texts["ar"]), key
    assert MESSAGES["switch_language"] == {"ar": "English", "en": "العربية"}


def test_templates_use_only_catalogue_keys():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    assert used and used <= set(MESSAGES), used - set(MESSAGES)


def test_t_fills_fields():
    assert t("article_count", "en", count=3) == "3 articles"
    assert t("article_count", "ar", count=3) == "عدد المقالات: 3"


def test_every_reason_the_bot_gives_reads_in_arabic_in_the_console():
    from bot.decide import (ANSWER_DID_NOT_HELP, ANSWER_HELPED, ASKED_FOR_PERSON,
                            CHOSEN_FROM_SUGGESTIONS, NO_TOPIC_WORD, NO_WORD_IN_COMMON, ONE_WORD,
                            SENT_TO_A_PERSON, SUGGESTIONS_DID_NOT_HELP)
    from web.agent import reason_text
    reasons = [ASKED_FOR_PERSON, ANSWER_HELPED, ANSWER_DID_NOT_HELP, SUGGESTIONS_DID_NOT_HELP,
               CHOSEN_FROM_SUGGESTIONS, ONE_WORD, NO_WORD_IN_COMMON, NO_TOPIC_WORD,
               SENT_TO_A_PERSON,
               "confident match", "articles too close", "low confidence", "no match",
               f"{NO_WORD_IN_COMMON}: {SENT_TO_A_PERSON}"]
    for reason in reasons:
        assert reason_text(reason, "en") == reason
        assert re.search("[\u0621-\u064a]", reason_text(reason, "ar")), reason
