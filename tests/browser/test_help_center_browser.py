"""The help center in a real browser: search as you type in Arabic, keyboard choice of a
suggestion, the article page mirrored right-to-left, feedback stored, and screenshots
in Arabic and English at phone and desktop widths (`make screenshots` keeps them in
docs/screenshots/)."""
import sqlite3

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_arabic_search_as_you_type_opens_an_article_laid_out_right_to_left(live_server, page,
                                                                             screenshot):
    page.goto(live_server.url + "/ar/")
    search = page.locator("input[role=combobox]").first
    search.press_sequentially("وين طلبي", delay=40)
    options = page.locator("[role=option]")
    options.first.wait_for(state="visible", timeout=5000)
    assert search.get_attribute("aria-expanded") == "true"
    titles = options.all_text_contents()
    assert any("طلب" in title for title in titles)
    screenshot(page, "search-suggestions-ar-desktop")

    # The keyboard picks the first suggestion and opens it.
    search.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    search.press("Enter")
    page.wait_for_url("**/ar/articles/**")

    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    # Mirrored: the heading's text starts at the right edge of the content.
    text = page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('article h1'));
        const box = range.getBoundingClientRect();
        return {x: box.x, width: box.width};
    }""")
    main = _box(page, "main")
    right_gap = main["x"] + main["width"] - (text["x"] + text["width"])
    left_gap = text["x"] - main["x"]
    assert right_gap < left_gap


def test_helpful_vote_is_stored(live_server, page):
    page.goto(live_server.url + "/ar/articles/return-policy")
    page.locator("#comment").fill("شرح واضح، شكرًا")
    page.locator("#feedback button[value='1']").click()
    page.locator("#feedback [role=status]").wait_for(state="visible")
    with sqlite3.connect(live_server.app.config["DATABASE"]) as conn:
        rows = conn.execute("select article_id, lang, helpful, comment from article_feedback "
                            "where article_id = 'return-policy'").fetchall()
    assert ("return-policy", "ar", 1, "شرح واضح، شكرًا") in rows


def test_the_language_switch_keeps_the_page_and_flips_the_direction(live_server, page):
    page.goto(live_server.url + "/ar/articles/refunds")
    page.locator("a.lang-switch").click()
    page.wait_for_url("**/en/articles/refunds")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "ltr"


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("device, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_of_home_and_article(live_server, chromium, screenshot, lang, device, viewport):
    context = chromium.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{lang}/")
        # Nothing overflows sideways on a phone: the layout fits the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
        screenshot(page, f"home-{lang}-{device}")
        page.goto(f"{live_server.url}/{lang}/articles/shipping-costs")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"article-{lang}-{device}")
    finally:
        context.close()
