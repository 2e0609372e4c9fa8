"""Recognize the messages that are not questions for the knowledge base: small talk
(greetings, thanks, goodbyes), requests to talk to a person, and a typed yes or no to
the bot's last answer, in Arabic (MSA and dialects) and English. Pure functions over text."""
import re

from kb.text import PERSON_CLITICS, stem, tokens, without_clitic, without_tanween

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


# Words for a person. Matched as written (less a clinging ل/ب/و, the article ال and the
# alef of tanween), never through a stem: the stem of شخصي/الشخصية ("personal") is شخص,
# of وحدة ("a unit", "one") حد, and of "personal" person.
_PERSON = set(tokens(
    "موظف موظفه موظفين موظفة انسان إنسان بشر بشري شخص حدا احد أحد حد ممثل وكيل مسؤول "
    "مسؤولين الموظف الموظفين agent agents human humans person people representative "
    "representatives rep someone somebody operator staff employee employees manager "
    "supervisor"
))
# With only a verb of wanting ("ابي", "I need"), these are a thing, not a person to talk
# to: "ابي وكيل معتمد" (an authorized dealer), "I want people to know", "staff".
_TALK_ONLY = set(tokens("وكيل people staff employee employees"))
_SUPPORT = [tuple(tokens(p)) for p in (
    "خدمة العملاء", "خدمه العملاء", "الدعم الفني", "فريق الدعم", "customer service",
    "customer support", "support team", "live agent", "real person", "live person",
    "live chat", "a human", "شي واحد", "شي حد")]
# Verbs of talking to someone, and verbs of wanting (which ask for a person only with
# a person right after them: "بدي موظف", "I want a human").
_TALK = set(tokens(
    "اكلم أكلم كلم يكلمني تكلمني كلمني اتكلم أتكلم نتكلم احكي أحكي نحكي يحكي احاكي اتحدث أتحدث "
    "تحدث اتواصل أتواصل اتصل أتصل حولني حوّلني تحولني تحولوني حولوني وصلني وصلوني توصلني "
    "احجي نحجي اسولف نسولف نهضر نهدر talk speak chat connect transfer escalate reach"
))
_WANT = set(tokens("ابي أبي ابغى أبغى بدي اريد أريد عايز عاوز need want get"))
# Words that may stand between the verb and the person without changing what is asked
# ("احكي مع حدا", "talk to a real person", "is there someone I can talk to"); any other
# word means the person belongs to another phrase: "ابي بيانات حسابي الشخصية", "I want to
# add another person to my account", "my browser's user agent … I need to log in". One
# other word is allowed right after the verb when "with" follows it: a dialect's verb of
# talking the lists lack ("اريد احجي ويا موظف").
_GLUE = set(tokens(
    "مع ويا الى إلى على عند ل ب من واحد اي أي حقيقي حقيقيه حقيقية ثاني ثانيه تاني لو سمحت فضلك "
    "يا انا أنا اني ان أن ممكن اقدر أقدر نقدر بس الله يخليك ضروري الحين هلق دلوقتي حالا "
    "فورا to with me us a an the real actual live one of your you some any please pls plz "
    "now right away immediately asap directly i can could may we is are be being there "
    "who that else instead another other different just only about regarding"
))
_WITH = set(tokens("مع ويا with"))
# An English person word followed by another word of its phrase names something else:
# "employee discount", "agent fees", "customer service hours" (Arabic puts such words
# after the noun it describes, so "موظف التوصيل" stays a person).
_LATIN = re.compile(r"[a-z]")
_PERSON_GROUP = set(tokens("team department desk"))
# Said alone, these ask for a person: "موظف", "agent", "human please".
_ALONE = set(tokens("موظف موظفه انسان بشر agent human representative operator person "
                    "شخص حقيقي real"))
_ALONE_PADDING = set(tokens("please pls plz لو سمحت من فضلك ابي ابغى بدي اريد عايز a an the "
                            "i want need talk to speak with"))
# "Is anyone there?" typed into a chat looks for a person, too.
_ANYONE_THERE = _phrases(
    "anyone there", "anybody there", "is anyone there", "is anybody there", "is there anyone",
    "is there anybody", "someone there", "is someone there", "anyone here", "anybody here",
    "في حدا", "فيه حدا", "في احد", "فيه احد", "في حد", "فيه حد", "حدا هون", "في حدا هون",
    "حد هنا", "في حد هنا", "احد هنا", "فيه احد هنا", "هل يوجد احد", "هل من احد")
_ANYONE_PADDING = set(tokens("hello hi hey guys please مرحبا السلام عليكم يا جماعه شباب"))
_HOW = set(tokens("كيف ازاي كيفاش شلون how what where which"))
# A negation takes back the request that follows it ("ما بدي احكي مع حدا", "I don't want
# to talk to a human", "do not connect me to an agent"), not one elsewhere in the
# message: "ابغى اكلم شخص حقيقي مو بوت", "مو عاجبني البوت ابي انسان".
_NEGATIONS = set(tokens("not no never لا مش ما مو مب بدون"))
# What may follow an English person word in a request ("a human, not a bot", "an agent
# please", "the support team"); any other word makes it part of a name ("agent fees").
_FOLLOWERS = _GLUE | _PERSON | _PERSON_GROUP | _TALK | _WANT | _NEGATIONS


def _forms(word):
    """The word, its stem, the word without a clinging ل/ب/و (لموظف → موظف), and
    without the alef of tanween (MSA "أكلم موظفًا" normalizes to موظفا)."""
    return {word, stem(word), without_clitic(word, PERSON_CLITICS), without_tanween(word)}


def _person_forms(word):
    """The word, without a clinging ل/ب/و, the article (بالموظف, للموظف → موظف) and the
    alef of tanween — but not stemmed (see _PERSON)."""
    bare = without_clitic(word, PERSON_CLITICS)
    forms = {word, bare, without_tanween(word), without_tanween(bare)}
    for form in list(forms):
        if form.startswith(("ال", "لل")) and len(form) > 4:
            forms.add(form[2:])
    return forms


def _people(words):
    """Return the (start, end) spans of ``words`` that name a person (a word or a
    phrase such as "خدمة العملاء"), each with whether a verb of wanting suffices."""
    spans = []
    for i, word in enumerate(words):
        found = _person_forms(word) & _PERSON
        if not found:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        if found <= set(tokens("احد أحد")) and following.startswith("ال"):
            continue  # أحد المنتجات: "one of the products"
        if _LATIN.match(word) and following and _LATIN.match(following) and not (
                following in _FOLLOWERS):
            continue  # "employee discount"
        spans.append((i, i, not found <= _TALK_ONLY))
    for phrase in _SUPPORT:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if tuple(words[i:i + size]) != phrase:
                continue
            following = words[i + size] if i + size < len(words) else ""
            if _LATIN.match(phrase[0]) and following and not (
                    following in _FOLLOWERS):
                continue  # "customer service hours"
            spans.append((i, i + size - 1, True))
    return spans


def asks_for_person(text):
    """Return True when ``text`` asks to talk to a person ("أبغى أكلم موظف", "بدي احكي
    مع حدا", "talk to a human", "agent", "is anyone there?") and does not say the
    opposite. The person must be the one talked to or wanted: only small words
    (_GLUE) may stand between the verb and the person, so "ابي بيانات حسابي الشخصية",
    "ابي وحدة ثانية" and "I want to add another person to my account" are questions."""
    words = tokens(text)
    if not words:
        return False
    if words[0] in _HOW:
        # "كيف أتواصل مع خدمة العملاء؟" asks for the way, which an article gives.
        return False
    if set(words) <= _ALONE_PADDING | _ALONE and set(words) & _ALONE:
        return True
    if tuple(w for w in words if w not in _ANYONE_PADDING) in _ANYONE_THERE:
        return True
    verbs, negations = {}, []  # verbs: position -> "talk" | "want"
    for i, word in enumerate(words):
        forms = _forms(word)
        if word in _NEGATIONS or (word.startswith("ما") and len(word) > 3
                                  and _forms(word[2:]) & (_TALK | _WANT)):
            negations.append(i)  # a negation, or one joined to its verb: مابدي
        elif forms & _TALK:
            verbs[i] = "talk"
        elif forms & _WANT:
            verbs[i] = "want"
    between_ok = _GLUE | _TALK | _WANT | _PERSON
    negated = set()
    for i in negations:
        # The verbs, persons and small words right after a negation are what it denies.
        j = i + 1
        while j < len(words) and (j in verbs or words[j] in between_ok | _NEGATIONS
                                  or _person_forms(words[j]) & _PERSON):
            negated.add(j)
            j += 1
    verbs = {i: kind for i, kind in verbs.items() if i not in negated}
    if not verbs:
        return False
    spans = [span for span in _people(words) if span[0] not in negated]
    for start, end, wanted in spans:
        for position, kind in verbs.items():
            if kind == "want" and (not wanted or position > end):
                continue  # wanting asks for the person it names next: "بدي موظف"
            if position < start:
                gap = words[position + 1:start]
                if len(gap) >= 2 and gap[0] not in between_ok and gap[1] in _WITH:
                    gap = gap[1:]  # "اريد احجي ويا موظف": an unknown verb, then "with"
            elif position > end:
                gap = words[end + 1:position]
            else:
                continue
            if all(w in between_ok or _person_forms(w) & _PERSON for w in gap):
                return True
    return False



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
