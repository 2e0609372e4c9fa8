"""The bot's catalogue of what it says: every string in both languages."""
import pytest

from bot.messages import MESSAGES, message
from kb.text import detect_language


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_arabic_and_english(key):
    assert set(MESSAGES[key]) == {"ar", "en"}
    for lang in ("ar", "en"):
        assert message(key, lang).strip()
        assert detect_language(message(key, lang)) == lang
