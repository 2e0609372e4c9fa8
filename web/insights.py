"""Insights for support leads (/agent/insights): the figures of bot.desk.insights for a
period, with server-drawn SVG charts, every table as CSV, and a draft article for each
content gap. Agents only (the console's sign-in).

    /agent/insights?days=30                     the last 30 days, today included
    /agent/insights?from=2026-11-01&to=2026-11-07   whole UTC days, both included
    /agent/insights/gaps.csv?days=7             any table of bot.desk.insights.TABLES
    /agent/insights/gaps/1.ar.md?days=7          the biggest gap as a draft article
"""
import csv
import datetime
import io

from flask import Blueprint, Response, abort, g, render_template, request

from bot.desk import insights

from .auth import login_required
from .context import get_bot, get_db, get_teams, now
from .i18n import duration, t
from .inputs import row_id
from .svg_charts import bar_chart, line_chart

bp = Blueprint("insights", __name__)

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
# A year is the longest period the page draws day by day.
MAX_DAYS = 366
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")



def _period():
    """Return (since, until, args): the request's period and the query arguments that
    name it (for links). ?from=&to= (ISO dates, both days included) or ?days=N; a bad
    value is a 400."""
    start, end = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    if start or end:
        try:
            first = datetime.date.fromisoformat(start) if start else None
            last = datetime.date.fromisoformat(end) if end else now().date()
        except ValueError:
            abort(400)
        first = first or last - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if first > last or (last - first).days >= MAX_DAYS:
            abort(400)
        since = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.timezone.utc)
        until = since + datetime.timedelta(days=(last - first).days + 1)
        return since, until, {"from": first.isoformat(), "to": last.isoformat()}
    days = row_id(request.args.get("days", str(DEFAULT_DAYS)))
    if days is None or not 1 <= days <= MAX_DAYS:
        abort(400)
    since, until = insights.period_for_days(days, now())
    return since, until, {"days": days}


def _report(gaps=True):
    since, until, args = _period()
    return insights.build_report(get_db(), since, until, bot=get_bot(), now=now(),
                                 gaps=gaps, teams=get_teams()), args


# --- formatting for the page ------------------------------------------------------------------

def cell(column, value, lang):
    """Return a table cell's text for the page (the CSV keeps the raw value)."""
    if value is None or value == "":
        return "—"
    if column.endswith(("_rate", "_share")) or column in ("deflection", "csat"):
        return f"{value:.0%}" if lang == "en" else f"{value * 100:.0f}٪"
    if column.endswith("_s"):
        return duration(value, lang)
    if column in ("closest_score", "mean_rating"):
        return f"{value:.2f}" if column == "closest_score" else f"{value:.1f}"
    if column == "channel":
        return t(f"ins_channel_{value}", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return str(value)


def _charts(report, lang):
    rtl = lang == "ar"
    volume = report["volume"]["per_day"]
    replies = report["bot"]["replies"]["all"]
    help_center = report["help_center"]
    people = report["people"]
    return {
        "volume": line_chart(
            [row["day"] for row in volume],
            [(t(f"ins_channel_{c}", lang), [row[c] for row in volume])
             for c in insights.CHANNELS],
            chart_id="volume", title=t("ins_chart_volume", lang),
            desc=t("ins_chart_volume_desc", lang, total=report["volume"]["total"]), rtl=rtl),
        "replies": bar_chart(
            [(t(f"ins_{action}", lang), replies[action]) for action in insights.BOT_ACTIONS],
            chart_id="replies", title=t("ins_chart_replies", lang),
            desc=t("ins_chart_replies_desc", lang, replies=replies["replies"]), rtl=rtl,
            label_width=140),
        "searches": bar_chart(
            [(row["query"], row["searches"]) for row in help_center["top_searches"][:10]],
            chart_id="searches", title=t("ins_top_searches", lang),
            desc=t("ins_chart_top_desc", lang), rtl=rtl),
        "viewed": bar_chart(
            [(row["title"], row["views"]) for row in help_center["most_viewed"][:10]],
            chart_id="viewed", title=t("ins_most_viewed", lang),
            desc=t("ins_chart_top_desc", lang), rtl=rtl),
        "agents": bar_chart(
            [(row["agent"], row["handoffs"]) for row in people["agents"]],
            chart_id="agents", title=t("ins_chart_agents", lang),
            desc=t("ins_chart_top_desc", lang), rtl=rtl, label_width=140),
    }


# --- views ------------------------------------------------------------------------------------------

@bp.get("/agent/insights")
@login_required
def page():
    report, args = _report()
    return render_template(
        "agent/insights.html", report=report, tables=insights.tables(report),
        charts=_charts(report, g.lang), args=args, presets=PRESETS,
        cell=lambda column, value: cell(column, value, g.lang),
        duration=lambda seconds: duration(seconds, g.lang),
        last_day=(datetime.datetime.fromisoformat(report["period"]["until"])
                  - datetime.timedelta(days=1)).date().isoformat())


def csv_safe(value):
    """Return ``value`` for a CSV cell: text a spreadsheet would run as a formula gets a
    leading apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@bp.get("/agent/insights/<name>.csv")
@login_required
def table_csv(name):
    if name not in insights.TABLES:
        abort(404)
    report, args = _report(gaps=name == "gaps")
    columns, rows = insights.tables(report)[name]
    out = io.StringIO()
    # The byte-order mark makes Excel read the file as UTF-8 (Arabic stays Arabic).
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([csv_safe(value) for value in row] for row in rows)
    period = f"{report['period']['days'][0]}_{report['period']['days'][-1]}"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="dalil-{name}-{period}.csv"'})


@bp.get("/agent/insights/gaps/<int:number>.<any(ar, en):article_lang>.md")
@login_required
def gap_draft(number, article_lang):
    since, until, _ = _period()
    text = insights.gap_draft(get_db(), since, until, number, article_lang, bot=get_bot())
    if text is None:
        abort(404)
    return Response(text, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="gap-{number}.{article_lang}.md"'})
