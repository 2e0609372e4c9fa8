"""The figures per channel a conversation came in on (the web chat, e-mail, WhatsApp,
Telegram): how many conversations and customer messages, how many the bot settled
without a person (deflection), and how fast people first answered the rest.

    channel_figures(db, "2026-11-01T00:00:00+00:00", "2026-12-01T00:00:00+00:00", durations)
    # -> [{"channel": "email", "conversations": 40, "messages": 61, "handoffs": 12,
    #      "deflected": 28, "deflection": 0.7, "first_response": {"count", "median", "p90"}}, ...]
"""
from bot.store.channels import CHANNELS
from bot.store import insights as insight_store

from .periods import seconds_between

__all__ = ["channel_figures"]


def channel_figures(db, since, until, durations):
    """Return one row per channel (CHANNELS' order) for the conversations started in
    [``since``, ``until``) (ISO texts) that hold a customer's message (not only
    auto-replies): conversations, customer messages, handoffs,
    deflected (conversations without a handoff) and its share, and the first response
    time of their handoffs (seconds, summed up by ``durations``: the report's own
    count, median and p90)."""
    rows = {channel: {"channel": channel, "conversations": 0, "messages": 0, "handoffs": 0,
                      "waits": []} for channel in CHANNELS}
    for row in insight_store.conversations_by_channel(db, since, until):
        if not row["messages"]:
            continue  # only auto-replies or bounces: nobody to settle or help
        figures = rows.setdefault(row["channel"], {"channel": row["channel"], "conversations": 0,
                                                   "messages": 0, "handoffs": 0, "waits": []})
        figures["conversations"] += 1
        figures["messages"] += row["messages"]
        if row["handoff_created"]:
            figures["handoffs"] += 1
            if row["first_response"]:
                figures["waits"].append(seconds_between(row["handoff_created"], row["first_response"]))
    result = []
    for figures in rows.values():
        waits = figures.pop("waits")
        deflected = figures["conversations"] - figures["handoffs"]
        result.append({**figures, "deflected": deflected,
                       "deflection": (deflected / figures["conversations"]
                                      if figures["conversations"] else None),
                       "first_response": durations(waits)})
    return result
