"""Measure the bot on labelled questions: accuracy, coverage at a target precision,
outcomes with the current thresholds, and latency.

    rows = read_questions("questions.csv")      # [(question, expected article id or "")]
    report = evaluate(bot, rows)                # a dict, ready for JSON
"""
import csv
import statistics
import time

from .decide import confidence

__all__ = ["read_questions", "evaluate", "coverage_at", "QuestionsFileError"]


class QuestionsFileError(ValueError):
    """A labelled-questions file that cannot be read; the message names file and line."""


def read_questions(path):
    """Return [(question, expected), ...] from a CSV with the header
    ``question,expected`` (expected empty: the question should go to a person)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip().lower() for h in next(reader, [])]
            if header[:2] != ["question", "expected"]:
                raise QuestionsFileError(f"{path}:1: the header must be 'question,expected'")
            rows = []
            for row in reader:
                if not row or not "".join(row).strip():
                    continue
                if len(row) < 2 or not row[0].strip():
                    raise QuestionsFileError(
                        f"{path}:{reader.line_num}: expected 'question,expected'")
                rows.append((row[0], row[1].strip()))
    except UnicodeDecodeError:
        raise QuestionsFileError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise QuestionsFileError(f"{path}: {error.strerror}") from None
    except csv.Error as error:
        raise QuestionsFileError(f"{path}: not a valid CSV file ({error})") from None
    if not rows:
        raise QuestionsFileError(f"{path}: no questions")
    return rows


def coverage_at(results, precision):
    """Return (coverage, threshold) for a target answer ``precision``: answering every
    question whose confidence is at least ``threshold`` keeps at least that share of
    answers right, and ``coverage`` is the share of answerable questions answered right.
    ``results`` are (confidence, top article is right, answerable) triples. (0, None)
    when no threshold reaches the precision."""
    ordered = sorted(results, key=lambda r: -r[0])
    answerable = sum(1 for r in ordered if r[2]) or 1
    best = (0.0, None)
    right = 0
    for count, (sure, correct, _) in enumerate(ordered, start=1):
        right += correct
        # Only cut between different confidences: a threshold cannot split a tie.
        if count < len(ordered) and ordered[count][0] == sure:
            continue
        if right / count >= precision and right / answerable > best[0]:
            best = (right / answerable, sure)
    return best


_OUTCOME = {"answer": "answered", "suggest": "suggested", "escalate": "escalated",
            "smalltalk": "smalltalk"}


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def evaluate(bot, rows, progress=iter):
    """Return a report dict for the bot on ``rows`` of (question, expected). The
    questions are asked in order; ``progress`` wraps the iteration (a progress bar)."""
    outcomes = {key: 0 for key in ("answered_right", "answered_wrong", "suggested",
                                   "suggested_with_right", "escalated", "smalltalk")}
    unanswerable = {"escalated": 0, "answered": 0, "suggested": 0, "smalltalk": 0}
    results, latencies = [], []
    answered = {}  # lang -> [answers, right ones]
    top1 = hit3 = answerable = 0
    for question, expected in progress(rows):
        started = time.perf_counter()
        reply = bot.ask(question)
        latencies.append(time.perf_counter() - started)
        ids = [aid for aid, _ in reply.candidates]
        correct = bool(ids) and ids[0] == expected
        results.append((confidence([s for _, s in reply.candidates]), correct, bool(expected)))
        if reply.action == "answer":
            counts = answered.setdefault(reply.lang, [0, 0])
            counts[0] += 1
            counts[1] += bool(expected) and reply.article_id == expected
        if expected:
            answerable += 1
            top1 += correct
            hit3 += expected in ids[:3]
            if reply.action == "answer":
                outcomes["answered_right" if reply.article_id == expected else "answered_wrong"] += 1
            elif reply.action == "suggest":
                outcomes["suggested"] += 1
                outcomes["suggested_with_right"] += expected in reply.suggestions
            else:
                outcomes["escalated" if reply.action == "escalate" else "smalltalk"] += 1
        else:
            unanswerable[_OUTCOME[reply.action]] += 1
    total = len(rows)
    unanswerable_total = total - answerable
    report = {
        # Which ranking was measured: "lexical", or the encoder that matched by meaning.
        "matching": bot.index.semantic or "lexical",
        "questions": total,
        "answerable": answerable,
        "unanswerable": unanswerable_total,
        "top1": top1 / answerable if answerable else None,
        "hit3": hit3 / answerable if answerable else None,
        "thresholds": {"answer_at": bot.thresholds.answer_at,
                       "suggest_at": bot.thresholds.suggest_at,
                       # Languages with their own (SEMANTIC_THRESHOLDS, a calibration).
                       "by_lang": {lang: {"answer_at": bot.thresholds_for(lang).answer_at,
                                          "suggest_at": bot.thresholds_for(lang).suggest_at}
                                   for lang in sorted({*bot.lang_thresholds,
                                                       *bot.calibration})}},
        "precision_targets": {},
        "answerable_outcomes": {k: (v / answerable if answerable else 0) for k, v in outcomes.items()},
        "unanswerable_outcomes": {k: (v / unanswerable_total if unanswerable_total else 0)
                                  for k, v in unanswerable.items()},
        "wrong_answers_of_all": (outcomes["answered_wrong"] + unanswerable["answered"]) / total,
        "latency_ms": {"p50": _percentile(latencies, 0.50) * 1000,
                       "p99": _percentile(latencies, 0.99) * 1000,
                       "mean": statistics.fmean(latencies) * 1000},
    }
    # Of the questions answered, the share answered right — per reply language, beside
    # the precision the thresholds were derived for (Bot.calibration), if they were.
    report["answer_precision"] = {
        lang: {"answered": count, "achieved": right / count,
               "target": bot.answer_precision if lang in bot.calibration else None,
               # The target is the default for many phrasings, not a setting.
               "default_target": lang in bot.calibration and bot.precision_is_default,
               "answer_at": bot.thresholds_for(lang).answer_at,
               "cross_validated": (bot.calibration[lang].precision
                                   if lang in bot.calibration else None)}
        for lang, (count, right) in sorted(answered.items())}
    for target in (0.90, 0.95):
        coverage, threshold = coverage_at(results, target)
        report["precision_targets"][f"{target:.2f}"] = {"coverage": coverage,
                                                       "answer_at": threshold}
    return report
