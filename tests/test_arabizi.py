"""Arabizi — Arabic in Latin letters and digits — is read as Arabic, as an extra
reading beside the customer's words; English with digits stays English."""
import pytest

from conftest import write_article
from kb.articles import load_articles
from kb.index import Index
from kb.text import arabizi, arabizi_skeleton, readings


@pytest.mark.parametrize("text, expected", [
    ("bdi a7ki m3 7ada", "بدي احكي مع حدا"),
    ("abgha astarje3 flousi", "ابغى استرجع فلوسي"),
    ("3ayez arga3 el order", "عايز ارجع الاردر"),
    ("wein talabi", "وين طلبي"),  # an everyday word looked up whole: t is ط here
    ("emta yewsal el talab", "امتى يوصل الطلب"),  # an everyday word: s is ص here
    ("3andi mushkila bl tarkib", "عندي مشكلة بالتركيب"),  # bl: the preposition and article
    ("badi sakker 7sabi", "بدي سكر حسابي"),  # a doubled letter is a shadda
    ("bddi 2alghi talabi", "بدي الغي طلبي"),  # 2 before a vowel starts with alef
    ("nsit el tarkib", "نسيت التركيب"),  # i before the last consonant is long
])
def test_arabizi_is_transliterated(text, expected):
    assert arabizi(text) == expected


@pytest.mark.parametrize("text", [
    "2FA code not working", "I need 3 days", "iPhone 7 case", "mp3 player", "my 4g is slow",
    "where is my order", "hello", "متى يصل طلبي", "",
])
def test_english_and_arabic_are_left_alone(text):
    assert arabizi(text) is None


def test_readings_offer_both_the_keyboard_layout_and_arabizi():
    assert readings("hgf'hrm") == ["البطاقة"]
    assert "بدي احكي مع حدا" in readings("bdi a7ki m3 7ada")
    assert readings("where is my order") == ["صاثقث هس ةغ خقيثق"]


def test_the_bot_understands_arabizi(shipped_bot):
    reply = shipped_bot.ask("bdi a7ki m3 7ada")
    assert (reply.action, reply.reason, reply.lang) == ("escalate", "asked for a person", "ar")
    reply = shipped_bot.ask("wein talabi")
    assert (reply.article_id, reply.lang) == ("order-tracking", "ar")
    assert shipped_bot.ask("abgha astarje3 flousi").article_id == "refunds"
    # English with digits is still English.
    assert shipped_bot.ask("where is my order").lang == "en"


@pytest.mark.parametrize("text, expected", [
    ("hal 3andkom tarkib lil athath", "هل عندكم تركيب للاثث"),  # lil: the preposition and article
    ("kaifa a3del", "كيف اعدل"),
])
def test_more_arabizi_function_words(text, expected):
    assert arabizi(text) == expected


def test_forced_arabizi_reads_latin_text_without_its_marks():
    # No digit and no function word: not Arabizi by its own look...
    assert arabizi("nasit kalimat el sir") is None
    # ...but a caller that knows it is no English it has seen can ask for the reading.
    assert arabizi("nasit kalimat el sir", force=True) == "نسيت كلمت السير"  # sir: i before the last consonant reads long


@pytest.mark.parametrize("a, b", [
    ("العنوان", "العنون"),  # a long vowel written as a short one ("el 3nwan")
    ("المناسب", "المنسب"),
    ("نقطه", "نءته"),  # ق said as a hamza (nu2ta) and ط written t
    ("كلمه", "كلمت"),  # the last ة written "at"
    ("حساب", "هساب"),  # h for ح
])
def test_an_arabizi_reading_and_the_word_meant_share_their_consonants(a, b):
    assert arabizi_skeleton(a) == arabizi_skeleton(b) is not None


@pytest.mark.parametrize("word", ["وين", "اي", "يوم"])
def test_words_of_few_consonants_have_no_skeleton(word):
    assert arabizi_skeleton(word) is None  # too many words share two consonants


def test_arabizi_by_its_own_look_needs_only_to_match_better_than_as_typed(shipped_bot):
    # The writers' Arabizi questions share Latin words with it ("el", "talab"), so the
    # text as typed matches some: its Arabic reading must not need to beat it by
    # IndexSettings.variant_advantage, as a keyboard-layout guess must.
    reading, hits = shipped_bot.index.lookup("kaifa a3del el 3nwan ba3d el talab")
    assert reading != "kaifa a3del el 3nwan ba3d el talab"
    assert hits[0].article_id == "change-delivery-address"


def test_arabizi_is_read_with_the_help_centers_own_words(tmp_path):
    # "el 3nwan" is read عنون letter by letter; the articles' word is عنوان.
    write_article(tmp_path, "address.ar.md", """\
        ---
        title: كيف أغير عنوان التوصيل؟
        questions:
          - ابي اغير العنوان بعد الطلب
          - العنوان غلط كيف اعدله
          - بدي عدل العنوان
        ---
        من صفحة الطلب.
        """)
    write_article(tmp_path, "password.ar.md", """\
        ---
        title: نسيت كلمة المرور
        questions:
          - نسيت الباسورد
        ---
        من صفحة الدخول.
        """)
    index = Index(load_articles(str(tmp_path)))
    assert "العنوان" in index._arabizi_reading("kaifa a3del el 3nwan ba3d el talab")


def test_arabizi_is_answered_in_arabic_with_the_article_meant(shipped_bot):
    reply = shipped_bot.ask("kaifa a3del el 3nwan ba3d el talab")
    assert (reply.action, reply.article_id, reply.lang) == ("answer", "change-delivery-address", "ar")
    # No digit, no function word, no English word the questions use: read as Arabizi.
    assert shipped_bot.ask("nasit kalimat el sir").article_id == "reset-password"
    # English the questions know stays English.
    assert shipped_bot.index._arabizi_reading("where is my order") is None
