"""The help center pages, in Arabic and English, through Flask's test client; stored
rows are read back from the real SQLite file."""
import re

import pytest

from web_fixtures import (app_over, csrf_token, rows, shipped_app, shipped_client,  # noqa: F401
                          sign_in, site_app, site_articles, site_client, site_database,
                          write_article)

DIRS = {"ar": "rtl", "en": "ltr"}


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("url", ["/{lang}/", "/{lang}/categories/orders",
                                 "/{lang}/articles/order-tracking", "/{lang}/search?q=order",
                                 "/{lang}/search?q=", "/{lang}/search?q=zzqxv"])
def test_every_page_comes_in_both_languages_and_directions(site_client, lang, url):
    html = page(site_client, url.format(lang=lang))
    assert f'<html lang="{lang}" dir="{DIRS[lang]}">' in html
    assert 'href="/static/dalil.css"' in html and 'src="/static/dalil.js"' in html
    assert "https://" not in html.split("<main")[0]  # nothing from a CDN


def test_root_takes_readers_to_arabic_first_then_to_their_choice(site_client):
    assert site_client.get("/").headers["Location"] == "/ar/"
    site_client.get("/en/categories/orders")  # choosing English is remembered
    assert site_client.get("/").headers["Location"] == "/en/"


def test_the_language_switch_keeps_the_page_and_the_query(site_client):
    html = page(site_client, "/ar/search?q=%D8%B7%D9%84%D8%A8")
    switch = re.search(r'<a class="lang-switch" href="([^"]+)" hreflang="en"', html).group(1)
    assert switch.startswith("/en/search?") and "q=%D8%B7%D9%84%D8%A8" in switch
    html = page(site_client, "/en/articles/order-tracking")
    assert 'class="lang-switch" href="/ar/articles/order-tracking" hreflang="ar"' in html


def test_the_choice_is_stored_in_a_cookie(site_client):
    response = site_client.get("/en/")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]


def test_home_lists_categories_in_order_with_counts(site_client):
    html = page(site_client, "/en/")
    titles = re.findall(r'<span class="card-title">([^<]+)</span>', html)
    assert titles == ["Orders", "Returns", "Account"]
    assert html.count("1 article<") == 3 and "Tracking orders" in html
    assert 'role="combobox"' in html and 'aria-controls="q-list"' in html
    assert 'role="listbox"' in html


def test_home_shows_the_most_viewed_articles(site_client):
    assert "No articles read yet." in page(site_client, "/en/")
    for _ in range(2):
        site_client.get("/en/articles/return-policy")
    site_client.get("/ar/articles/order-tracking")
    html = page(site_client, "/en/")
    popular = html.split("Most read")[1]
    assert popular.index("What is your return policy?") < popular.index("How can I track my order?")


def test_category_page_lists_its_articles(site_client):
    html = page(site_client, "/ar/categories/orders")
    assert "كيف أتتبع طلبي؟" in html and "الطلبات" in html
    page(site_client, "/ar/categories/nothing-here", 404)


def test_article_page_renders_the_body_and_links(site_client):
    html = page(site_client, "/ar/articles/order-tracking")
    assert "<h1>كيف أتتبع طلبي؟</h1>" in html
    assert '<a href="/ar/articles/return-policy" rel="noopener noreferrer">' in html
    assert '<img alt="خريطة التتبع" src="/media/orders/img/map.png">' in html
    assert "<table>" in html and 'href="/en/articles/order-tracking"' in html
    assert re.search(r'آخر تحديث: <time datetime="\d{4}-\d\d-\d\d">', html)


def test_article_only_in_arabic_is_shown_in_arabic_on_the_english_site(site_client):
    html = page(site_client, "/en/articles/reset-password")
    assert "This article is only available in Arabic." in html
    assert '<article class="article" lang="ar" dir="rtl">' in html


def test_article_page_lists_related_articles(site_client):
    html = page(site_client, "/en/articles/order-tracking")
    related = html.split("Related articles")[1]
    assert "/en/articles/return-policy" in related and "/en/articles/order-tracking" not in related


def test_unknown_and_draft_articles_are_not_found(site_client):
    for url in ["/ar/articles/nope", "/en/articles/secret-draft"]:
        html = page(site_client, url, 404)
        assert 'role="search"' in html


def test_article_views_are_stored(site_client, site_database):
    site_client.get("/en/articles/order-tracking")
    assert [(r["article_id"], r["lang"]) for r in rows(site_database, "article_views")] == [
        ("order-tracking", "en")]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_feedback_is_stored_and_thanked(site_client, site_database, lang):
    html = page(site_client, f"/{lang}/articles/return-policy")
    response = site_client.post(f"/{lang}/articles/return-policy/feedback",
                                data={"csrf_token": csrf_token(html), "helpful": "0",
                                 "comment": "ناقصة <b>تفاصيل</b>"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/{lang}/articles/return-policy?feedback=thanks#feedback"
    stored = rows(site_database, "article_feedback")
    assert [(r["article_id"], r["lang"], r["helpful"], r["comment"]) for r in stored] == [
        ("return-policy", lang, 0, "ناقصة <b>تفاصيل</b>")]
    thanks = page(site_client, response.headers["Location"])
    assert {"ar": "شكرًا لك", "en": "Thank you"}[lang] in thanks


def test_feedback_without_the_csrf_token_is_refused(site_client, site_database):
    page(site_client, "/en/articles/return-policy")
    for data in [{"helpful": "1"}, {"helpful": "1", "csrf_token": "forged"}]:
        response = site_client.post("/en/articles/return-policy/feedback", data=data)
        assert response.status_code == 400
        assert "The form had expired" in response.get_data(as_text=True)
    assert rows(site_database, "article_feedback") == []


def test_feedback_needs_a_yes_or_no_and_a_real_article(site_client, site_database):
    html = page(site_client, "/en/articles/return-policy")
    token = csrf_token(html)
    assert site_client.post("/en/articles/return-policy/feedback",
                            data={"csrf_token": token, "helpful": "maybe"}).status_code == 400
    assert site_client.post("/en/articles/nope/feedback",
                            data={"csrf_token": token, "helpful": "1"}).status_code == 404
    assert rows(site_database, "article_feedback") == []


def test_search_page_highlights_matches_and_logs_the_search(site_client, site_database):
    html = page(site_client, "/en/search?q=tracking")
    assert "<mark>tracking</mark>" in html and 'href="/en/articles/order-tracking"' in html
    assert [(r["query"], r["lang"], r["source"]) for r in rows(site_database, "searches")] == [
        ("tracking", "en", "page")]


def test_search_page_says_when_nothing_is_found_and_offers_the_chat(site_client):
    html = page(site_client, "/ar/search?q=zzqxv")
    assert "لم نجد مقالات تطابق «zzqxv»." in html and 'href="/chat?q=zzqxv"' in html
    assert "We found no articles" in page(site_client, "/en/search?q=zzqxv")


def test_search_page_without_a_query_asks_for_one(site_client):
    assert "Type what you are looking for" in page(site_client, "/en/search")


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                                   "' OR 1=1; DROP TABLE searches; --", "\x00\x01",
                                   "ا" * 5000, b"\xff\xfe<script>"])
def test_hostile_queries_are_escaped_on_the_page(site_client, query):
    response = site_client.get("/en/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_hostile_markdown_never_reaches_the_article_page(site_articles, site_database):
    write_article(site_articles, "orders/evil.en.md", """\
        ---
        title: Evil <script>alert('title')</script>
        category: orders
        ---
        Hello <script>alert(1)</script> <img src=x onerror="alert(2)">
        [click](javascript:alert(3)) <a href="javascript:alert(4)" onmouseover="alert(5)">x</a>
        <iframe src="https://evil.example"></iframe>
        """)
    client = app_over(site_articles, site_database).test_client()
    html = client.get("/en/articles/evil").get_data(as_text=True).lower()
    body = html.split("<main")[1]
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert "onmouseover" not in body and "<iframe" not in body
    assert "evil &lt;script&gt;" in body  # the title is text
    results = client.get("/en/search?q=evil").get_data(as_text=True).lower().split("<main")[1]
    assert "<script" not in results and "onerror" not in results


def test_images_are_served_only_from_inside_the_articles_folder(site_client):
    with site_client.get("/media/orders/img/map.png") as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
    for url in ["/media/../web_fixtures.py", "/media/%2e%2e/%2e%2e/etc/passwd",
                "/media/orders/order-tracking.en.md", "/media/account/secret-draft.en.md",
                "/media//etc/passwd.png", "/media/orders/img/missing.png"]:
        with site_client.get(url, follow_redirects=True) as response:
            assert response.status_code == 404, url


@pytest.mark.parametrize("lang, text", [("ar", "الصفحة غير موجودة"), ("en", "Page not found")])
def test_404_pages_have_a_search_box_in_the_readers_language(site_client, lang, text):
    html = page(site_client, f"/{lang}/no/such/page", 404)
    assert text in html and 'role="search"' in html and f'lang="{lang}"' in html
    site_client.set_cookie("lang", "en")
    assert "Page not found" in page(site_client, "/no-such-page", 404)


def test_server_errors_show_an_error_page_with_a_search_box(site_articles, site_database):
    app = app_over(site_articles, site_database)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "حدث خطأ" in html and 'role="search"' in html and "a bug" not in html


def test_status_page_is_for_agents_only(site_client):
    response = site_client.get("/status")
    assert response.status_code == 302 and "/agent/login" in response.headers["Location"]


def test_status_page_shows_the_articles_state(site_app, site_client):
    sign_in(site_app, site_client)
    html = page(site_client, "/status")
    assert "كل المقالات محمّلة بنجاح." in html
    assert "All articles loaded." in page(site_client, "/status?lang=en")


def test_every_shipped_article_renders_in_both_languages(shipped_app, shipped_client):
    bot = shipped_app.extensions["dalil"]
    ids = sorted({a.id for a in bot.index.articles})
    assert len(ids) >= 25
    for article_id in ids:
        for lang in ("ar", "en"):
            html = page(shipped_client, f"/{lang}/articles/{article_id}")
            assert 'href="article:' not in html  # every link between articles resolved
    home = page(shipped_client, "/ar/")
    assert home.count('class="card"') == len(bot.categories)


def test_static_files_are_served_locally(site_client):
    with site_client.get("/static/dalil.css") as response:
        css = response.get_data(as_text=True)
    assert "margin-inline" in css and "margin-left" not in css and "@import" not in css
    assert ":focus-visible" in css
    with site_client.get("/static/dalil.js") as response:
        js = response.get_data(as_text=True)
    assert "aria-activedescendant" in js and "innerHTML" not in js
