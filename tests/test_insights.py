"""bot.desk.insights: every figure of a seeded week matches the value worked out by hand
(tests/insights_fixtures.py lists the events), the period's edges are exact, and the
percentile method is the documented nearest-rank one."""
import datetime

import pytest

from bot import store
from bot.desk.insights import (build_report, content_gaps, gap_draft, parse_moment, percentile,
                          period_for_days, tables, TABLES)
from insights_fixtures import NOW, SINCE, UNTIL, at, seed
from kb.articles import parse_article

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = seed(store.open_db(str(tmp_path_factory.mktemp("insights") / "dalil.sqlite3")))
    yield database
    database.close()


@pytest.fixture(scope="module")
def report(db, bot):
    return build_report(db, SINCE, UNTIL, bot=bot, now=NOW)


@pytest.mark.parametrize("values, p, expected", [
    ([], 50, None),
    ([7], 50, 7), ([7], 90, 7),
    ([4, 1, 3, 2], 50, 2),  # rank ⌈0.5·4⌉ = 2: the lower middle, an observed value
    ([3, 1, 2], 50, 2),  # rank ⌈1.5⌉ = 2
    (list(range(1, 11)), 90, 9),  # rank ⌈9⌉ = 9
    (list(range(1, 12)), 90, 10),  # rank ⌈9.9⌉ = 10
    (list(range(1, 21)), 90, 18),
    ([60, 120, 1200, 2400], 90, 2400),  # rank ⌈3.6⌉ = 4
    ([5, 1], 100, 5), ([5, 1], 1, 1),
])
def test_percentile_is_nearest_rank(values, p, expected):
    assert percentile(values, p) == expected


def test_volume_counts_questions_per_day_language_and_channel(report):
    volume = report["volume"]
    # chat: c1, c2, c3 (the escalated question and "any news?" to the agent), c4, c5;
    # "hello", yes/no replies and button presses are not questions. Searches: 4 from
    # the page and /api/search ("suggest" left out). API: 2 (small talk left out).
    assert volume["by_channel"] == {"chat": 6, "search": 4, "api": 2}
    assert volume["total"] == 12 and volume["by_lang"] == {"ar": 6, "en": 6}
    days = {row["day"]: row for row in volume["per_day"]}
    assert list(days) == [f"2026-11-0{d}" for d in range(1, 8)]
    assert days["2026-11-03"] == {"day": "2026-11-03", "chat": 2, "search": 2, "api": 0,
                                  "total": 4}
    assert days["2026-11-06"]["total"] == 0
    assert {"day": "2026-11-03", "channel": "chat", "lang": "en", "questions": 1} in volume["rows"]


def test_the_period_includes_its_first_second_and_excludes_its_end(report):
    # c5 at 11-07 23:59:59 is in; c0 at 10-31 23:59:59 and c6 at 11-08 00:00 are out.
    assert report["volume"]["per_day"][-1]["chat"] == 1
    assert report["period"] == {"since": "2026-11-01T00:00:00+00:00",
                                "until": "2026-11-08T00:00:00+00:00",
                                "days": [f"2026-11-0{d}" for d in range(1, 8)]}


def test_a_narrower_period_keeps_only_its_events(db, bot):
    one_day = build_report(db, datetime.datetime(2026, 11, 3, tzinfo=UTC),
                           datetime.datetime(2026, 11, 4, tzinfo=UTC), bot=bot, now=NOW)
    assert one_day["volume"]["by_channel"] == {"chat": 2, "search": 2, "api": 0}
    assert one_day["people"]["handoffs"] == 1
    assert one_day["people"]["csat"] == {"ratings": 1, "satisfied": 0, "csat": 0.0, "mean": 3.0}
    assert one_day["bot"]["deflection"] == 0.0  # c3, the day's only conversation, was handed off
    # The edge second: [11-07 23:59:59, 11-08 00:00) holds c5 and nothing else.
    edge = build_report(db, datetime.datetime(2026, 11, 7, 23, 59, 59, tzinfo=UTC), UNTIL,
                        bot=bot, now=NOW)
    assert edge["volume"]["total"] == 1 and edge["bot"]["conversations"] == 1


def test_deflection_is_the_share_of_asking_conversations_without_a_handoff(report):
    bot = report["bot"]
    # Asking conversations c1–c5; c2 and c3 were handed off; c8–c10 asked nothing.
    assert (bot["conversations"], bot["handed_off"], bot["deflected"]) == (5, 2, 3)
    assert bot["deflection"] == pytest.approx(3 / 5)


def test_reply_rates_per_channel_and_overall(report):
    replies = report["bot"]["replies"]
    assert replies["chat"] == {"replies": 5, "answer": 3, "suggest": 1, "escalate": 1,
                               "answer_rate": 0.6, "suggest_rate": 0.2,
                               "escalation_rate": 0.2}
    assert replies["api"]["replies"] == 2 and replies["api"]["escalation_rate"] == 0.5
    assert replies["all"]["answer_rate"] == pytest.approx(4 / 7)
    assert replies["all"]["escalation_rate"] == pytest.approx(2 / 7)


def test_did_this_answer_yes_and_no_per_article(report):
    answered = report["bot"]["answered"]
    assert (answered["answers"], answered["yes"], answered["no"]) == (4, 1, 1)
    per_article = {row["article_id"]: row for row in answered["articles"]}
    assert per_article["order-tracking"] == {
        "article_id": "order-tracking", "title": "كيف أتتبع طلبي؟", "answers": 2, "yes": 1,
        "no": 0, "yes_share": 1.0}
    assert (per_article["shipping-costs"]["no"], per_article["shipping-costs"]["yes_share"]) == (1, 0.0)
    assert per_article["return-policy"]["yes_share"] is None  # nobody judged it


def test_response_and_resolution_times_median_and_90th_percentile(report):
    people = report["people"]
    # First agent reply: h1 120 s, h2 1200 s, h3 60 s, h5 2400 s (h4 has none).
    assert people["first_response"] == {"count": 4, "median": 120, "p90": 2400}
    # Resolved: h1 1800 s, h2 7200 s, h3 1860 s.
    assert people["resolution"] == {"count": 3, "median": 1860, "p90": 7200}
    assert (people["handoffs"], people["unassigned"]) == (5, 1)


def test_the_backlog_at_the_periods_end_and_its_age(report):
    # h4 (40 h), h5 (4 h, claimed) and the one from 10-25 (14 days); the 11-08 one opened
    # at the end and the one resolved on 11-01 are not in it.
    assert report["people"]["backlog"] == {
        "at": "2026-11-08T00:00:00+00:00", "open": 3, "waiting": 2,
        "median_age": 40 * 3600, "oldest_age": 14 * 86400}


def test_the_backlog_is_counted_now_when_the_period_runs_on(db, bot):
    now = datetime.datetime(2026, 11, 7, 21, 0, tzinfo=UTC)
    backlog = build_report(db, SINCE, UNTIL, bot=bot, now=now)["people"]["backlog"]
    assert backlog["at"] == "2026-11-07T21:00:00+00:00" and backlog["oldest_age"] == (
        13 * 86400 + 21 * 3600)


def test_csat_is_the_share_of_4_and_5_overall_and_per_agent(report):
    people = report["people"]
    assert people["csat"] == {"ratings": 3, "satisfied": 2, "csat": pytest.approx(2 / 3),
                              "mean": 4.0}
    agents = {row["agent"]: row for row in people["agents"]}
    assert set(agents) == {"mona", "sami"}
    mona, sami = agents["mona"], agents["sami"]
    assert (mona["handoffs"], mona["resolved"], mona["csat"], mona["mean"]) == (2, 2, 1.0, 4.5)
    assert mona["first_response"] == {"count": 2, "median": 60, "p90": 120}
    assert (sami["handoffs"], sami["resolved"], sami["csat"], sami["mean"]) == (2, 1, 0.0, 3.0)
    assert sami["resolution"] == {"count": 1, "median": 7200, "p90": 7200}


def test_help_center_searches_views_and_votes(report):
    help_center = report["help_center"]
    assert (help_center["searches"], help_center["no_result"]) == (4, 2)
    # "Return  Policy" counts with "return policy"; the suggest row and 10-31 are left out.
    assert help_center["top_searches"] == [
        {"query": "return policy", "searches": 2, "no_result": 0},
        {"query": "بطاقات شحن", "searches": 2, "no_result": 2}]
    assert help_center["no_result_searches"] == [{"query": "بطاقات شحن", "searches": 2}]
    assert [(r["article_id"], r["views"]) for r in help_center["most_viewed"]] == [
        ("order-tracking", 3), ("shipping-costs", 1)]
    votes = {r["article_id"]: (r["helpful"], r["not_helpful"], r["comments"])
             for r in help_center["feedback"]}
    assert votes == {"order-tracking": (1, 1, 1), "shipping-costs": (1, 0, 0)}
    assert [c["comment"] for c in help_center["comments"]] == ["الرابط لا يعمل"]


def test_content_gaps_cluster_escalated_unfound_and_rejected_questions(report):
    gaps = report["gaps"]
    # Escalated: h1, h2, h4, h5 (h3 was "not a support question") and the API's bitcoin;
    # searched with no result: "بطاقات شحن" twice; c2's "no" is h1's question (once).
    assert sum(gap["size"] for gap in gaps) == 7
    biggest = gaps[0]
    assert biggest["number"] == 1 and biggest["size"] == 4 and biggest["langs"] == ["ar"]
    assert set(biggest["examples"]) == {"بطاقات شحن", "هل تبيعون بطاقات شحن",
                                        "هل تبيعون بطاقات شحن سوا"}
    assert (biggest["escalated"], biggest["no_result"]) == (2, 2)
    assert biggest["closest_article"] and biggest["closest_title"]
    assert [gap["size"] for gap in gaps] == sorted((gap["size"] for gap in gaps), reverse=True)


def test_an_answer_marked_no_is_a_gap_of_its_own(db, bot):
    # 11-02 alone: h1 opened after the "no", but a one-hour window before it sees only
    # the rejected answer.
    gaps = content_gaps(db, datetime.datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
                        datetime.datetime(2026, 11, 2, 9, 4, tzinfo=UTC), bot=bot)
    assert [(c.questions, sources) for c, sources in gaps] == [
        (("how much is shipping",), {"answered_no": 1})]


def test_a_gap_becomes_a_draft_article(db, bot):
    text = gap_draft(db, SINCE, UNTIL, 1, "ar", bot=bot)
    article = parse_article("articles/new.ar.md", text)
    assert article.status == "draft" and article.lang == "ar"
    assert {article.title, *article.questions} <= {"بطاقات شحن", "هل تبيعون بطاقات شحن",
                                                   "هل تبيعون بطاقات شحن سوا"}
    assert gap_draft(db, SINCE, UNTIL, 99, "ar", bot=bot) is None


def test_tables_hold_every_figure_in_columns(report):
    found = tables(report)
    assert list(found) == list(TABLES)
    for name, (columns, rows) in found.items():
        assert all(len(row) == len(columns) for row in rows), name
    summary = dict(found["summary"][1])
    assert summary["deflection"] == 0.6 and summary["first_response_p90_s"] == 2400
    assert summary["csat"] == pytest.approx(2 / 3) and summary["backlog_open"] == 3
    assert found["agents"][1][0] == ["mona", 2, 2, 60, 120, 1800, 1860, 2, 1.0, 4.5]


def test_gaps_can_be_left_out(db, bot, report):
    quick = build_report(db, SINCE, UNTIL, bot=bot, now=NOW, gaps=False)
    assert quick["gaps"] == [] and quick["people"] == report["people"]


def test_an_empty_database_gives_zeros_and_nones(tmp_path):
    db = store.open_db(str(tmp_path / "empty.sqlite3"))
    report = build_report(db, SINCE, UNTIL, now=NOW)
    assert report["volume"]["total"] == 0 and report["bot"]["deflection"] is None
    assert report["people"]["first_response"] == {"count": 0, "median": None, "p90": None}
    assert report["people"]["csat"]["csat"] is None and report["gaps"] == []
    assert all(len(row) == 2 for row in tables(report)["summary"][1])


@pytest.mark.parametrize("text, expected", [
    ("7d", datetime.datetime(2026, 11, 13, 12, 0, tzinfo=UTC)),
    ("24H", datetime.datetime(2026, 11, 19, 12, 0, tzinfo=UTC)),
    ("2026-11-01", datetime.datetime(2026, 11, 1, tzinfo=UTC)),
    ("2026-11-01T09:30", datetime.datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
    ("2026-11-01T12:00+03:00", datetime.datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
])
def test_parse_moment_reads_relative_and_iso_times(text, expected):
    assert parse_moment(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "7", "d7", "-3d", "7w", "yesterday", "2026-13-01"])
def test_parse_moment_refuses_anything_else(text):
    with pytest.raises(ValueError, match="7d"):
        parse_moment(text, NOW)


def test_period_for_days_is_whole_utc_days_with_today():
    assert period_for_days(7, NOW) == (datetime.datetime(2026, 11, 14, tzinfo=UTC),
                                       datetime.datetime(2026, 11, 21, tzinfo=UTC))


def test_api_asks_are_logged(tmp_path):
    db = store.open_db(str(tmp_path / "asks.sqlite3"))
    store.record_ask(db, "do you accept bitcoin", "en", "escalate", None, "no match")
    rows = store.asks_in(db, at("01-01 00:00").replace("2026", "2000"), "9999")
    assert [(r["question"], r["action"]) for r in rows] == [("do you accept bitcoin", "escalate")]


def test_requests_for_a_person_and_small_talk_are_no_content_gaps(tmp_path, bot):
    db = store.open_db(str(tmp_path / "gaps.sqlite3"))
    asked = ["ابي اكلم موظف", "talk to a real person", "مرحبا", "is anyone there?",
             "هل تبيعون بطاقات شحن"]
    for text in asked:
        conversation = store.create_conversation(db, "ar")
        store.open_handoff(db, conversation["id"], reason="no match", lang="ar",
                           first_question=text)
    store.record_ask(db, "بدي احكي مع حدا", "ar", "escalate", reason="asked for a person")
    store.record_ask(db, "do you sell gift cards", "en", "escalate", reason="no match")
    store.record_search(db, "شكرا", "ar", 0)
    store.record_search(db, "gift cards", "en", 0)
    moment = datetime.datetime.now(UTC)
    gaps = content_gaps(db, moment - datetime.timedelta(hours=1),
                        moment + datetime.timedelta(hours=1), bot=bot)
    found = {question for cluster, _ in gaps for question in cluster.questions}
    assert found == {"هل تبيعون بطاقات شحن", "do you sell gift cards", "gift cards"}
    db.close()
