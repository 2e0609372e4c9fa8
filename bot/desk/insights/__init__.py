"""Insights for support leads: what customers ask, what the bot settles, how fast people
help — for a period, computed from the store's read-only queries (periods and tables
are pure).

    periods.py   what "7d" or a date means; the store's time format
    figures.py   build_report(db, since, until) -> the figures, JSON-ready
    teams.py     the figures per team: first-contact resolution, transfers, compliance
    channels.py  the figures per channel: volume, deflection, first response times
    tables.py    the figures as named tables (the page and its CSV files)

Text for a terminal and CSV files are made at the edges (web/cli_text.py, web/insights.py).
"""
from .figures import BOT_ACTIONS, CHANNELS, SATISFIED_FROM, build_report, content_gaps, gap_draft, percentile
from .periods import iso, parse_moment, period_for_days
from .tables import TABLES, tables

__all__ = ["build_report", "content_gaps", "gap_draft", "percentile", "iso", "parse_moment",
           "period_for_days", "tables", "TABLES", "CHANNELS", "BOT_ACTIONS", "SATISFIED_FROM"]
