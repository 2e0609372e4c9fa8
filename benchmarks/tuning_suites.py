"""Tuning suites: the dev suites' knowledge bases with questions drawn from a part of the
data the dev suites never ask, so weights and thresholds are chosen on one part of the
dev data and reported on another.

    python benchmarks/tuning_suites.py --out build/tuning

../shared/devbench/make_suite.py builds each dev suite's articles from the training
split (a few phrasings an intent) and asks the validation split (Arabic) or a held-back
fifth of the training split (English). A tuning suite keeps exactly those articles and
asks training phrasings that no article holds instead: for Arabic, never the validation
split; for English, never the held-back fifth. Figures for the README come from the dev
suites (benchmarks/devbench.py); these are only for choosing settings.

Writes OUT/<suite>-tune/articles/*.md and OUT/<suite>-tune/questions.csv for ar-dev,
ar-dev-open, ar-dev-3, ar-dev-0, en-dev-open and en-dev-3; and for ar-dev-full, whose
articles hold every training phrasing, the same articles less PER_INTENT phrasings an
intent, which are asked.

Two more have no dev suite of their own: a help center that has learned from lots of
traffic and is still asked about topics it has no article for, where the thresholds of
the classifier of many phrasings (kb.index.IndexSettings.many_phrasings_svm) are chosen.
ar-full-open-tune is ar-dev-full-tune with a quarter of the topics left out (chosen by
the open dev suites' method, make_suite.known_topics, over these slugs: not the same
topics as ar-dev-open's; their held phrasings asked, to go to a person);
en-full-open-tune the same in English, over every training phrasing en-dev-open does not
hold back.
"""
import argparse
import importlib.util
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_SUITE = os.path.join(HERE, "..", "..", "shared", "devbench", "make_suite.py")
# Tuning questions an intent: enough for stable figures, few enough to run in seconds.
PER_INTENT = 12


def _make_suite():
    spec = importlib.util.spec_from_file_location("make_suite", MAKE_SUITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _arabic_pool(ms):
    """(label slug, text) of every Arabic training phrasing."""
    intents = ms.read_csv(os.path.join(ms.DATA, "arbanking77", "intents.csv"))
    ar2en = {ar: en for en, ar in intents}
    return [(ms.slug(ar2en[label]), text)
            for label, text in ms.read_csv(os.path.join(ms.DATA, "arbanking77", "train.csv"))]


def _english_pool(ms):
    """(label slug, text) of the English training phrasings the dev suite does not hold back."""
    rows = [(label.replace("_", " "), text) for text, label in
            ms.read_csv(os.path.join(ms.DATA, "banking77", "train.csv"))]
    random.Random(3).shuffle(rows)  # the dev suite's own shuffle and cut (make_suite.english)
    rest = rows[len(rows) // 5:]
    return [(ms.slug(label), text) for label, text in rest]


def _full_minus_held(ms):
    """ar-dev-full's articles less PER_INTENT phrasings an intent, held for asking."""
    articles, _ = ms.SUITES["ar-dev-full"]()
    rnd = random.Random(31)
    for article in articles:
        texts = list(article["questions"])
        rnd.shuffle(texts)
        article["held"], article["questions"] = texts[:PER_INTENT], texts[PER_INTENT:]
    return articles


def _full_open(articles, ms):
    """``articles`` (each with its "held" phrasings) less a quarter of the topics, as the
    open dev suites choose them; return (articles kept, questions asked)."""
    known = ms.known_topics([a["id"] for a in articles])
    questions = [(text, a["id"] if a["id"] in known else "")
                 for a in articles for text in a.pop("held")]
    return [a for a in articles if a["id"] in known], questions


def _shuffled_by_label(pairs, seed):
    """{label: its distinct texts of (label, text) ``pairs``, shuffled}, labels taken in
    sorted order from one Random(``seed``)."""
    by_label = {}
    for label, text in pairs:
        by_label.setdefault(label, []).append(text)
    rnd = random.Random(seed)
    shuffled = {}
    for label in sorted(by_label):
        shuffled[label] = list(dict.fromkeys(by_label[label]))
        rnd.shuffle(shuffled[label])
    return shuffled


def _english_full_minus_held(ms):
    """One English article a topic holding every phrasing of _english_pool, less
    PER_INTENT phrasings a topic, held for asking."""
    articles = []
    for label, texts in _shuffled_by_label(_english_pool(ms), 37).items():
        title = label.replace("-", " ").capitalize()
        articles.append(dict(id=label, title=title, lang="en", questions=texts[PER_INTENT:],
                             held=texts[:PER_INTENT], body=f"This is the help page about: {title}."))
    return articles


def build(name, out, ms):
    """Write the tuning suite of dev suite ``name`` under ``out``; return its folder."""
    if name in ("ar-full-open", "en-full-open"):
        full = _full_minus_held(ms) if name == "ar-full-open" else _english_full_minus_held(ms)
        articles, questions = _full_open(full, ms)
    elif name == "ar-dev-full":
        # Every training phrasing is on an article there: hold some back to ask.
        articles = _full_minus_held(ms)
        questions = [(text, a["id"]) for a in articles for text in a.pop("held")]
    else:
        articles, _ = ms.SUITES[name]()
        pool = _arabic_pool(ms) if name.startswith("ar") else _english_pool(ms)
        held = {text for article in articles for text in article["questions"]}
        known = {article["id"] for article in articles}
        unheld = ((label, text) for label, text in pool if text not in held)
        questions = [(text, label if label in known else "")
                     for label, texts in _shuffled_by_label(unheld, 29).items()
                     for text in texts[:PER_INTENT]]
    folder = os.path.join(out, f"{name}-tune")
    ms.write(articles, questions, folder)
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/tuning")
    parser.add_argument("--suites", default="ar-dev,ar-dev-open,ar-dev-3,ar-dev-0,en-dev-open,"
                                              "en-dev-3,ar-dev-full,ar-full-open,en-full-open")
    args = parser.parse_args()
    ms = _make_suite()
    for name in args.suites.split(","):
        build(name, args.out, ms)


if __name__ == "__main__":
    main()
