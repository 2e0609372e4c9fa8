"""Arabizi — Arabic in Latin letters and digits — is read as Arabic, as an extra
reading beside the customer's words; English with digits stays English."""
import pytest

from kb.text import arabizi, readings


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
