"""The browser can reach the live app: the harness every browser test stands on."""


def test_home_page_renders_right_to_left_in_chromium(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == "rtl"
