"""The quality test: the shipped bot answers the customer questions of
tests/shop_questions.csv right often enough, and wrong rarely enough.

The questions were written by the team for this test, the way customers type them — MSA,
Gulf, Egyptian, Levantine, Iraqi and Maghrebi Arabic, Arabizi, English, with spelling
slips, out-of-scope questions, small talk and requests for a person. None is copied from
the articles (their titles, bodies or `questions:` lists), from ../shared/data or from the
web: the set measures how the bot understands new wording, not whether it can echo its
own examples. Add a row when a customer's question is answered wrong; never copy a row
into an article's questions.

The CSV's columns:

    question  what the customer types
    expected  the id of the article that must answer it; "-" when no article covers it (the
              bot must hand it to a person, not answer); "smalltalk" for a greeting, thanks
              or goodbye; "person" for a request to talk to a human
    kind      how it is written: msa, gulf, egyptian, levantine, iraqi, maghrebi, arabizi,
              english, english-typo, arabic-typo, two-topics (it mentions two topics and
              expected is the one it asks about), out-of-scope, smalltalk, person

Scoring: a row is right when the bot does what ``expected`` asks (answers with that
article; escalates a "-" row; replies with small talk; escalates with "asked for a person"),
wrong when it answers with an article it should not have, and otherwise — a suggestion, or
an escalation of an answerable question — not answered.
"""
import collections
import csv
import pathlib

import pytest

from bot.decide import ASKED_FOR_PERSON

QUESTIONS = pathlib.Path(__file__).resolve().parent / "shop_questions.csv"

# Shares of all rows: at least this many answered right — the acceptance target. The
# served bot reaches 0.925 (2026-12-03, wrong 0.010): some 83 phrasings an article, so
# the SVM ranks and each language answers at the threshold its own questions reach
# precision 0.9 at (bot.decide.MANY_PHRASINGS_PRECISION); 0.897 / 0.003 at the fixed
# lexical thresholds, 0.857 with 48 phrasings an article the day before.
QUALITY_RIGHT = 0.90
# …and at most this many answered wrong (a wrong answer misleads; a handoff only delays).
# The acceptance target, met today (0.010).
QUALITY_WRONG = 0.03

KINDS = ("msa", "gulf", "egyptian", "levantine", "iraqi", "maghrebi", "arabizi", "english",
         "english-typo", "arabic-typo", "two-topics", "out-of-scope", "smalltalk", "person")
NOT_ARTICLES = ("-", "smalltalk", "person")

Row = collections.namedtuple("Row", "line question expected kind")


def read_rows(path=QUESTIONS):
    """Return the CSV's rows; raise ValueError naming the line of a malformed one."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["question", "expected", "kind"]:
            raise ValueError(f"{path}: the header must be question,expected,kind")
        rows = [Row(reader.line_num, r["question"].strip(), r["expected"].strip(),
                    r["kind"].strip()) for r in reader]
    for row in rows:
        if not row.question or not row.expected or row.kind not in KINDS:
            raise ValueError(f"{path}, line {row.line}: needs a question, an expected id "
                             f"and a kind among {', '.join(KINDS)}")
    return rows


ROWS = read_rows()


def verdict(row, reply):
    """Return "right", "wrong" or "not answered" for the bot's ``reply`` to ``row``."""
    if row.expected == "-":
        right = reply.action == "escalate"
    elif row.expected == "smalltalk":
        right = reply.action == "smalltalk"
    elif row.expected == "person":
        right = reply.action == "escalate" and reply.reason == ASKED_FOR_PERSON
    else:
        right = reply.action == "answer" and reply.article_id == row.expected
    if right:
        return "right"
    return "wrong" if reply.action == "answer" else "not answered"


@pytest.fixture(scope="module")
def graded(served_bot):
    """Every row with the served bot's reply and its verdict, each question asked once."""
    graded = []
    for row in ROWS:
        reply = served_bot.ask(row.question)
        graded.append((row, reply, verdict(row, reply)))
    return graded


def share(graded, outcome):
    return sum(v == outcome for _, _, v in graded) / len(graded)


def report(graded):
    """Return the figures overall and per kind, then every row not answered right,
    grouped by kind: what an engineer needs to see what to fix."""
    lines = [f"{len(graded)} questions: right {share(graded, 'right'):.1%} (at least "
             f"{QUALITY_RIGHT:.0%} needed), wrong {share(graded, 'wrong'):.1%} (at most "
             f"{QUALITY_WRONG:.0%} allowed), not answered {share(graded, 'not answered'):.1%}"]
    by_kind = collections.defaultdict(list)
    for item in graded:
        by_kind[item[0].kind].append(item)
    for kind in KINDS:
        items = by_kind.get(kind, [])
        if items:
            counts = collections.Counter(v for _, _, v in items)
            lines.append(f"  {kind:13} {len(items):3}: right {counts['right']:3}, wrong "
                         f"{counts['wrong']:3}, not answered {counts['not answered']:3}")
    for kind in KINDS:
        misses = [item for item in by_kind.get(kind, []) if item[2] != "right"]
        if misses:
            lines.append(f"\n[{kind}]")
        for row, reply, outcome in sorted(misses, key=lambda item: item[2] != "wrong"):
            got = reply.action
            if reply.article_id:
                got += f" {reply.article_id}"
            elif reply.suggestions:
                got += f" {'/'.join(reply.suggestions)}"
            else:
                got += f" ({reply.reason})"
            lines.append(f"  {outcome:12} line {row.line:3} {row.question!r}: expected "
                         f"{row.expected}, got {got}, confidence {reply.confidence:.2f}")
    return "\n".join(lines)


def test_the_shipped_bot_answers_customer_questions_right(graded):
    right, wrong = share(graded, "right"), share(graded, "wrong")
    if right < QUALITY_RIGHT or wrong > QUALITY_WRONG:
        pytest.fail(report(graded), pytrace=False)  # the report says it all: no traceback


@pytest.mark.parametrize("article_id", sorted({row.expected for row in ROWS
                                               if row.expected not in NOT_ARTICLES}))
def test_every_expected_article_is_shipped(shipped_bot, article_id):
    langs = set(shipped_bot.versions(article_id))
    assert langs == {"ar", "en"}, (
        f"{article_id} is expected by shop_questions.csv but not shipped in both languages")
