"""Recognize the messages that are not questions for the knowledge base: small talk
(greetings, thanks, goodbyes), requests to talk to a person, and a typed yes or no to
the bot's last answer, in Arabic (MSA and dialects) and English. Pure functions over text."""
import re

from kb.text import PERSON_CLITICS, normalize, stem, tokens, without_clitic, without_tanween

__all__ = ["small_talk", "asks_for_person", "feedback_in"]


def _phrases(*texts):
    """Normalized token tuples, so matching ignores hamza, diacritics and case."""
    return {tuple(tokens(t)) for t in texts}


GREETINGS = _phrases(
    "مرحبا", "مرحبتين", "مرحبًا", "اهلا", "أهلا", "أهلين", "اهلين", "اهلا وسهلا", "هلا",
    "هلا والله", "هلا هلا", "يا هلا", "السلام عليكم", "السلام عليكم ورحمة الله",
    "السلام عليكم ورحمة الله وبركاته", "سلام عليكم", "سلام", "صباح الخير", "صباح النور",
    "مساء الخير", "مساء النور", "هاي", "هلو", "الو", "كيفك", "كيف حالك", "كيف الحال",
    "شلونك", "شلونكم", "ازيك", "ازيكم", "عامل ايه", "اخبارك ايه", "شخبارك", "شو الاخبار",
    "كيفكم", "hi", "hello", "hey", "hey there", "hi there", "hello there", "good morning",
    "good afternoon", "good evening", "how are you", "how are you doing", "what's up",
    "whats up", "sup", "yo", "greetings", "salam", "marhaba", "ahlan",
)
THANKS = _phrases(
    "شكرا", "شكرًا", "شكرا جزيلا", "شكرا لك", "شكرا كتير", "شكرا كثيرا", "الف شكر",
    "ألف شكر", "مشكور", "مشكورة", "مشكورين", "يعطيك العافية", "الله يعطيك العافية",
    "تسلم", "تسلمي", "تسلم ايدك", "يسلمو", "يسلموا", "ممنون", "ممنونك", "مرسي", "ميرسي",
    "جزاك الله خير", "جزاك الله خيرا", "الله يجزاك خير", "تمام شكرا", "ممتاز شكرا",
    "thanks", "thank you", "thank you so much", "thanks a lot", "many thanks", "thx", "ty",
    "cheers", "appreciate it", "great thanks", "ok thanks", "okay thanks", "perfect thanks",
    "thanks for your help", "thank you for your help", "shukran",
)
GOODBYES = _phrases(
    "مع السلامة", "مع السلامه", "باي", "باي باي", "يلا باي", "الى اللقاء", "إلى اللقاء",
    "تصبح على خير", "تصبحون على خير", "في امان الله", "في أمان الله", "الله معك", "سلامتك",
    "bye", "bye bye", "goodbye", "good bye", "see you", "see ya", "see you later",
    "good night", "cya", "take care",
)
# A reply with no question in it: "ok", "تمام". Answered like thanks.
ACKNOWLEDGEMENTS = _phrases(
    "تمام", "طيب", "اوكي", "اوك", "ماشي", "حاضر", "فهمت", "تم", "زين", "ok", "okay", "k",
    "alright", "all right", "got it", "fine", "great", "perfect", "cool", "noted",
)
_KINDS = (("greeting", GREETINGS), ("thanks", THANKS), ("goodbye", GOODBYES),
          ("thanks", ACKNOWLEDGEMENTS))
# Words that may pad small talk without making it a question.
_PADDING = set(tokens("يا اخي اخوي اختي حبيبي والله جدا كتير كثير so much very lot a lot "
                      "again guys team dear sir madam"))
_LONGEST = max(len(p) for _, group in _KINDS for p in group)


def small_talk(text):
    """Return "greeting", "thanks" or "goodbye" when ``text`` is only small talk
    ("مرحبا", "يعطيك العافية", "thanks!"), else None: a greeting followed by a real
    question is a question."""
    words = [w for w in tokens(text) if w not in _PADDING]
    if not words:
        return None
    found = None
    position = 0
    while position < len(words):
        for size in range(min(_LONGEST, len(words) - position), 0, -1):
            chunk = tuple(words[position:position + size])
            kind = next((k for k, group in _KINDS if chunk in group), None)
            if kind:
                # The last kind wins: "هلا، شكرا" is thanks; "thanks, bye" is goodbye.
                found = kind
                position += size
                break
        else:
            return None
    return found


_PERSON = set(tokens(
    "موظف موظفه موظفين موظفة انسان إنسان بشر بشري شخص حدا احد أحد حد ممثل وكيل مسؤول "
    "مسؤولين المسؤول الموظف الموظفين شخصيا حقيقي agent agents human humans person people "
    "representative rep someone somebody operator staff employee manager supervisor"
))
_SUPPORT = [tuple(tokens(p)) for p in (
    "خدمة العملاء", "خدمه العملاء", "الدعم الفني", "فريق الدعم", "customer service",
    "customer support", "support team", "live agent", "real person", "live person",
    "live chat", "a human")]
_TALK = set(tokens(
    "اكلم أكلم كلم يكلمني تكلمني كلمني اتكلم أتكلم نتكلم احكي أحكي نحكي يحكي احاكي اتحدث أتحدث "
    "تحدث اتواصل أتواصل اتصل أتصل حولني حوّلني وصلني وصلوني حولوني ابي أبي ابغى أبغى بدي اريد "
    "أريد عايز عاوز need want talk speak chat connect transfer escalate get reach"
))
# Said alone, these ask for a person: "موظف", "agent", "human please".
_ALONE = set(tokens("موظف موظفه انسان بشر agent human representative operator person "
                    "شخص حقيقي real"))
_ALONE_PADDING = set(tokens("please pls plz لو سمحت من فضلك ابي ابغى بدي اريد عايز a an the "
                            "i want need talk to speak with"))
_HOW = set(tokens("كيف ازاي كيفاش شلون how what where which"))
_NOT = re.compile(r"\b(not|no|don't|dont|never)\b|(^|\s)(لا|مش|ما|مو|بدون)(\s|$)")


def _forms(word):
    """The word, its stem, the word without a clinging ل/ب/و (لموظف → موظف), and
    without the alef of tanween (MSA "أكلم موظفًا" normalizes to موظفا)."""
    return {word, stem(word), without_clitic(word, PERSON_CLITICS), without_tanween(word)}


def asks_for_person(text):
    """Return True when ``text`` asks to talk to a person ("أبغى أكلم موظف", "بدي احكي
    مع حدا", "talk to a human", "agent") and does not say the opposite."""
    words = tokens(text)
    if not words or _NOT.search(normalize(text)):
        return False
    if words[0] in _HOW:
        # "كيف أتواصل مع خدمة العملاء؟" asks for the way, which an article gives.
        return False
    present = set().union(*(_forms(w) for w in words))
    if set(words) <= _ALONE_PADDING | _ALONE and present & _ALONE:
        return True
    wants_talk = bool(present & _TALK)
    person = bool(present & _PERSON) or any(
        _contains(words, phrase) for phrase in _SUPPORT)
    return wants_talk and person


def _contains(words, phrase):
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1))


# A customer's verdict on the bot's last answer or suggestions, typed instead of pressing
# the button: only these whole messages count, so "لا يوجد رابط" stays a question.
_NO = _phrases(
    "لا", "لأ", "لا شكرا", "مو هذا", "مش هو", "مش هذا", "ما نفع", "ما فادني", "لم تجب",
    "ليس هذا", "لا ما جاوب", "no", "nope", "not really", "no it didnt", "no it did not",
    "that didnt help", "not helpful", "none of these")
_YES = _phrases(
    "نعم", "ايوه", "أيوه", "ايوا", "اي", "إي", "أجل", "بلى", "نعم شكرا", "ايوه شكرا",
    "yes", "yeah", "yep", "yes thanks", "yes thank you", "it did", "that helped")


def feedback_in(text):
    """Return "helpful" or "not_helpful" when ``text`` is only a yes or a no ("لا",
    "ايوه", "nope"), else None."""
    words = tuple(tokens(text))
    return "not_helpful" if words in _NO else "helpful" if words in _YES else None
