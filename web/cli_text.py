"""What the `dalil` command prints for people: a reply of the bot, the evaluation report,
the learned questions and the insights of a period, as terminal text (English)."""
from bot.desk import insights

from .i18n import duration

__all__ = ["reply_dict", "reply_text", "eval_text", "learned_text", "report_text"]


def reply_dict(reply):
    """Return the bot's Reply as `dalil ask --json` prints it."""
    return {"action": reply.action, "article_id": reply.article_id, "title": reply.title,
            "text": reply.text, "lang": reply.lang, "reason": reply.reason,
            "confidence": reply.confidence, "suggestions": list(reply.suggestions),
            "candidates": [{"article_id": a, "score": s} for a, s in reply.candidates]}


def reply_text(reply):
    """Return the bot's Reply as lines: action and reason, the article, the text, the
    candidates with their scores."""
    out = [f"{reply.action} ({reply.reason}; confidence {reply.confidence:.2f})"]
    if reply.article_id:
        out.append(f"article: {reply.article_id}")
    out += [reply.text, "candidates:"]
    out += [f"  {score:.3f}  {article_id}" for article_id, score in reply.candidates]
    return "\n".join(out)


def _pct(share):
    return "—" if share is None else f"{share:.1%}"


def _answer_at(value):
    """``answer_at`` as eval prints it: a threshold no score reaches (kb.calibration.NEVER,
    a language whose answers never reach the precision) as what it means."""
    return "never (suggestions only)" if value is not None and value > 1 else value


def eval_text(r):
    """Return the report of bot.evaluate.evaluate as lines."""
    out = [f"matching: {r.get('matching', 'lexical')}",
           f"questions: {r['questions']} ({r['answerable']} answerable, "
           f"{r['unanswerable']} should go to a person)"]
    if r["answerable"]:
        out.append(f"top-1 accuracy: {r['top1']:.3f}    hit@3: {r['hit3']:.3f}")
    for target, value in r["precision_targets"].items():
        threshold = ("unreachable" if value["answer_at"] is None
                     else f"answer_at={value['answer_at']:.3f}")
        out.append(f"coverage at {float(target):.0%} precision: {value['coverage']:.3f} "
                   f"({threshold})")
    t = r["thresholds"]
    by_lang = t.get("by_lang")
    if by_lang:
        out.append("with " + "; ".join(f"{lang}: answer_at={_answer_at(v['answer_at'])}, "
                                       f"suggest_at={v['suggest_at']}"
                                       for lang, v in by_lang.items())
                   + (f"; others: answer_at={t['answer_at']}, suggest_at={t['suggest_at']}"
                      if set(by_lang) != {"ar", "en"} else "") + ":")
    else:
        out.append(f"with answer_at={t['answer_at']}, suggest_at={t['suggest_at']}:")
    a = r["answerable_outcomes"]
    if r["answerable"]:
        out.append(f"  answerable: answered right {_pct(a['answered_right'])}, answered wrong "
                   f"{_pct(a['answered_wrong'])}, suggested {_pct(a['suggested'])} (right one "
                   f"among them {_pct(a['suggested_with_right'])}), escalated "
                   f"{_pct(a['escalated'])}")
    u = r["unanswerable_outcomes"]
    if r["unanswerable"]:
        out.append(f"  unanswerable: escalated {_pct(u['escalated'])}, suggested "
                   f"{_pct(u['suggested'])}, answered {_pct(u['answered'])}")
    out.append(f"  wrong answers: {_pct(r['wrong_answers_of_all'])} of all questions")
    for lang, p in r.get("answer_precision", {}).items():
        line = (f"  answers in {lang}: {p['answered']}, precision {p['achieved']:.3f} "
                f"(answer_at={_answer_at(p['answer_at'])}")
        if p["target"] is not None:
            line += (f", derived for precision {p['target']:.2f}"
                     + (" — the default for articles with many phrasings; ANSWER_PRECISION "
                        "sets another" if p.get("default_target") else "")
                     + f": {p['cross_validated']:.3f} on the articles' own questions")
        out.append(line + ")")
    lat = r["latency_ms"]
    out.append(f"ask latency: p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms")
    return "\n".join(out)


def learned_text(rows):
    """Return the learned questions (store rows) grouped by article, disputed ones
    flagged with how often customers said "no"."""
    by_article = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    out = []
    for article_id in sorted(by_article):
        out.append(f"{article_id}:")
        for row in by_article[article_id]:
            flag = f"  [no x{row['disputed']}]" if row["disputed"] else ""
            out.append(f"  - {row['question']}  ({row['lang']}, {row['source']}){flag}")
    return "\n".join(out)


def _duration(seconds):
    return duration(seconds, "en")


def report_text(report):
    """Return the insights ``report`` (bot.desk.insights.build_report) as the lines a
    person reads in a terminal."""
    period, volume, bot = report["period"], report["volume"], report["bot"]
    help_center, people = report["help_center"], report["people"]
    channels = insights.CHANNELS
    langs = ", ".join(f"{lang} {n}" for lang, n in volume["by_lang"].items()) or "none"
    out = [f"Insights from {period['since']} to {period['until']} (UTC, end excluded)", "",
           f"Volume: {volume['total']} questions — "
           + ", ".join(f"{c} {volume['by_channel'][c]}" for c in channels) + f"; {langs}"]
    out += [f"  {row['day']}  " + "  ".join(f"{c} {row[c]:>3}" for c in channels)
            for row in volume["per_day"] if row["total"]]
    out += ["", "The bot",
            f"  deflection: {_pct(bot['deflection'])} ({bot['deflected']} of "
            f"{bot['conversations']} conversations with a question had no handoff)"]
    for channel in ("all", "chat", "api"):
        r = bot["replies"][channel]
        out.append(f"  replies ({channel}): {r['replies']} — answer {_pct(r['answer_rate'])}, "
                   f"suggest {_pct(r['suggest_rate'])}, escalate {_pct(r['escalation_rate'])}")
    answered = bot["answered"]
    out.append(f"  did this answer: yes {answered['yes']}, no {answered['no']} "
               f"(of {answered['answers']} answers)")
    out += [f"    {a['article_id']}: {a['answers']} answers, yes {a['yes']}, no {a['no']}"
            for a in answered["articles"]]
    out += ["", f"Content gaps: {len(report['gaps'])}"]
    for gap in report["gaps"]:
        closest = (f"closest {gap['closest_article']} ({gap['closest_score']:.2f})"
                   if gap["closest_article"] else "no close article")
        out.append(f"  {gap['number']}. {gap['size']} questions ({', '.join(gap['langs'])}) — "
                   f"escalated {gap['escalated']}, no result {gap['no_result']}, answered "
                   f"then no {gap['answered_no']}; {closest}")
        out += [f"     - {example}" for example in gap["examples"]]
    out += ["", "Help center",
            f"  searches: {help_center['searches']}, with no result: {help_center['no_result']}"]
    out += [f"  top: {row['query']} ×{row['searches']}" for row in help_center["top_searches"]]
    out += [f"  no result: {row['query']} ×{row['searches']}"
            for row in help_center["no_result_searches"]]
    out += [f"  read: {row['article_id']} ×{row['views']}" for row in help_center["most_viewed"]]
    out += [f"  votes: {row['article_id']}: helpful {row['helpful']}, not helpful "
            f"{row['not_helpful']}, comments {row['comments']}" for row in help_center["feedback"]]
    first, resolution, backlog, csat = (people["first_response"], people["resolution"],
                                        people["backlog"], people["csat"])
    out += ["", "People",
            f"  handoffs: {people['handoffs']} ({people['unassigned']} unassigned)",
            f"  first response: median {_duration(first['median'])}, 90th percentile "
            f"{_duration(first['p90'])} ({first['count']} handoffs)",
            f"  resolution: median {_duration(resolution['median'])}, 90th percentile "
            f"{_duration(resolution['p90'])} ({resolution['count']} handoffs)",
            f"  backlog at {backlog['at']}: {backlog['open']} open ({backlog['waiting']} "
            f"waiting for an agent), median age {_duration(backlog['median_age'])}, oldest "
            f"{_duration(backlog['oldest_age'])}",
            f"  CSAT: {_pct(csat['csat'])} of {csat['ratings']} ratings rated 4–5"
            + (f" (mean {csat['mean']:.2f})" if csat["mean"] is not None else "")]
    out += [f"  {a['agent']}: {a['handoffs']} handoffs, {a['resolved']} resolved, first "
            f"response median {_duration(a['first_response']['median'])}, CSAT "
            f"{_pct(a['csat'])} of {a['ratings']}" for a in people["agents"]]
    return "\n".join(out)
