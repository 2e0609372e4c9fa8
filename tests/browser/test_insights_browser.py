"""A support lead signs in and opens the insights in Arabic: the page is right to left,
its charts are drawn, a preset changes the period, a CSV and a draft article download.
Saves the screenshot insights-ar.png."""
import pathlib

import pytest

from bot import store
from bot.desk import agents
from web import create_app

from insights_fixtures import seed
from .conftest import LiveServer

PASSWORD = "correct horse battery"
ARTICLES = pathlib.Path(__file__).resolve().parents[2] / "articles"


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory):
    """The app over the shipped articles and a SQLite file holding the seeded week."""
    instance = tmp_path_factory.mktemp("insights")
    app = create_app({"TESTING": True, "ARTICLES": str(ARTICLES), "LIVE_RELOAD": False,
                      "DATABASE": str(instance / "dalil.sqlite3")})
    db = store.connect(app.config["DATABASE"])
    seed(db)
    agents.add_agent(db, "lead", PASSWORD)
    db.close()
    server = LiveServer(app)
    yield server
    server.stop()


def test_a_lead_reads_the_insights_in_arabic(seeded_server, chromium, screenshot):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(seeded_server.url + "/agent/insights?from=2026-11-01&to=2026-11-07&lang=ar")
        page.get_by_label("اسم المستخدم").fill("lead")
        page.get_by_label("كلمة المرور").fill(PASSWORD)
        page.get_by_role("button", name="دخول").click()
        page.get_by_role("heading", name="مؤشرات الدعم").wait_for()
        screenshot(page, "insights-ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("svg[role=img]").count() == 5
        assert page.get_by_role("img", name="الأسئلة يوميًا حسب القناة").is_visible()
        # Signing in kept the period; right to left, the key figures start at the right.
        assert page.locator("#period-shown").inner_text() == "من 2026-11-01 إلى 2026-11-07 (شاملًا)"
        first, second = (page.locator(".key-figures div").nth(i).bounding_box() for i in (0, 1))
        assert first["x"] > second["x"]
        assert "60٪" in page.locator(".key-figures").inner_text()

        with page.expect_download() as download:
            page.locator("a[href*='/agent/insights/agents.csv']").click()
        path = download.value.path()
        assert pathlib.Path(path).read_bytes().startswith(b"\xef\xbb\xbfagent,handoffs")
        with page.expect_download() as download:
            page.locator("a[href*='/agent/insights/gaps/1.ar.md']").click()
        assert "status: draft" in pathlib.Path(download.value.path()).read_text(encoding="utf-8")

        page.get_by_role("link", name="آخر 7 يومًا").click()
        page.wait_for_url("**/agent/insights?days=7**")
        assert page.get_by_role("link", name="آخر 7 يومًا").get_attribute("aria-current") == "page"
    finally:
        context.close()
