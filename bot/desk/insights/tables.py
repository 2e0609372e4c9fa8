"""The insights report as tables: each a name, its columns and its rows, the same on
the page and in its CSV file (web/insights.py), in TABLES' order.

    tables(report) -> {"volume": (columns, rows), ...}
"""
from .figures import CHANNELS

__all__ = ["TABLES", "tables"]


def _summary(report):
    bot, people, volume = report["bot"], report["people"], report["volume"]
    replies, help_center = bot["replies"]["all"], report["help_center"]
    return [
        ("questions", volume["total"]),
        *((f"questions_{channel}", volume["by_channel"][channel]) for channel in CHANNELS),
        ("conversations", bot["conversations"]), ("deflected", bot["deflected"]),
        ("deflection", bot["deflection"]), ("bot_replies", replies["replies"]),
        ("answer_rate", replies["answer_rate"]), ("suggest_rate", replies["suggest_rate"]),
        ("escalation_rate", replies["escalation_rate"]),
        ("answered_yes", bot["answered"]["yes"]), ("answered_no", bot["answered"]["no"]),
        ("searches", help_center["searches"]), ("searches_no_result", help_center["no_result"]),
        ("handoffs", people["handoffs"]),
        ("first_response_median_s", people["first_response"]["median"]),
        ("first_response_p90_s", people["first_response"]["p90"]),
        ("resolution_median_s", people["resolution"]["median"]),
        ("resolution_p90_s", people["resolution"]["p90"]),
        ("backlog_open", people["backlog"]["open"]),
        ("backlog_waiting", people["backlog"]["waiting"]),
        ("backlog_median_age_s", people["backlog"]["median_age"]),
        ("backlog_oldest_age_s", people["backlog"]["oldest_age"]),
        ("ratings", people["csat"]["ratings"]), ("csat", people["csat"]["csat"]),
        ("mean_rating", people["csat"]["mean"]),
    ]


def _pick(rows, columns):
    return [[row[column] for column in columns] for row in rows]


# name -> the columns of that table (its rows come from ``tables``).
TABLES = {
    "summary": ("figure", "value"),
    "volume": ("day", "channel", "lang", "questions"),
    "bot_replies": ("channel", "replies", "answer", "suggest", "escalate", "answer_rate",
                    "suggest_rate", "escalation_rate"),
    "answers": ("article_id", "title", "answers", "yes", "no", "yes_share"),
    "gaps": ("number", "size", "langs", "escalated", "no_result", "answered_no",
             "closest_article", "closest_title", "closest_score", "examples"),
    "top_searches": ("query", "searches", "no_result"),
    "no_result_searches": ("query", "searches"),
    "most_viewed": ("article_id", "title", "views"),
    "article_feedback": ("article_id", "title", "views", "helpful", "not_helpful",
                         "helpful_share", "comments"),
    "comments": ("created", "article_id", "lang", "helpful", "comment"),
    "agents": ("agent", "handoffs", "resolved", "first_response_median_s",
               "first_response_p90_s", "resolution_median_s", "resolution_p90_s", "ratings",
               "csat", "mean_rating"),
    "teams": ("team", "handoffs", "resolved", "first_contact_resolved", "first_contact_rate",
              "transfers_in", "transfers_out", "escalations", "first_response_met",
              "first_response_measured", "first_response_compliance_rate", "resolution_met",
              "resolution_measured", "resolution_compliance_rate"),
    "channels": ("channel", "conversations", "messages", "handoffs", "deflected", "deflection",
                 "first_response_median_s", "first_response_p90_s"),
}


def tables(report):
    """Return {name: (columns, rows)} of every table of ``report``, in TABLES' order."""
    help_center, bot = report["help_center"], report["bot"]
    rows = {
        "summary": [list(pair) for pair in _summary(report)],
        "volume": _pick(report["volume"]["rows"], TABLES["volume"]),
        "bot_replies": [[channel, *(bot["replies"][channel][c] for c in TABLES["bot_replies"][1:])]
                        for channel in ("chat", "api", "all")],
        "answers": _pick(bot["answered"]["articles"], TABLES["answers"]),
        "gaps": [[*(gap[c] for c in TABLES["gaps"][:2]), " ".join(gap["langs"]),
                  *(gap[c] for c in TABLES["gaps"][3:9]), " | ".join(gap["examples"])]
                 for gap in report["gaps"]],
        "top_searches": _pick(help_center["top_searches"], TABLES["top_searches"]),
        "no_result_searches": _pick(help_center["no_result_searches"],
                                    TABLES["no_result_searches"]),
        "most_viewed": _pick(help_center["most_viewed"], TABLES["most_viewed"]),
        "article_feedback": _pick(help_center["feedback"], TABLES["article_feedback"]),
        "comments": _pick(help_center["comments"], TABLES["comments"]),
        "agents": [[a["agent"], a["handoffs"], a["resolved"], a["first_response"]["median"],
                    a["first_response"]["p90"], a["resolution"]["median"],
                    a["resolution"]["p90"], a["ratings"], a["csat"], a["mean"]]
                   for a in report["people"]["agents"]],
        "teams": _pick(report.get("teams", []), TABLES["teams"]),
        "channels": [[c["channel"], c["conversations"], c["messages"], c["handoffs"],
                      c["deflected"], c["deflection"], c["first_response"]["median"],
                      c["first_response"]["p90"]] for c in report.get("channels", [])],
    }
    return {name: (columns, rows[name]) for name, columns in TABLES.items()}
