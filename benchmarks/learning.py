"""How the bot improves as agents teach it: replay a dev suite's questions in a fixed
random order; whenever the bot escalates an answerable question, a simulated agent
resolves it by linking the right article, which becomes a learned question at once
(Index.learn). Every --retrain questions the index is rebuilt in full, as a server does
in the background. Optionally (--confirmations) customers also confirm right answers
("yes, this answered my question"), which teaches the bot too.

    python benchmarks/learning.py --suite ar-dev [--window 500] [--retrain 500]

Each question is asked before anything is learned from it, so every figure is what a
customer would have seen at that moment. Prints one Markdown row per window.
"""
import argparse
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from benchmarks.devbench import build_suite  # noqa: E402
from bot import Bot  # noqa: E402
from bot.evaluate import read_questions  # noqa: E402
from kb.articles import load_articles  # noqa: E402
from kb.index import Index  # noqa: E402


def replay(articles, rows, window, retrain, confirmations, seed=0):
    """Yield one dict of figures per ``window`` questions."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    learned = {}
    index = Index(articles)
    bot = Bot(index)
    counts = dict(asked=0, right=0, answerable=0, escalated=0, answered_right=0)
    for number, (question, expected) in enumerate(rows, start=1):
        reply = bot.ask(question)
        counts["asked"] += 1
        counts["escalated"] += reply.action == "escalate"
        if expected:
            counts["answerable"] += 1
            counts["right"] += bool(reply.candidates) and reply.candidates[0][0] == expected
            counts["answered_right"] += reply.article_id == expected
        teach = expected and (reply.action == "escalate" or
                              (confirmations and reply.article_id == expected))
        if teach:
            learned.setdefault(expected, []).append(question)
            bot = Bot(bot.index.learn({expected: [question]}))
        if number % retrain == 0:
            bot = Bot(Index(articles, learned=learned))
        if number % window == 0 or number == len(rows):
            yield dict(questions=number,
                       learned=sum(len(v) for v in learned.values()),
                       top1=counts["right"] / max(1, counts["answerable"]),
                       answered_right=counts["answered_right"] / max(1, counts["answerable"]),
                       escalation=counts["escalated"] / counts["asked"])
            counts = dict.fromkeys(counts, 0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", default="ar-dev")
    parser.add_argument("--out", default="build/suites")
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument("--retrain", type=int, default=500)
    parser.add_argument("--confirmations", action="store_true",
                        help="customers' 'yes, this answered my question' teaches the bot too")
    parser.add_argument("--append", help="also append the table to this Markdown file")
    args = parser.parse_args(argv)
    folder = build_suite(args.suite, args.out)
    articles = load_articles(os.path.join(folder, "articles"))
    rows = read_questions(os.path.join(folder, "questions.csv"))
    lines = [f"**{args.suite}**, agents link every escalation"
             + (", customers confirm right answers" if args.confirmations else "")
             + f"; full rebuild every {args.retrain} questions:", "",
             "| questions asked | learned so far | top-1 (window) | answered right (window) "
             "| escalated (window) |", "|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for row in replay(articles, rows, args.window, args.retrain, args.confirmations):
        lines.append(f"| {row['questions']} | {row['learned']} | {row['top1']:.3f} "
                     f"| {row['answered_right']:.1%} | {row['escalation']:.1%} |")
        print(lines[-1], flush=True)
    if args.append:
        with open(args.append, "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
