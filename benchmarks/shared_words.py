"""What the rule "an answer shares a word with its article" (kb.index.Index.sharing_a_word)
holds back: each suite's bot, with its default thresholds, asked its questions; every
reply whose best article shares no word that says what the question is about is
counted, by whether that article was the right one, a wrong one, or the question has
no article at all.

    python benchmarks/shared_words.py [--out build/suites]
        [--suites ar-dev-open,en-dev-open,ar-dev-3,ar-dev-0] [--vectors build/vectors]
        [--semantic on|off]

The suites come from ../shared/devbench/make_suite.py (benchmarks/devbench.py builds
them). Prints one Markdown row per suite: questions, answered, and of the replies whose
best article shares no word (whatever the reply: most of them score too low to be
answered anyway): the right article, a wrong one, a question no article covers.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from bot import Bot  # noqa: E402
from bot.evaluate import read_questions  # noqa: E402
from kb.index import Hit  # noqa: E402
from kb.semantic import default_encoder  # noqa: E402

SUITES = "ar-dev-open,en-dev-open,ar-dev-3,ar-dev-0"


def measure(folder, encoder):
    """Return (questions, answered, and of the replies whose best article shares no word
    with the question: those where it is the right article, a wrong one, and questions
    no article covers)."""
    bot = Bot.from_articles(os.path.join(folder, "articles"), encoder=encoder)
    rows = read_questions(os.path.join(folder, "questions.csv"))
    answered = right = wrong = stray = 0
    for question, expected in rows:
        reply = bot.ask(question)
        answered += reply.action == "answer"
        if not reply.candidates:
            continue
        reading = bot.index.lookup(question, limit=1)[0]
        best = reply.candidates[0][0]
        if bot.index.sharing_a_word(reading, [Hit(best, 0.0, "")]):
            continue
        if not expected:
            stray += 1
        elif best == expected:
            right += 1
        else:
            wrong += 1
    return len(rows), answered, right, wrong, stray


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/suites")
    parser.add_argument("--suites", default=SUITES)
    parser.add_argument("--vectors", default="build/vectors")
    parser.add_argument("--semantic", choices=("on", "off"), default="on")
    args = parser.parse_args(argv)
    encoder = default_encoder(args.vectors) if args.semantic == "on" else None
    print("| suite | matching | questions | answered | no word in common: right article "
          "| wrong article | no article |")
    print("|---|---|---|---|---|---|---|")
    for suite in args.suites.split(","):
        total, answered, right, wrong, stray = measure(os.path.join(args.out, suite), encoder)
        matching = "semantic" if encoder is not None else "lexical"
        print(f"| {suite} | {matching} | {total} | {answered} | {right} | {wrong} | {stray} |",
              flush=True)


if __name__ == "__main__":
    main()
