"""What an index score means for one help center: the thresholds that reach a wanted
precision ("of the questions answered, 90% answered right"), derived from the help
center's own questions by cross-validation, so a help center with no labelled file of
customer questions still gets thresholds that fit its articles.

    records = cross_validate(articles)               # [(lang, score, right?)]
    thresholds = thresholds_for(records, 0.9)        # {lang: Threshold}
    thresholds["ar"].answer_at, thresholds["ar"].precision

Each of ``folds`` rounds builds an index without a share of every article's questions
and without a few whole articles, then asks what it left out: a held-out question of a
remaining article should find it (right or wrong), a question of a left-out article
stands for a question no article covers (any answer is wrong). The scores those
questions get, per language, say how high a score must be for answers to be right often
enough. The writers' questions are tidier than customers' (benchmarks/devbench.py
compares the precision reached on the dev suites' customer questions): the figure is a
floor to start from, and `dalil eval` over real questions tells the truth.
"""
import dataclasses
import random

from .index import Index
from .text import readings

__all__ = ["Threshold", "cross_validate", "thresholds_for", "FOLDS", "OUT_OF_SCOPE_SHARE"]

FOLDS = 4
# The share of the asked questions that stand for questions no article covers: on the
# dev suite with such questions (ar-dev-open) they are 24%.
OUT_OF_SCOPE_SHARE = 0.25
# A threshold stands on at least this many answered questions of the language: fewer
# say too little about a precision.
MIN_ANSWERED = 20
# A language whose answers never reach the precision is answered at no score (only
# suggestions): a score is at most 1.
NEVER = 1.01


@dataclasses.dataclass(frozen=True)
class Threshold:
    lang: str
    answer_at: float  # answer when the top score reaches this (NEVER: suggest only)
    precision: float  # the cross-validated precision of the answers at answer_at
    answered: float  # the share of the cross-validation's questions answered at it
    questions: int  # how many questions of the language the cross-validation asked


def top_score(scores):
    return scores[0] if scores else 0.0


def cross_validate(articles, *, folds=FOLDS, out_of_scope_share=OUT_OF_SCOPE_SHARE,
                   settings=None, seed=0, measure=top_score, encoder=None):
    """Return [(lang, score, answered right)] for every question the ``folds`` rounds
    held out (see the module's docstring), the score ``measure`` of the hits' scores
    (best first) — what the caller decides on; [] for fewer than three articles. With
    ``encoder`` (kb.semantic) the rounds' indexes match by meaning too, exactly as the
    bot's does: the thresholds are for the scores it will act on."""
    published = [a for a in articles if a.published]
    ids = sorted({a.id for a in published})
    if len(ids) < 3:
        return []
    rng = random.Random(seed)
    order = ids[:]
    rng.shuffle(order)
    # Which round leaves out each writer question (by its place in its article).
    rounds = {}
    for article in published:
        places = list(range(len(article.questions)))
        rng.shuffle(places)
        rounds[(article.id, article.lang)] = {p: n % folds for n, p in enumerate(places)}
    records = []
    for fold in range(folds):
        # Whole articles left out this round: a few, each once over the rounds.
        left_out = set(order[fold::folds][: max(1, len(ids) // (4 * folds))])
        kept, asked, outside = [], [], []
        for article in published:
            if article.id in left_out:
                outside.extend((article.lang, q) for q in (article.title, *article.questions))
                continue
            chosen = rounds[(article.id, article.lang)]
            held = [q for p, q in enumerate(article.questions)
                    if chosen[p] == fold and len(article.questions) > 1]
            if held:
                article = dataclasses.replace(
                    article, questions=tuple(q for q in article.questions if q not in held))
            kept.append(article)
            asked.extend((article.lang, q, article.id) for q in held)
        wanted = round(len(asked) * out_of_scope_share / (1 - out_of_scope_share))
        rng.shuffle(outside)
        asked.extend((lang, q, None) for lang, q in outside[:wanted])
        index = Index(kept, settings=settings, encoder=encoder)
        for lang, question, expected in asked:
            _, hits = index.lookup(question, limit=5, other_readings=readings(question),
                                   semantic=True)
            score = measure([hit.score for hit in hits])
            right = bool(hits) and expected is not None and hits[0].article_id == expected
            records.append((lang, score, right))
    return records


def thresholds_for(records, precision):
    """Return {lang: Threshold}: per language, the lowest top score at which the answers
    of ``records`` (from cross_validate) reach ``precision`` — answering as many as
    that precision allows."""
    out = {}
    for lang in sorted({lang for lang, _, _ in records}):
        scored = sorted(((s, r) for l, s, r in records if l == lang), key=lambda x: -x[0])
        best, right = None, 0
        for count, (score, is_right) in enumerate(scored, start=1):
            right += is_right
            next_score = scored[count][0] if count < len(scored) else None
            if next_score == score:
                continue  # a threshold takes every question of its score
            if count >= MIN_ANSWERED and right / count >= precision:
                best = (score, right / count, count)
        if best is None:
            out[lang] = Threshold(lang, NEVER, 0.0, 0.0, len(scored))
        else:
            score, reached, count = best
            out[lang] = Threshold(lang, round(score, 4), round(reached, 4),
                                  round(count / len(scored), 4), len(scored))
    return out
