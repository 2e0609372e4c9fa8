"""/agent/insights: agents only, Arabic (RTL) and English, a period from presets or
dates, SVG charts, every table as a UTF-8 CSV with a BOM that no spreadsheet runs as a
formula, hostile text escaped, a draft article per content gap; and the real chat and
API flows land in the figures."""
import csv
import io
import re

import pytest

from bot import store
from bot.desk.insights import TABLES, build_report, period_for_days
from chat_fixtures import (Customer, agent_client, chat_app, database, shared_app)  # noqa: F401
from insights_fixtures import at, seed
from kb.articles import parse_article
from web.insights import csv_safe
from web.svg_charts import bar_chart, line_chart

WEEK = "from=2026-11-01&to=2026-11-07"
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def seeded(chat_app):
    db = database(chat_app)
    seed(db)
    db.close()
    return chat_app


@pytest.fixture
def lead(seeded):
    return agent_client(seeded, "lead")


def rows_of(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("path", ["/agent/insights", f"/agent/insights?{WEEK}",
                                  "/agent/insights/summary.csv", "/agent/insights/gaps/1.ar.md"])
def test_insights_need_an_agent_session(seeded, path):
    response = seeded.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/agent/login?next=/agent/insights")


def test_signing_in_comes_back_to_the_same_period(seeded):
    response = seeded.test_client().get(f"/agent/insights?{WEEK}")
    assert response.headers["Location"] == (
        "/agent/login?next=/agent/insights?from%3D2026-11-01%26to%3D2026-11-07")


def test_the_page_in_arabic_is_rtl_with_figures_charts_and_tables(lead):
    response = lead.get(f"/agent/insights?{WEEK}&lang=ar")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "مؤشرات الدعم" in html and "نسبة الحل الذاتي" in html
    assert "60٪" in html  # deflection 3 of 5
    assert html.count('role="img"') == 5 and "<title id=\"chart-volume-title\">" in html
    assert 'value="2026-11-01"' in html and 'value="2026-11-07"' in html
    assert "هل تبيعون بطاقات شحن" in html  # the biggest content gap's example
    assert "/agent/insights/gaps/1.ar.md?from=2026-11-01&amp;to=2026-11-07" in html
    assert "/agent/insights/agents.csv?from=2026-11-01&amp;to=2026-11-07" in html
    assert "1 س 0 د" in html or "2 د" in html  # durations in words


def test_the_page_in_english(lead):
    html = lead.get(f"/agent/insights?{WEEK}&lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert "Deflection" in html and "60%" in html and "Content gaps" in html
    assert "First response (median)" in html and "2 min" in html


def test_the_console_links_to_insights_and_the_switch_keeps_the_period(lead):
    assert 'href="/agent/insights?lang=' in lead.get("/agent?lang=ar").get_data(as_text=True)
    html = lead.get(f"/agent/insights?{WEEK}&lang=ar").get_data(as_text=True)
    switch = re.search(r'class="lang-switch" href="([^"]+)"', html).group(1)
    assert "from=2026-11-01" in switch and "lang=en" in switch


@pytest.mark.parametrize("query", ["_method=DELETE", "_external=1", "endpoint=x", "removed=1"])
def test_the_switch_survives_any_query_argument(lead, query):
    response = lead.get(f"/agent/insights?{WEEK}&{query}")
    assert response.status_code == 200
    switch = re.search(r'class="lang-switch" href="([^"]+)"', response.get_data(as_text=True))
    assert "from=2026-11-01" in switch.group(1) and "_method" not in switch.group(1)


def test_presets_choose_the_last_days(lead):
    html = lead.get("/agent/insights?days=7").get_data(as_text=True)
    assert re.search(r'days=7"\s+aria-current="page"', html)
    assert lead.get("/agent/insights").status_code == 200  # 30 days by default


@pytest.mark.parametrize("query", ["from=2026-13-01&to=2026-11-07", "from=2026-11-08&to=2026-11-01",
                                   "from=2020-01-01&to=2026-11-01", "days=0", "days=abc",
                                   "days=100000", "days=" + "9" * 5000])
def test_a_bad_period_is_a_bad_request(lead, query):
    assert lead.get(f"/agent/insights?{query}").status_code == 400
    assert lead.get(f"/agent/insights/summary.csv?{query}").status_code == 400


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_is_a_csv_for_excel(lead, name):
    response = lead.get(f"/agent/insights/{name}.csv?{WEEK}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="dalil-{name}-2026-11-01_2026-11-07.csv"')
    assert rows_of(response)[0] == list(TABLES[name])


def test_csv_content_matches_the_figures(lead):
    summary = dict(rows_of(lead.get(f"/agent/insights/summary.csv?{WEEK}"))[1:])
    assert summary["deflection"] == "0.6" and summary["first_response_median_s"] == "120"
    assert summary["resolution_p90_s"] == "7200" and summary["backlog_open"] == "3"
    assert summary["mean_rating"] == "4.0"
    agents = rows_of(lead.get(f"/agent/insights/agents.csv?{WEEK}"))
    assert agents[1:] == [["mona", "2", "2", "60", "120", "1800", "1860", "2", "1.0", "4.5"],
                          ["sami", "2", "1", "1200", "2400", "7200", "7200", "1", "0.0", "3.0"]]
    searches = rows_of(lead.get(f"/agent/insights/no_result_searches.csv?{WEEK}"))
    assert searches[1:] == [["بطاقات شحن", "2"]]  # Arabic survives the round trip
    assert rows_of(lead.get("/agent/insights/volume.csv?from=2026-10-01&to=2026-10-02"))[1:] == []


def test_unknown_tables_are_404(lead):
    assert lead.get("/agent/insights/secrets.csv").status_code == 404


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("plain", "plain"), ("", ""), (None, ""),
    (-3, -3), (0.5, 0.5), (True, 1)])
def test_csv_cells_never_start_a_formula(value, expected):
    assert csv_safe(value) == expected


def test_hostile_text_is_escaped_in_the_page_svg_and_csv(seeded, lead):
    db = database(seeded)
    for comment in ("=HYPERLINK(\"http://evil\",\"x\")", HOSTILE, "@SUM(1)"):
        db["article_feedback"].insert({"article_id": "order-tracking", "lang": "ar", "helpful": 0,
                                       "comment": comment, "created": at("11-04 12:00")})
    for _ in range(3):
        db["searches"].insert({"query": HOSTILE, "lang": "en", "results": 0, "source": "page",
                               "created": at("11-04 12:00")})
    db.close()
    html = lead.get(f"/agent/insights?{WEEK}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    svg = re.search(r'<svg[^>]*chart-searches-title.*?</svg>', html, re.S).group(0)
    assert "&lt;script&gt;" in svg and "<script" not in svg
    comments = rows_of(lead.get(f"/agent/insights/comments.csv?{WEEK}"))
    cells = [row[4] for row in comments[1:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells and "'@SUM(1)" in cells
    assert HOSTILE in cells  # not a formula: left as text
    gaps = rows_of(lead.get(f"/agent/insights/gaps.csv?{WEEK}"))
    assert any(HOSTILE in row[-1] for row in gaps[1:])


def test_a_gap_downloads_as_a_draft_article(lead):
    response = lead.get(f"/agent/insights/gaps/1.ar.md?{WEEK}")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gap-1.ar.md"'
    article = parse_article("articles/gap.ar.md", response.get_data(as_text=True))
    assert article.status == "draft" and article.lang == "ar"
    # Each question once, the title not repeated among the questions.
    assert article.title not in article.questions
    assert len(set(article.questions)) == len(article.questions) == 2
    assert lead.get(f"/agent/insights/gaps/99.ar.md?{WEEK}").status_code == 404
    assert lead.get(f"/agent/insights/gaps/1.fr.md?{WEEK}").status_code == 404


def test_real_conversations_and_api_questions_land_in_the_figures(chat_app):
    client = chat_app.test_client()
    happy = Customer(client)
    assert happy.say("وين طلبي الحين")["messages"][-1]["action"] == "answer"
    happy.say("نعم، شكرًا", choice="helpful")
    unhappy = Customer(client, "en")
    unhappy.say("where is my order")
    unhappy.say("no")  # typed: suggestions, or a person
    assert client.post("/api/ask", json={"question": "how much is shipping"}).status_code == 200
    assert client.post("/api/ask", json={"question": ""}).status_code == 400
    db = database(chat_app)
    assert [row["question"] for row in db.query("SELECT question FROM asks")] == [
        "how much is shipping"]
    since, until = period_for_days(1, __import__("datetime").datetime.now(
        __import__("datetime").timezone.utc))
    report = build_report(db, since, until, bot=chat_app.extensions["dalil"])
    db.close()
    assert report["volume"]["by_channel"] == {"chat": 2, "search": 0, "api": 1}
    assert report["volume"]["by_lang"] == {"ar": 1, "en": 2}
    assert report["bot"]["answered"]["yes"] == 1 and report["bot"]["answered"]["no"] == 1
    assert report["bot"]["replies"]["chat"]["answer"] == 2
    assert report["gaps"][0]["examples"] == ["where is my order"]  # answered, then "no"


def test_bar_chart_escapes_text_and_mirrors_for_rtl():
    ltr = bar_chart([("a<b>", 10), ("c", 5)], chart_id="x", title="T & t", desc="D<")
    assert "a&lt;b&gt;" in ltr and "<b>" not in ltr
    assert '<title id="chart-x-title">T &amp; t</title>' in ltr and "D&lt;" in ltr
    assert 'aria-labelledby="chart-x-title chart-x-desc"' in ltr
    rtl = bar_chart([("أ", 10)], chart_id="y", title="t", desc="d", rtl=True)
    ltr_x = float(re.search(r'<rect x="([\d.]+)"', bar_chart([("a", 10)], chart_id="z",
                                                               title="t", desc="d")).group(1))
    rtl_x = float(re.search(r'<rect x="([\d.]+)"', rtl).group(1))
    assert ltr_x > 100 and rtl_x < 100  # LTR bars start after the labels; RTL end before them
    assert 'direction="rtl"' in rtl and 'direction="ltr"' in ltr


def test_line_chart_runs_time_from_the_start_side():
    values = [("Chat", [0, 5, 10])]
    ltr = line_chart(["d1", "d2", "d3"], values, chart_id="a", title="t", desc="d")
    rtl = line_chart(["d1", "d2", "d3"], values, chart_id="b", title="t", desc="d", rtl=True)

    def first_point(svg):
        return float(re.search(r'points="([\d.]+),', svg).group(1))
    assert first_point(ltr) < 100 < first_point(rtl)
    assert bar_chart([], chart_id="e", title="t", desc="d").endswith("</svg>")
    assert "<polyline" in line_chart([], [("x", [])], chart_id="f", title="t", desc="d")
