"""Every Arabic and English text rule of Dalil lives here: normalization, tokens,
dialect words, clitics and tanween, stop, question and negation words, stems, language,
keyboard layouts and Arabizi. Other modules call these functions and never carry a
letter list of their own; a new rule about how words are written belongs in this file.

Follows ../shared/ARABIC.md (sourced from Lucene's Arabic analyzers, CAMeL Tools and
the Snowball algorithms): normalize first, then tokenize, map dialect function words
and everyday dialect words (EVERYDAY) to MSA (keeping both), and light-stem everything
that is not protected.
"""
import functools
import re
import threading
import unicodedata

import Stemmer

__all__ = [
    "normalize",
    "tokens",
    "terms",
    "content_words",
    "topic_stems",
    "stems",
    "stem",
    "detect_language",
    "keyboard_variants",
    "arabizi",
    "arabizi_skeleton",
    "readings",
    "without_clitic",
    "without_tanween",
    "ARABIC_LETTER",
    "CLITICS",
    "PERSON_CLITICS",
]

ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
LATIN_LETTER = re.compile(r"[a-zA-Z]")

# Step 3: Persian/Urdu letters, folded after NFKC (CAMeL arclean).
_PERSIAN = str.maketrans(
    {"ی": "ي", "ے": "ي", "ک": "ك", "ۀ": "ه", "ہ": "ه", "\u0654": None,
     "پ": "ب", "چ": "ج", "گ": "ك", "ڤ": "ف"}
)
_PUNCTUATION = str.maketrans({"؟": "?", "،": ",", "؛": ";"})
# Step 5: diacritics U+064B–0652, superscript alef U+0670, tatweel, Quranic marks.
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640\u0610-\u061a\u06d6-\u06ed]")
# Step 6: letter folding (not PyArabic's "uniform" hamza mode, which breaks أحمد).
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                          "ؤ": "و", "ئ": "ي"})


def _format_and_digit_table():
    """Steps 2 and 4 as one str.translate table: format characters (category Cf)
    dropped, every Unicode decimal digit made ASCII."""
    table = {}
    for code in [*range(0x80, 0x30000), *range(0xE0000, 0xE0080)]:
        ch = chr(code)
        if unicodedata.category(ch) == "Cf":
            table[code] = None
        elif ch.isdecimal():
            table[code] = str(unicodedata.decimal(ch))
    return table


_FORMAT_AND_DIGITS = _format_and_digit_table()


@functools.lru_cache(maxsize=65536)
def normalize(text):
    """Return ``text`` normalized for matching: NFKC, no format characters, Persian
    letters folded, ASCII digits, no diacritics or tatweel, alef/yaa/taa marbuta/hamza
    folded, Latin case-folded, white space collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_FORMAT_AND_DIGITS)
    text = text.translate(_PERSIAN).translate(_PUNCTUATION)
    text = _MARKS.sub("", text).translate(_LETTERS)
    return " ".join(text.casefold().split())


# --- tokens ---------------------------------------------------------------------------

# sklearn's default pattern drops one-letter tokens; we keep every letter/digit run.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
]
# "dont", "doesnt" typed without the apostrophe; only these, so "want" stays whole.
_BARE_NOT = {"dont": "do", "doesnt": "does", "didnt": "did", "isnt": "is", "arent": "are",
             "wasnt": "was", "werent": "were", "havent": "have", "hasnt": "has",
             "hadnt": "had", "cant": "can", "couldnt": "could", "wont": "will",
             "wouldnt": "would", "shouldnt": "should", "aint": "is"}


def _expand_contractions(text):
    text = text.replace("\u2019", "'")
    if "'" not in text:  # every contraction has one: most texts, all Arabic, skip ten regexes
        return text
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def _raw_tokens(normalized):
    for tok in _TOKEN.findall(_expand_contractions(normalized)):
        if tok in _BARE_NOT:
            yield _BARE_NOT[tok]
            yield "not"
        else:
            yield tok


def _fold(words):
    """Normalize each dialect word so table keys match normalized input."""
    return {normalize(k): normalize(v) for k, v in words.items()}


# Step 7, the dialect table of ARABIC.md: whole tokens only, the original kept too.
_NEGATION = "لا"
DIALECT = _fold({
    # question words
    **dict.fromkeys(["شو", "إيش", "ايش", "وش", "ويش", "إيه", "شنو", "اشنو", "آش", "شنوة",
                     "شنيا"], "ماذا"),
    **dict.fromkeys(["وين", "فين"], "أين"),
    **dict.fromkeys(["ليش", "ليه", "علاش", "لاش", "علاه"], "لماذا"),
    **dict.fromkeys(["ازاي", "إزاي", "كيفاش", "شلون", "اشلون"], "كيف"),
    **dict.fromkeys(["إمتى", "امتى", "إيمتا", "ايمتى", "امتا", "شوكت", "فوقاش", "وقتاش"],
                    "متى"),
    **dict.fromkeys(["مين", "شكون"], "من"),
    "كام": "كم", "بكام": "بكم", "قديش": "كم", "قداش": "كم", "شحال": "كم", "بشحال": "بكم",
    "شكد": "كم", "شكثر": "كم", "بشكد": "بكم",
    # Maghrebi واش asks yes or no, as هل does
    "واش": "هل",
    "منين": "من",
    # want / can / must
    "بدي": "أريد", "بدك": "تريد", "بدنا": "نريد", "بده": "يريد", "بدها": "تريد",
    **dict.fromkeys(["عايز", "عاوز", "عايزة", "عاوزة", "عايزه"], "أريد"),
    **dict.fromkeys(["أبي", "ابي", "أبغى", "ابغى", "ابغي", "ابغا", "أبغا", "بغيت", "بغيتي"],
                    "أريد"),
    "تبي": "تريد", "تبغى": "تريد", "بقدر": "أستطيع", "بقدرش": "أستطيع", "لازم": "يجب",
    "اكدر": "أستطيع", "خاصني": "يجب",
    "ممكن": "يمكن",
    # negation: one token, never dropped
    **dict.fromkeys(["مش", "مو", "موش", "مب", "ماش", "ليس", "لم", "لن", "غير", "مفيش",
                     "مافي", "مافيش", "ماكو"], _NEGATION),
    # time, place, discourse
    **dict.fromkeys(["هلأ", "هلا", "هلق", "هلاء", "الحين", "دحين", "توا", "دابا", "دلوقتي",
                     "دلوقت", "هسه", "هسة"], "الآن"),
    **dict.fromkeys(["للحين", "لسه", "لسا", "لساتها", "لساته", "لسة"], "ما زال"),
    **dict.fromkeys(["بكرا", "بكرة", "بكره"], "غدا"),
    "هون": "هنا", "هيك": "هكذا", "هاد": "هذا", "هادا": "هذا", "هاذا": "هذا", "هاي": "هذه",
    "اللي": "الذي", "يلي": "الذي", "عشان": "لأن", "علشان": "لأن", "بس": "فقط",
    "اشي": "شيء", "شي": "شيء", "حدا": "أحد", "رح": "سوف", "كمان": "أيضا",
    **dict.fromkeys(["وايد", "برشا", "بزاف", "كتير", "كثير"], "كثيرا"),
    "ديال": "ل", "تاع": "ل", "ويا": "مع", "فيه": "يوجد", "اكو": "يوجد",
    # possessive "mine" (Egyptian بتاعي, Levantine تبعي): الطلب بتاعي = طلبي
    **dict.fromkeys(["بتاعي", "بتاعتي", "بتوعي", "تبعي", "تبعتي", "تاعي", "ديالي"], "لي"),
})

# Everyday verbs, nouns and adverbs that differ by region, each followed by its MSA
# equivalent (both kept, as DIALECT's; they are stemmed as any word): the issue's
# "generalize across dialects". General Arabic, no help center's topic: seeing, bringing,
# sending, doing, coming, going, talking, finding, losing, waiting, working, broken,
# closed, good, a little, very. Only forms with no other everyday MSA meaning (not سكر
# "sugar", نجم "star", مرة "once", حصل "obtained", بقي "remained", يجيب "answers", نقدر
# "we appreciate", يصلح "is suitable", بعت "I sold", زي "uniform"), and no money or card words (general
# Arabic too, but the dev suites are about banking: without them the figures moved by
# at most 0.001). Written before any run, not tuned (the words with an MSA meaning were
# taken out after a review, not a measurement); top-1 without -> with, semantic
# matching, dev suites: ar-dev 0.716 -> 0.719, ar-dev-3 0.569 -> 0.573, ar-dev-0 0.367
# -> 0.369, ar-dev-open 0.760 -> 0.762 (wrong answers 7.1% -> 7.0% of all).
EVERYDAY = _fold({
    **dict.fromkeys(["شاف", "شفت", "بشوف", "يشوف", "اشوف", "تشوف", "شايف", "شوفت"], "رأيت"),
    **dict.fromkeys(["جاب", "جبت", "بجيب", "جابلي"], "أحضر"),
    **dict.fromkeys(["عطيني", "عطني", "اعطيني", "اديني", "عطوني"], "أعطني"),
    **dict.fromkeys(["عطيت", "عطيته"], "أعطيت"),
    **dict.fromkeys(["اخدت", "خدت", "خذيت", "اخذيت"], "أخذت"),
    **dict.fromkeys(["بعتت", "بعتلي", "ابعت", "يبعت", "ببعت", "دزيت", "دز", "ادز",
                     "صيفطت", "صيفط", "نصيفط"], "أرسل"),
    **dict.fromkeys(["سويت", "اسوي", "يسوي", "سوي", "نسوي", "درت", "نديرو"],
                    "أفعل"),
    **dict.fromkeys(["اجا", "إجا", "اجاني", "جه", "جالي", "جت", "اجت", "يجي", "بيجي",
                     "بتيجي", "تيجي"], "جاء"),
    **dict.fromkeys(["رحت", "بروح", "يروح", "اروح", "راحت", "مشيت"], "ذهبت"),
    **dict.fromkeys(["احكي", "بحكي", "يحكي", "حكيت", "حكالي", "نحكي", "نهدر", "هدرت"], "أتكلم"),
    **dict.fromkeys(["قلي", "قالي", "قاللي", "قلتلك", "بيقول", "بيقولي"], "قال"),
    **dict.fromkeys(["لقيت", "لاقي", "بلاقي"], "وجدت"),
    "ملقيتش": "لا وجدت", "مالقيتش": "وجدت",  # ما…ش gives مالقيتش its لا already
    **dict.fromkeys(["ضاع", "ضاعت", "ضيعت", "ضايع", "ضايعه", "ودرت", "تودر"], "فقدت"),
    **dict.fromkeys(["استنى", "بستنى", "استنيت", "نستنى", "انطر", "نطرت", "بنطر", "تسناو",
                     "نتسنى"], "أنتظر"),
    **dict.fromkeys(["بلش", "بلشت", "ابلش"], "بدأ"),
    **dict.fromkeys(["وقف", "وقفت"], "توقف"),
    **dict.fromkeys(["حط", "حطيت", "احط", "بحط"], "وضعت"),
    **dict.fromkeys(["بدلت", "ابدل", "ببدل", "اغير"], "غيرت"),
    **dict.fromkeys(["صلح", "صلحت", "زبط", "زبطت", "ازبط", "يزبط", "بيزبط"],
                    "أصلح"),
    **dict.fromkeys(["شغال", "شغاله", "بيشتغل", "بتشتغل", "يشتغل", "اشتغل", "كيخدم"], "يعمل"),
    **dict.fromkeys(["خربان", "خربانه", "خرب", "خربت", "بايظ", "بايظه", "باظ", "باظت", "عطلان",
                     "عطلانه"], "معطل"),
    **dict.fromkeys(["مسكر", "مسكره", "سكرت", "مقفول", "مقفوله", "مسدود", "مبلوك", "مبلوكه",
                     "بلوك"], "مغلق"),
    **dict.fromkeys(["بعرف", "نعرف"], "أعرف"),
    **dict.fromkeys(["بعرفش", "معرفش"], "لا أعرف"),
    "ماعرفش": "أعرف",
    **dict.fromkeys(["فيني", "بنقدر"], "أستطيع"),
    "نقدرش": "لا أستطيع",
    **dict.fromkeys(["شريت", "اشري", "نشري", "شرا", "بشتري"], "اشتريت"),
    **dict.fromkeys(["بيصير", "صاير", "بيحصل"], "حدث"),
    **dict.fromkeys(["موبايل", "موبايلي", "جوال", "جوالي", "تلفون", "تلفوني", "تليفون",
                     "تليفوني", "بورتابل"], "هاتف"),
    "حوايج": "أشياء",
    **dict.fromkeys(["غلط", "غلطه"], "خطأ"),
    **dict.fromkeys(["مشكل", "مشكيل"], "مشكلة"),
    **dict.fromkeys(["شغل", "شغلي"], "عمل"),
    **dict.fromkeys(["منيح", "منيحه", "كويس", "كويسه", "مزيان", "مزيانه", "مليح", "باهي"], "جيد"),
    **dict.fromkeys(["مزبوط", "صح", "مظبوط"], "صحيح"),
    **dict.fromkeys(["اوي", "كلش", "بالزاف"], "جدا"),
    **dict.fromkeys(["شوي", "شويه", "شويا", "شوييه"], "قليلا"),
    **dict.fromkeys(["كده", "كدا", "هيكا", "هكاكا", "هكا"], "هكذا"),
    **dict.fromkeys(["برضه", "برضو", "برده"], "أيضا"),
    **dict.fromkeys(["متل", "بحال"], "مثل"),
    **dict.fromkeys(["بدري", "بكير"], "مبكرا"),
    **dict.fromkeys(["اتأخر", "اتاخر"], "تأخر"),
    "اتعطل": "معطل",
})
EVERYDAY = {word: msa for word, msa in EVERYDAY.items() if word != msa}  # اصلح is MSA too


def _equivalent(table, token, article=False):
    """Return the MSA that ``table`` (DIALECT, EVERYDAY) gives ``token``, also with a
    clinging preposition or conjunction on it (لفين, وشفت) and, with ``article``, the
    article on a one-word equivalent (الموبايل → الهاتف); or None."""
    if token in table:
        return table[token]
    bare = without_clitic(token)
    if bare != token and bare in table:
        return table[bare]
    if article and token.startswith("ال") and " " not in table.get(token[2:], " "):
        return "ال" + table[token[2:]]
    return None


# Levantine progressive particle (عم بستنى): carries no meaning for matching.
_DROP = {"عم"}

# Step 8: words that intent depends on; never stemmed (and never stop words).
QUESTION_WORDS = {normalize(w) for w in [
    "ماذا", "ما", "أين", "لماذا", "كيف", "متى", "من", "كم", "بكم", "هل", "أي", "اي",
    "how", "what", "when", "where", "why", "which", "who", "whom", "whose",
    "can", "could", "should", "will", "would", "is", "are", "do", "does", "did",
]}
NEGATIONS = {normalize(w) for w in [
    "لا", "لم", "لن", "ليس", "ما", "غير", "إلا", "بدون", "دون", "مش", "مو", "ما في",
    "not", "no", "never", "without", "cannot", "nothing", "none",
]}

# A small glue list: IDF down-weights the rest (ARABIC.md, "Stop words").
STOP_WORDS = {normalize(w) for w in [
    "في", "على", "عن", "الى", "إلى", "هذا", "هذه", "ذلك", "الذي", "التي", "يا", "يعني",
    "طيب", "لو", "سمحت", "سمحتي", "فضلك", "فضلكم", "رجاء", "مرحبا", "و", "او", "أو",
    "the", "a", "an", "please", "pls", "plz", "of", "to", "for", "in", "on", "at", "my",
    "i", "me", "it", "this", "that", "and", "or", "hi", "hello", "hey", "thanks",
]} - QUESTION_WORDS - NEGATIONS


def _wraparound_negation(tok):
    """Egyptian/Maghrebi ما…ش (ماعنديش): return the verb inside, or None."""
    if len(tok) >= 5 and tok.startswith("ما") and tok.endswith("ش"):
        return tok[2:-1]
    return None


def tokens(text, everyday=True):
    """Return the words of ``text`` after normalization, with dialect function words and
    (``everyday``) everyday words (EVERYDAY) followed by their MSA equivalents (both
    kept) and ما…ش split into لا + verb."""
    # Cached: the index and help-center search read the same message (the bot's intents
    # read it without the everyday equivalents: a second entry, some microseconds).
    return list(_tokens(text, everyday))


@functools.lru_cache(maxsize=65536)
def _tokens(text, everyday=True):
    out = []
    previous = None
    for tok in _raw_tokens(normalize(text)):
        if tok in _DROP:
            continue
        out.append(tok)
        if previous == "ما" and tok == "في":
            out.extend(["لا", "يوجد"])  # ما في: "there is no", written as two words
        previous = tok
        msa = _equivalent(DIALECT, tok)
        if msa is not None:
            out.extend(msa.split())
            continue
        # An everyday word (ملقيتش: لا وجدت) may still be a ما…ش negation (مالقيتش).
        msa = _equivalent(EVERYDAY, tok, article=True) if everyday else None
        if msa is not None:
            out.extend(msa.split())
        inner = _wraparound_negation(tok)
        if inner is not None and tok not in NEGATIONS:
            out.extend([_NEGATION, inner])
    return tuple(out)


def content_words(text):
    """Return the words of ``text`` that say what it is about: its tokens (normalized,
    English contractions expanded) without glue words (STOP_WORDS) and without the
    dialect equivalents that ``tokens`` adds."""
    return [tok for tok in _raw_tokens(normalize(text))
            if tok not in STOP_WORDS and tok not in _DROP]


# Words that say nothing of what a question is about, beyond the glue, question and
# negation words and the dialect function words with their MSA: pronouns, "have",
# "want", "thing"... (topic_stems). General words of both languages, no help center's.
_NO_TOPIC = {normalize(w) for w in [
    "انا", "أنا", "انت", "أنت", "انتي", "أنتي", "انتم", "أنتم", "انتو", "نحن", "احنا",
    "إحنا", "هو", "هي", "هم", "هما", "عند", "عندي", "عندك", "عندكم", "عندنا", "عنده",
    "عندها", "لدي", "لديك", "لديكم", "لدينا", "لي", "لك", "لكم", "لنا", "له", "لها", "كان",
    "كنت", "كانت", "يكون", "تكون", "أريد", "اريد", "نريد", "تريد", "يريد", "يمكن",
    "يمكنني", "يمكنك", "يمكنكم", "أستطيع", "استطيع", "نستطيع", "تستطيع", "يجب", "هناك",
    "يوجد", "شيء", "أحد", "كل", "بعض", "مع", "الآن", "هنا", "هكذا", "فقط", "أيضا",
    "ايضا", "سوف", "لأن", "كثيرا", "جدا", "بعد", "قبل", "عندكو", "ممكن", "لو", "إذا", "اذا",
    "you", "your", "yours", "we", "us", "our", "they", "them", "their", "he", "she",
    "his", "her", "its", "mine", "have", "has", "had", "having", "be", "been", "being",
    "am", "was", "were", "get", "got", "want", "wanted", "need", "like", "know", "there",
    "here", "any", "some", "all", "also", "just", "much", "many", "thing", "something",
    "anything", "about", "with", "from", "by", "as", "if", "so", "but", "up", "out",
    "then", "than", "again", "still", "yet", "already", "very", "too", "really", "now",
    "u", "im", "ive", "dont", "cant", "able", "may", "might", "must", "shall", "him",
    "these", "those", "into", "over", "after", "before", "because", "other", "every",
    "each", "only", "more", "one", "anyone", "someone", "everything", "doing", "done",
]}


@functools.lru_cache(maxsize=1)
def _no_topic_words():
    """Return every word topic_stems leaves out, as a token reads (before stemming: the
    stems of glue words are also those of words with a topic, الكمية and كم)."""
    words = (STOP_WORDS | QUESTION_WORDS | NEGATIONS | _NO_TOPIC | set(DIALECT)
             | {word for msa in DIALECT.values() for word in msa.split()})
    # The same glue in Arabizi, for a question whose reading stays in Latin letters.
    words |= {latin for latin, arabic in _ARABIZI_WORDS.items()
              if normalize(arabic) in words or _equivalent(DIALECT, normalize(arabic))}
    return frozenset(words | set(_ARTICLES) | {"bl", "bil", "bel"})


@functools.lru_cache(maxsize=65536)
def topic_stems(text):
    """Return the stems (a frozenset) of ``text``'s words that can say what it is about:
    not glue, question or negation words, dialect function words or the MSA they read
    as, pronouns or helping verbs ("have", "want", عند), their Arabizi, nor numbers."""
    ignored = _no_topic_words()
    found = set()
    for token in tokens(text):
        if token in ignored or token.isdigit():
            continue
        found.add(stem(token))
        if token not in _PROTECTED and _DIALECT_VERB.match(token):
            found.add(stem(token[1:]))  # بتوصل is توصل, as stems() reads it
    return frozenset(word for word in found if len(word) >= 2)


# --- clitics and tanween -------------------------------------------------------------------

# One-letter words written joined to the next word: the prepositions ل (to, for) and ب (with,
# by), the conjunctions و (and) and ف (so, then): لموظف, بطلبي, وليش, فليش. Not ك (like,
# as): it rarely clings in customer questions, and it begins many words that stand alone
# (كيف, كم, كود, كلمة) — without it كلم would read as the negation لم. (The article forms
# وال بال كال فال are stemming prefixes, below.)
CLITICS = frozenset("لبوف")
# bot.intents takes only ل, ب and و off a word when it looks for "a person" and "talk"
# (لموظف, بشخص, واتكلم). It has done so since it was written; ف is not measured there, and
# adding it would change which messages ask for a person ("فاتصل بموظف" would), so the
# difference stays explicit until a measurement says otherwise.
PERSON_CLITICS = frozenset("لبو")
# The shortest word whose first letter may be a clitic: the letter and a three-letter root.
CLITIC_MIN_LENGTH = 4


def without_clitic(token, clitics=CLITICS, min_length=CLITIC_MIN_LENGTH):
    """Return the normalized ``token`` without the one-letter preposition or conjunction
    clinging to it (لموظف → موظف, وليش → ليش), or ``token`` itself when it has none:
    it is shorter than ``min_length`` or does not begin with one of ``clitics``. A word
    may also just begin with that letter (بريد, فلوس): callers check the rest is a word
    they know, or weigh the match down."""
    if len(token) >= min_length and token[:1] in clitics:
        return token[1:]
    return token


def without_tanween(token):
    """Return the normalized ``token`` without a final alef, the seat of tanween fath
    (MSA "موظفًا" normalizes to موظفا → موظف), or ``token`` itself when it has none or is
    three letters or fewer (ما, لا, هذا keep theirs)."""
    if len(token) > 3 and token.endswith("ا"):
        return token[:-1]
    return token


# --- stemming ----------------------------------------------------------------------------

_PREFIXES = ("وال", "بال", "كال", "فال", "ال", "لل")  # longest first; one is removed
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")  # light10, after ة→ه, ية→يه
_PRONOUNS = ("كم", "هم", "نا", "ني", "ك")  # the pronoun gap named in ARABIC.md
# Levantine/Egyptian imperfect: بيشتغل, بتوصل, بنحول are يشتغل, توصل, نحول.
_DIALECT_VERB = re.compile(r"^ب(?=[يتن]..)")
_PROTECTED = set(DIALECT) | {w for v in DIALECT.values() for w in v.split()} | \
    QUESTION_WORDS | NEGATIONS

# A PyStemmer object must not be shared between threads (its documentation says so):
# each thread (gunicorn's threaded workers, the live-reload thread) gets its own.
_stemmers = threading.local()


# Words Snowball's English stemmer folds into another word's stem: an instalment is not
# an installation (both would be "instal").
_ENGLISH_STEMS = {**dict.fromkeys(["instalment", "instalments", "installment",
                                   "installments"], "instalment")}


def _english_stem(word):
    if word in _ENGLISH_STEMS:
        return _ENGLISH_STEMS[word]
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


def _arabic_stem(word):
    if word.startswith("و") and word[1:] in _PROTECTED:
        return word[1:]  # ولم, وكيف: the conjunction on a protected word
    # light10 (Lucene ArabicStemmer): one prefix, then each suffix in turn.
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
            break
    else:
        if word.startswith("و") and len(word) >= 4:
            word = word[1:]
    possessive = False
    for suffix in _PRONOUNS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            possessive = True
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
            possessive = possessive or suffix in ("ي", "ها", "ه")
    # بطاقتي → بطاقت: a possessive after taa marbuta leaves ت where ة was.
    if possessive and word.endswith("ت") and len(word) >= 5:
        word = word[:-1]
    return word


# Cached: a help center's texts use a few tens of thousands of distinct words, each
# many times (a 10,000-article build stems two million tokens).
@functools.lru_cache(maxsize=262144)
def stem(token):
    """Return the light stem of one normalized token (Arabic light10, or Snowball
    English); protected words and Arabic tokens of three letters or fewer unchanged."""
    if token in _PROTECTED or not token:
        return token
    if ARABIC_LETTER.match(token):
        return token if len(token) <= 3 else _arabic_stem(token)
    if token.isascii() and token.isalpha():
        return _english_stem(token)
    return token


@functools.lru_cache(maxsize=65536)
def stems(text):
    """Return the stem of every token of ``text``, glue words included (IDF weighs
    them down), plus the stem without the dialect imperfect ب (بتوصل → توصل)."""
    out = []
    for tok in tokens(text):
        if tok in DIALECT:
            continue  # its MSA equivalent follows it
        out.append(stem(tok))
        if tok not in _PROTECTED and _DIALECT_VERB.match(tok):
            out.append(stem(tok[1:]))
    return tuple(out)


def terms(text):
    """Return the search terms of ``text``: each non-glue token and, when it differs,
    its stem (so exact forms and inflected forms both match)."""
    out = []
    for tok in tokens(text):
        if tok in STOP_WORDS:
            continue
        out.append(tok)
        stemmed = stem(tok)
        if stemmed != tok:
            out.append(stemmed)
    return out


# --- language --------------------------------------------------------------------------

def detect_language(text, default="ar"):
    """Return "ar" or "en": whichever script has more letters in ``text``."""
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    if arabic == latin == 0:
        return default
    return "ar" if arabic >= latin else "en"


# --- keyboard layouts --------------------------------------------------------------------

# The standard Arabic (101) layout: what each key of an English keyboard types.
_AR_KEYS = {
    "q": "ض", "w": "ص", "e": "ث", "r": "ق", "t": "ف", "y": "غ", "u": "ع", "i": "ه",
    "o": "خ", "p": "ح", "[": "ج", "]": "د", "a": "ش", "s": "س", "d": "ي", "f": "ب",
    "g": "ل", "h": "ا", "j": "ت", "k": "ن", "l": "م", ";": "ك", "'": "ط", "z": "ئ",
    "x": "ء", "c": "ؤ", "v": "ر", "b": "لا", "n": "ى", "m": "ة", ",": "و", ".": "ز",
    "/": "ظ", "`": "ذ", "?": "؟", "H": "أ", "Y": "إ", "N": "آ", "G": "لأ", "T": "لإ", "B": "لآ",
}
_EN_KEYS = {v: k for k, v in _AR_KEYS.items() if len(v) == 1 and k.islower()}
_EN_KEYS.update({"ذ": "`", "ظ": "/", "ز": ".", "و": ",", "ك": ";", "ط": "'"})
_LATIN_KEY_CHARS = set(_AR_KEYS) | {" "}


def keyboard_variants(text):
    """Return what ``text`` would say if it was typed with the wrong keyboard layout
    active: Arabic typed on an English layout (hgf'hrm → البطاقة) or English typed on
    an Arabic layout (حشسسصخقي → password). Empty when neither can apply. These are
    extra candidate queries, never a replacement for the customer's words."""
    stripped = text.strip()
    if not stripped:
        return []
    if all(ch in _LATIN_KEY_CHARS or ch.isdigit() for ch in stripped):
        arabic = "".join(_AR_KEYS.get(ch, ch) for ch in stripped)
        if arabic != stripped:
            return [arabic]
    letters = [ch for ch in stripped if not ch.isspace() and not ch.isdigit()]
    if letters and all(ch in _EN_KEYS for ch in letters):
        return ["".join(_EN_KEYS.get(ch, ch) for ch in stripped)]
    return []


# --- Arabizi -------------------------------------------------------------------------------

# Arabic written in Latin letters and digits ("bdi a7ki m3 7ada"). Common function words
# are looked up whole (their spellings vary too much for letter rules); the rest is
# transliterated letter by letter, which character n-grams then match approximately.
_ARABIZI_WORDS = {
    **dict.fromkeys(["bdi", "badi", "biddi", "bddi"], "بدي"),
    **dict.fromkeys(["shu", "shou", "sho", "shoo"], "شو"),
    **dict.fromkeys(["wein", "wen", "wayn", "wain", "ween"], "وين"),
    **dict.fromkeys(["mish", "msh", "mesh", "mush", "mosh"], "مش"),
    **dict.fromkeys(["3ayez", "3ayz", "3awez", "3ayza", "3awz"], "عايز"),
    **dict.fromkeys(["abgha", "abga", "abgho", "abi", "abee"], "ابغى"),
    **dict.fromkeys(["kif", "keef", "kaif", "kef", "keif", "kaifa", "kayfa"], "كيف"),
    **dict.fromkeys(["lesh", "leish", "lish", "laish"], "ليش"),
    **dict.fromkeys(["leh", "leeh", "lih"], "ليه"),
    **dict.fromkeys(["emta", "imta", "amta", "emtah"], "امتى"),
    **dict.fromkeys(["fein", "fen", "fain", "feen"], "فين"),
    **dict.fromkeys(["izay", "ezay", "ezzay", "izzay"], "ازاي"),
    **dict.fromkeys(["ana", "2ana"], "انا"),
    **dict.fromkeys(["enta", "inta", "anta"], "انت"),
    **dict.fromkeys(["ya3ni", "y3ni", "ya3nee"], "يعني"),
    **dict.fromkeys(["mafi", "mafish", "mafeesh", "mfish"], "مافي"),
    **dict.fromkeys(["fi", "fe", "fee"], "في"),
    **dict.fromkeys(["3shan", "3ashan", "3ashn", "3alshan"], "عشان"),
    **dict.fromkeys(["ktir", "kteer", "kter", "ktiir"], "كتير"),
    **dict.fromkeys(["hal2", "halla2", "hala2", "hl2"], "هلق"),
    **dict.fromkeys(["al7in", "el7in", "l7in", "al7een", "el7een"], "الحين"),
    **dict.fromkeys(["bukra", "bokra", "bukhra"], "بكرا"),
    **dict.fromkeys(["lissa", "lessa", "lisa", "lsa"], "لسه"),
    **dict.fromkeys(["shukran", "shokran", "shokrn", "shkran"], "شكرا"),
    **dict.fromkeys(["ma3", "m3", "ma3a"], "مع"),
    **dict.fromkeys(["3la", "3ala", "3al"], "على"),
    **dict.fromkeys(["min", "mn", "men"], "من"),
    **dict.fromkeys(["7ada", "7ad", "7da"], "حدا"),
    # Everyday words whose letters the rules below cannot tell (t is ت or ط, s is س or ص):
    # order, my order, money, problem, account.
    **dict.fromkeys(["talab", "tlab", "6alab"], "طلب"),
    **dict.fromkeys(["talabi", "tlabi", "6alabi", "talbi"], "طلبي"),
    **dict.fromkeys(["talabiye", "talabiya", "talabieh"], "طلبية"),
    **dict.fromkeys(["flous", "flus", "fulus", "floos"], "فلوس"),
    **dict.fromkeys(["mushkila", "mushkile", "moshkela", "mshkle"], "مشكلة"),
    **dict.fromkeys(["7sab", "7esab", "hesab"], "حساب"),
    **dict.fromkeys(["7sabi", "7esabi", "hesabi"], "حسابي"),
    **dict.fromkeys(["wa7ad", "wa7ed", "wa7d"], "واحد"),
    # ... arrive (s is ص), way (t is ط, 2 is ق), right, okay:
    **dict.fromkeys(["wasal", "wisil", "wosel", "wesel"], "وصل"),
    **dict.fromkeys(["wasalni", "wislni", "weselni", "wasalli"], "وصلني"),
    **dict.fromkeys(["yosal", "yewsal", "yuwsal", "yowsal", "yoosal"], "يوصل"),
    **dict.fromkeys(["byosal", "biwsal", "byewsal", "byowsal", "byoosal"], "بيوصل"),
    **dict.fromkeys(["tari2a", "tari2et", "tari2at", "taree2a", "6ari2a"], "طريقة"),
    **dict.fromkeys(["sa7", "sah", "sa77"], "صح"),
    **dict.fromkeys(["tayeb", "tayb", "6ayeb", "6ayb", "tayyeb"], "طيب"),
    **dict.fromkeys(["ma", "maa"], "ما"),
    **dict.fromkeys(["la", "laa", "la2"], "لا"),
    **dict.fromkeys(["hada", "hatha", "hadha", "hayda", "hatha"], "هذا"),
    **dict.fromkeys(["eh", "eih", "2eh", "ayh"], "ايه"),
    **dict.fromkeys(["kam", "2ad", "2adesh", "adesh"], "كم"),
    "w": "و", "wa": "و", "ya": "يا",
}
_ARABIZI_PAIRS = {"sh": "ش", "ch": "ش", "kh": "خ", "gh": "غ", "th": "ث", "dh": "ذ",
                  "3'": "غ", "7'": "خ", "9'": "ض", "6'": "ظ", "aa": "ا", "ee": "ي", "ii": "ي",
                  "ei": "ي", "ai": "ي", "ay": "ي", "oo": "و", "ou": "و", "uu": "و", "ow": "و"}
_ARABIZI_LETTERS = {"2": "ء", "3": "ع", "5": "خ", "6": "ط", "7": "ح", "8": "ق", "9": "ص",
                    "b": "ب", "t": "ت", "j": "ج", "g": "ج", "d": "د", "r": "ر", "z": "ز",
                    "s": "س", "f": "ف", "q": "ق", "k": "ك", "l": "ل", "m": "م", "n": "ن",
                    "h": "ه", "w": "و", "y": "ي", "p": "ب", "v": "ف", "c": "ك", "x": "كس"}
_VOWELS = set("aeiou")
# A digit standing for a letter: between letters (a7ki, ra2em) or in a word of three or
# more letters (3ayez, 7ada) — not "2fa", "mp3", "4g".
_ARABIZI_DIGIT_IN_WORD = re.compile(r"[a-z][2-9][a-z]|^(?=(?:.*[a-z]){3})[a-z]*[2-9]")
_ARTICLES = ("el", "al", "il")
_LATIN_WORD = re.compile(r"^[a-z0-9']+$")


# A doubled consonant is one letter with a shadda in Arabic (sakker: سكر, app: اب).
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1")
# "i" or "u" before a word's last consonant is mostly a long vowel, written in Arabic
# (tarkib: تركيب, nsit: نسيت, mawjud: موجود); other short vowels inside a word are not.
# (A digit last is a guttural after a short vowel, as in verbs: bargi3 برجع, arji3 ارجع.)
_LONG_VOWEL_AT = re.compile(r"[iu](?=[b-df-hj-np-tv-z]$)")
# Words that join the next one: the article written apart ("el talab": الطلب), and, in
# Levantine and Egyptian, the preposition glued to it: "bl tarkib" (بالتركيب), "fl bet"
# (في البيت), "lil athath" (للاثاث).
_JOIN_NEXT = {**dict.fromkeys(_ARTICLES, "ال"), **dict.fromkeys(["bl", "bil", "bel"], "بال"),
              **dict.fromkeys(["fl", "fil", "fel"], "في ال"),
              **dict.fromkeys(["lil", "lel", "ll"], "لل")}


def _arabizi_word(word):
    if word in _ARABIZI_WORDS:
        return _ARABIZI_WORDS[word]
    prefix = ""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) > 3 and word[2] not in _VOWELS:
            prefix, word = "ال", word[2:]
            break
    word = _DOUBLED.sub(r"\1", word)
    if word[:1] == "2" and word[1:2] in _VOWELS:
        word = word[1:]  # a glottal stop before a vowel starts the word: alef (2alghi: الغي)
    long_vowel = _LONG_VOWEL_AT.search(word)
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2]
        if pair in _ARABIZI_PAIRS:
            out.append(_ARABIZI_PAIRS[pair])
            i += 2
            continue
        ch = word[i]
        if ch in _VOWELS:
            if i == 0:
                out.append("ا")  # a word that starts with a vowel starts with alef
            elif i == len(word) - 1:
                out.append({"a": "ا", "e": "ه", "i": "ي", "o": "و", "u": "و"}[ch])
            elif long_vowel and i == long_vowel.start():
                out.append("ي" if ch == "i" else "و")
            # a short vowel inside a word is not written in Arabic
        elif ch in _ARABIZI_LETTERS:
            out.append(_ARABIZI_LETTERS[ch])
        i += 1
    return prefix + "".join(out)


def arabizi(text, force=False):
    """Return ``text`` transliterated from Arabizi (Arabic in Latin letters and digits:
    "bdi a7ki m3 7ada" → "بدي احكي مع حدا"), or None when it does not look like Arabizi
    (Arabic letters, or no digit inside a word and fewer than two Arabizi words: "2FA",
    "3 days" and "iPhone 7" stay English). With ``force``, any text in Latin letters is
    transliterated: for a caller that knows from elsewhere (none of its words is one
    the English questions use) that it is not English."""
    words = text.casefold().split()
    if not words or ARABIC_LETTER.search(text):
        return None
    words = [w.strip(".,!?;:()\"") for w in words]
    if not all(_LATIN_WORD.match(w) for w in words if w):
        return None
    words = [w for w in words if w]
    known = sum(w in _ARABIZI_WORDS or w in _JOIN_NEXT for w in words)
    digits = sum(bool(_ARABIZI_DIGIT_IN_WORD.search(w)) for w in words)
    if not force and digits == 0 and known < 2 and not (known and len(words) <= 3):
        return None
    out, article = [], ""
    for word in words:
        if word in _JOIN_NEXT:  # "el talab", "bl tarkib"
            article = _JOIN_NEXT[word]
            continue
        transliterated = _arabizi_word(word)
        if article and transliterated.startswith("ال"):
            transliterated = transliterated[2:]  # "el el..." or "bl el...": one article
        out.append(article + transliterated)
        article = ""
    return " ".join(out)


# What an Arabizi writer's letters cannot tell apart, folded to one letter each: the
# emphatic and the plain consonant (s: س or ص, t: ت or ط, d: د or ض, z/th: ز ذ ظ ث),
# h (ه or ح), k, q and 2 (ك ق, and ق said as a hamza in the cities: nu2ta, نقطة), and a
# word's last ه or ت (kalima, kalimat: كلمة, كلمات).
# Long vowels and hamza go: Arabizi writes short and long "a" alike ("3nwan" for عنوان
# is read عنون), so only consonants can be compared.
_SKELETON_LETTERS = str.maketrans({"ص": "س", "ط": "ت", "ض": "د", "ظ": "ز", "ذ": "ز",
                                   "ث": "ت", "ح": "ه", "ق": "ك", "ء": "ك", "ا": None,
                                   "و": None, "ي": None})
SKELETON_MIN_LENGTH = 3


def arabizi_skeleton(word):
    """Return the consonants of a normalized Arabic ``word`` as an Arabizi writer's
    letters keep them ("العنوان" and "العنون", the reading of "el 3nwan", are both
    "لعنن"; "المناسب" and "المنسب" both "لمنسب"), or None when fewer than
    SKELETON_MIN_LENGTH consonants are left (too many words share so short a one). A
    leading article stays: it is written in both."""
    if word[-1:] in ("ه", "ت"):
        word = word[:-1] + "ه"
    skeleton = word.translate(_SKELETON_LETTERS)
    return skeleton if len(skeleton) >= SKELETON_MIN_LENGTH else None


def readings(text):
    """Return the other ways ``text`` may have been meant: typed with the wrong keyboard
    layout, or Arabic written in Latin letters (Arabizi). Extra candidate queries only;
    a caller keeps the customer's own words unless one of these reads clearly better."""
    found = keyboard_variants(text)
    transliterated = arabizi(text)
    if transliterated and transliterated not in found:
        found.append(transliterated)
    return found
