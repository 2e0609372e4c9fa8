"""The dev benchmark: quality on the ../shared/devbench suites and speed on ar-dev-full.

    python benchmarks/devbench.py [--out build/suites] [--suites ar-dev,en-dev-open]
                                  [--write docs/benchmarks.md]

Builds each suite with ../shared/devbench/make_suite.py (once; reused when present),
then measures the bot exactly as `dalil eval` does (same code: bot.evaluate) and, for
ar-dev-full, the index build time. Prints a Markdown table; --write also saves it.
"""
import argparse
import datetime
import gc
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from bot import Bot  # noqa: E402
from bot.evaluate import evaluate, read_questions  # noqa: E402
from kb.articles import load_articles  # noqa: E402
from kb.index import Index  # noqa: E402
from benchmarks.sections import write_section  # noqa: E402

MAKE_SUITE = os.path.join(os.path.dirname(HERE), "..", "shared", "devbench", "make_suite.py")
SUITES = ("ar-dev", "ar-dev-open", "ar-dev-3", "ar-dev-0", "en-dev-open", "en-dev-3", "ar-dev-full")


def build_suite(name, out):
    """Return the folder of suite ``name``, making it with make_suite.py if missing."""
    folder = os.path.join(out, name)
    if not os.path.exists(os.path.join(folder, "questions.csv")):
        subprocess.run([sys.executable, MAKE_SUITE, name, folder], check=True)
    return folder


def measure(name, folder):
    """Return a dict of figures for one suite."""
    started = time.perf_counter()
    articles = load_articles(os.path.join(folder, "articles"))
    index = Index(articles)
    build_seconds = time.perf_counter() - started
    bot = Bot(index)
    # As `dalil serve` does before it forks (web/server.py): what is built stays, so the
    # collector stops walking it — else its full passes land in the latency figures.
    gc.collect()
    gc.freeze()
    try:
        report = evaluate(bot, read_questions(os.path.join(folder, "questions.csv")))
    finally:
        gc.unfreeze()
    report["suite"] = name
    report["build_seconds"] = build_seconds
    report["example_questions"] = len(index.questions)
    return report


def table(reports):
    pct = "{:.1%}".format
    lines = [
        "| suite | texts indexed | top-1 | hit@3 | coverage @90% prec. | coverage @95% prec. "
        "| answered right | answered wrong | suggested | escalated (answerable) "
        "| unanswerable escalated | wrong answers / all | build | ask p50 | ask p99 |",
        "|" + "---|" * 15,
    ]
    for r in reports:
        a, u = r["answerable_outcomes"], r["unanswerable_outcomes"]
        targets = r["precision_targets"]
        lines.append(
            f"| {r['suite']} | {r['example_questions']} | {r['top1']:.3f} | {r['hit3']:.3f} "
            f"| {targets['0.90']['coverage']:.3f} | {targets['0.95']['coverage']:.3f} "
            f"| {pct(a['answered_right'])} | {pct(a['answered_wrong'])} | {pct(a['suggested'])} "
            f"| {pct(a['escalated'])} "
            f"| {pct(u['escalated']) if r['unanswerable'] else '—'} "
            f"| {pct(r['wrong_answers_of_all'])} | {r['build_seconds']:.1f} s "
            f"| {r['latency_ms']['p50']:.2f} ms | {r['latency_ms']['p99']:.2f} ms |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="build/suites", help="where the suites are built")
    parser.add_argument("--suites", default=",".join(SUITES))
    parser.add_argument("--write", help="also write the table into this Markdown file")
    args = parser.parse_args(argv)
    reports = []
    for name in args.suites.split(","):
        folder = build_suite(name, args.out)
        print(f"measuring {name} …", file=sys.stderr, flush=True)
        reports.append(measure(name, folder))
    result = table(reports)
    print(result)
    if args.write:
        stamp = datetime.date.today().isoformat()
        write_section(args.write, "quality", "Quality: the dev suites",
                      f"Measured {stamp} on {platform.machine()}, {os.cpu_count()} cores, "
                      f"Python {platform.python_version()}, with\n\n"
                      f"    make bench    # python benchmarks/devbench.py --out build/suites "
                      f"--write docs/benchmarks.md\n\n{result}\n")


if __name__ == "__main__":
    main()
