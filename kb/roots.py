"""Arabic roots: the three (sometimes four) consonants that an Arabic word's family
shares, found by light general morphology, so that words the light stemmer keeps apart
meet: تحويل, حولت, التحويلات and يحول all give حول; مبلغ and its broken plural مبالغ give
بلغ; استرجاع and ارجع give رجع.

    root("التحويلات") -> "حول"
    candidates("تزوجت") -> ("تزج", "زوج")          # every reading, best first
    roots("ابغى استرجع المبالغ") -> ("رجع", "بلغ")   # the content words' roots

Rules, applied to a normalized word (kb.text.normalize: hamza, alef and taa marbuta
already folded): take off the article (with the conjunction or preposition clinging to
it), then a pronoun suffix and an inflection suffix; read each form left against the
derivation patterns of its length (mafʿūl م12و3, fāʿil 1ا23, istifʿāl است12ا3, tafʿīl
ت12ي3, iftiʿāl ا1ت2ا3, the broken plurals فواعل, مفاعل, مفاعيل, افعال …, the digits
standing for the root's letters). A word no rule reads is read again without a clinging
conjunction or preposition (لحسابي); one that begins with a particle before an imperfect
verb (بيشتغل, حيوصل) is read both ways. Like every root stemmer (ISRI, Tashaphyne), this
conflates some words that are not kin and misreads some weak roots (تسوق reads تسق first,
then سوق; ARABIC.md's المرور and فواتير read right): a word keeps its two best readings,
and the roots are an extra view beside the words and their light stems (kb.index), never
a replacement for them. General Arabic morphology only: no word of any help center's
topic.
"""
import functools

from .text import ARABIC_LETTER, CLITICS, DIALECT, NEGATIONS, QUESTION_WORDS, STOP_WORDS, tokens

__all__ = ["root", "candidates", "roots", "READINGS"]

# Readings of a word that ``roots`` keeps. On the tuning suites (benchmarks/
# tuning_suites.py; the root view's character n-grams beside the index's other views,
# root_temperature 1.0) two ranked best: top-1 with one reading, two, all — ar-dev-3
# 0.538, 0.538, 0.536; ar-dev-0 0.313, 0.323, 0.324; ar-dev 0.689, 0.693, 0.689;
# ar-dev-open 0.717, 0.721, 0.713, where coverage at 90% precision was 0.379, 0.404,
# 0.362.
READINGS = 2

# The article with a clinging conjunction or preposition, longest first; one is removed
# when at least three letters remain (للاخر → اخر, but الم stays).
_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
# Pronoun suffixes (my, your, his, her, our, their), longest first.
_PRONOUNS = ("كما", "هما", "كم", "كن", "هم", "هن", "نا", "ها", "ني", "ه", "ك", "ي")
# Inflection suffixes: sound plurals and duals, verb person endings, taa marbuta (ه
# after normalization; before a pronoun it is written ت: بطاقتي).
_INFLECTIONS = ("تين", "تان", "ات", "ون", "ين", "ان", "وا", "تم", "تن", "ه", "ت", "ا", "ي")
# Particles before an imperfect verb: the Levantine/Egyptian progressive ب (بيشتغل), the
# Egyptian future ح/ه (حيوصل, هيوصل) and the MSA future س (سيتم).
_VERB_PARTICLES = ("ب", "ح", "ه", "س")
_IMPERFECT = "يتنا"

# Derivation patterns by length: 1, 2, 3 are the root's letters, the rest must match
# exactly. Within a length, the first pattern that matches wins: those that fix more
# letters come first; of four letters, the imperfect ي and ن (يحول, نحول), then the vowel
# infixes, then the other one-letter prefixes (كتاب is فعال, not افعل).
_PATTERNS = {
    4: ("ي123", "ن123", "12ا3", "12و3", "12ي3", "1ا23", "م123", "ت123", "ا123"),
    5: ("مت123", "م12و3", "م12ي3", "م12ا3", "م1ا23", "ت12ي3", "ت1ا23", "ا12ا3",
        "ت12ا3", "ا1ت23", "م1ت23", "ي1ت23", "ت1ت23", "ن1ت23", "يت123", "تت123", "نت123",
        "ات123", "ان123", "ين123", "تن123", "من123", "1وا23", "1ا2و3", "1ا2ي3", "12اي3",
        "12او3", "است23"),
    6: ("است123", "مست123", "يست123", "تست123", "نست123", "ا1ت2ا3", "ان12ا3", "م1ا2ي3",
        "1وا2ي3", "ت1ا2ي3", "مت1ا23", "يت1ا23", "تت1ا23", "نت1ا23", "م1ت2ا3", "من1ا23"),
    7: ("است12ا3", "مست12ي3", "مست1ا23"),
}
# "است23": a five-letter istafʿal whose root doubles its last letter or lost a weak one
# (استرد, استفاد): two letters are all that is left of it.

_SKIP = QUESTION_WORDS | NEGATIONS | STOP_WORDS | set(DIALECT) | {
    w for v in DIALECT.values() for w in v.split()}


def _matches(word):
    """Return the root letters of ``word`` by each pattern of its length that fits,
    best first."""
    found = []
    for pattern in _PATTERNS.get(len(word), ()):
        letters = []
        for ch, slot in zip(word, pattern):
            if slot in "123":
                letters.append(ch)
            elif ch != slot:
                break
        else:
            found.append("".join(letters))
    return found


def _strip_suffixes(word):
    """Return the forms of ``word`` with none, one and two suffixes taken off (a pronoun,
    then an inflection), most stripped last; each keeps three letters or more."""
    forms = [word]
    for suffix in _PRONOUNS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            forms.append(word)
            break
    pronoun = len(forms) > 1
    for suffix in _INFLECTIONS:
        # After a one-letter pronoun (ه is also taa marbuta: تعبيه) only a longer ending
        # or the taa that taa marbuta becomes before a pronoun (بطاقتي) can follow.
        if pronoun and len(forms[0]) - len(word) == 1 and len(suffix) == 1 and suffix != "ت":
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)])
            break
    return forms


def _readings(word):
    """Return the roots ``word`` may have (best first): from its most stripped form that
    a pattern reads or that is three letters, then the others; empty when none is."""
    found = []
    for form in reversed(_strip_suffixes(word)):
        if len(form) == 3:
            found.append(form)
        found.extend(_matches(form))
    return list(dict.fromkeys(found))


def _without_article(word):
    """Return ``word`` without its article, when three letters or more remain."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 3:
            return word[len(article):]
    return word


@functools.lru_cache(maxsize=262144)
def candidates(word):
    """Return every root that one normalized Arabic word may have, best first. A word
    that has no reading of its own but begins with a particle before an imperfect verb
    (بيشتغل, حيوصل) or with a clinging conjunction or preposition (لحسابي, وبطاقتي) is
    read without it. The word itself when it is three letters or fewer, or without
    its article and suffixes when no rule reads it."""
    if len(word) <= 3 or not ARABIC_LETTER.match(word):
        return (word,)
    word = _without_article(word)
    found = _readings(word)
    if len(word) >= 5 and word[0] in _VERB_PARTICLES and word[1] in _IMPERFECT:
        found = list(dict.fromkeys(found + _readings(word[1:])))
    if not found and word[0] in CLITICS and len(word) >= 5:
        found = _readings(word[1:])
    return tuple(found) or (_strip_suffixes(word)[-1],)


def root(word):
    """Return the root of one normalized Arabic word (usually three letters), or the
    word itself when it is three letters or fewer or no rule reads it."""
    return candidates(word)[0]


@functools.lru_cache(maxsize=65536)
def roots(text):
    """Return the roots of ``text``'s Arabic content words in order, up to READINGS a
    word: question words, negations, glue and dialect function words are left out (the
    other views keep them), as are Latin-script words."""
    words = [tok for tok in tokens(text)
             if tok not in _SKIP and len(tok) >= 3 and ARABIC_LETTER.match(tok)]
    return tuple(r for tok in words for r in candidates(tok)[:READINGS])
