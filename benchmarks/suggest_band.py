"""Where a calibrated bot should start offering suggestions: each tuning suite's bot with
thresholds derived at a precision (kb/calibration.py), asked its questions with the
suggestion threshold put at each place around the derived answer threshold.

    python benchmarks/suggest_band.py [--tuning build/tuning] [--precision 0.9]
        [--suites ar-full-open-tune,en-full-open-tune,ar-dev-open-tune,en-dev-open-tune]
        [--vectors build/vectors]

The suites come from benchmarks/tuning_suites.py. Prints one Markdown row per suite:
the derived answer_at, then the share of the questions no article covers that go to a
person for each suggest_at (the answers, right and wrong, do not depend on it).
bot.decide.CALIBRATED_SUGGEST_ABOVE was chosen from this table.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from bot import Bot  # noqa: E402
from bot.decide import Thresholds  # noqa: E402
from bot.evaluate import evaluate, read_questions  # noqa: E402
from kb.semantic import default_encoder  # noqa: E402

# Where suggestions start: the lexical default under the threshold, then above it.
BANDS = (("under it (0.30)", None), ("at answer_at", 0.0), ("+0.03", 0.03),
         ("+0.06", 0.06), ("+0.10", 0.10), ("none", 1.01))
SUITES = "ar-full-open-tune,en-full-open-tune,ar-dev-open-tune,en-dev-open-tune"


def measure(folder, precision, encoder):
    """Return (derived {lang: answer_at}, [(band, share escalated of the unanswerable,
    answered right of the answerable, wrong answers of all)])."""
    calibrated = Bot.from_articles(os.path.join(folder, "articles"),
                                   answer_precision=precision, encoder=encoder)
    rows = read_questions(os.path.join(folder, "questions.csv"))
    derived = {lang: t.answer_at for lang, t in calibrated.calibration.items()}
    results = []
    for name, above in BANDS:
        # Each language at its derived answer_at, suggestions from this band on.
        lang_thresholds = {lang: Thresholds(
            answer_at=at, suggest_at=0.30 if above is None else min(1.01, at + above))
            for lang, at in derived.items()}
        bot = Bot(calibrated.index, lang_thresholds=lang_thresholds)
        report = evaluate(bot, rows)
        results.append((name, report["unanswerable_outcomes"].get("escalated", 0.0),
                        report["answerable_outcomes"]["answered_right"],
                        report["wrong_answers_of_all"]))
    return derived, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning", default="build/tuning")
    parser.add_argument("--precision", type=float, default=0.9)
    parser.add_argument("--suites", default=SUITES)
    parser.add_argument("--vectors", default="build/vectors",
                        help="the semantic vectors' cache (as benchmarks/devbench.py's)")
    args = parser.parse_args(argv)
    encoder = default_encoder(args.vectors)
    print("| suite | derived answer_at | " + " | ".join(name for name, _ in BANDS)
          + " | answered right / wrong of all |")
    print("|---" * (len(BANDS) + 3) + "|")
    for suite in args.suites.split(","):
        derived, results = measure(os.path.join(args.tuning, suite), args.precision, encoder)
        cells = " | ".join(f"{escalated:.1%}" for _, escalated, _, _ in results)
        _, _, right, wrong = results[0]
        at = ", ".join(f"{lang} {value:.3f}" for lang, value in sorted(derived.items()))
        print(f"| {suite} | {at} | {cells} | {right:.1%} / {wrong:.1%} |", flush=True)


if __name__ == "__main__":
    main()
