"""The JSON API contract: search, articles, feedback, ask, OpenAPI; errors are JSON 4xx
whatever the input."""
import json

import pytest

from web_fixtures import (rows, shipped_app, shipped_client, site_app,  # noqa: F401
                          site_articles, site_client, site_database)


def error_of(response, status):
    assert response.status_code == status, (response.status_code, response.data[:200])
    assert response.is_json and set(response.get_json()) == {"error"}
    return response.get_json()["error"]


# --- GET /api/search ---------------------------------------------------------------------

def test_search_returns_results_with_the_contract_fields(site_client):
    response = site_client.get("/api/search?q=tracking&lang=en")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results[0] == {"article_id": "order-tracking", "title": "How can I track my order?",
                          "snippet": results[0]["snippet"], "url": "/en/articles/order-tracking",
                          "score": results[0]["score"], "lang": "en"}
    assert "<mark>tracking</mark>" in results[0]["snippet"] and 0 < results[0]["score"] <= 1


def test_search_in_arabic_and_by_detected_language(site_client):
    results = site_client.get("/api/search?q=وين طلبي").get_json()["results"]
    assert results[0]["article_id"] == "order-tracking"
    assert results[0]["url"] == "/ar/articles/order-tracking" and results[0]["title"] == "كيف أتتبع طلبي؟"


def test_search_limit(site_client):
    assert len(site_client.get("/api/search?q=order&lang=en&limit=1").get_json()["results"]) == 1


def test_search_finds_nothing_with_an_empty_list(site_client):
    assert site_client.get("/api/search?q=zzqxv&lang=en").get_json() == {"results": []}


def test_searches_are_logged_for_insights(site_client, site_database):
    site_client.get("/api/search?q=tracking&lang=en")
    site_client.get("/api/search?q=trac&lang=en&source=suggest")
    assert [(r["query"], r["lang"], r["source"]) for r in rows(site_database, "searches")] == [
        ("tracking", "en", "api"), ("trac", "en", "suggest")]
    assert rows(site_database, "searches")[0]["results"] >= 1


@pytest.mark.parametrize("query_string, message", [
    ("", "q is required"), ("q=", "q is required"), ("q=%20%20", "q is required"),
    ("q=" + "a" * 201, "too long"), ("q=order&lang=fr", "unknown lang"),
    ("q=order&lang=", "unknown lang"), ("q=order&limit=0", "limit"),
    ("q=order&limit=51", "limit"), ("q=order&limit=ten", "limit"), ("q=order&limit=-1", "limit"),
    ("q=order&limit=%D9%A3", "limit"), ("q=%00abc", "control characters"),
])
def test_search_errors_are_json_400(site_client, query_string, message):
    assert message in error_of(site_client.get(f"/api/search?{query_string}"), 400)


@pytest.mark.parametrize("query", [
    "<script>alert(1)</script>", "' OR '1'='1", "\"; DROP TABLE searches; --", "%_*?[]{}",
    "🙂" * 40, "ـ", "\u200f\u200e", "<mark>x</mark>",
])
def test_hostile_queries_never_break_search(site_client, query):
    response = site_client.get("/api/search", query_string={"q": query})
    _check_hostile(response)


@pytest.mark.parametrize("raw", ["q=%FF%FE", "q=%ED%A0%80", "q=%C0%AF..%C0%AF", "q=%", "q=%%%"])
def test_undecodable_queries_never_break_search(site_client, raw):
    _check_hostile(site_client.get(f"/api/search?{raw}"))


def _check_hostile(response):
    assert response.status_code in (200, 400)
    for result in response.get_json().get("results", []):
        assert "<" not in result["snippet"].replace("<mark>", "").replace("</mark>", "")


# --- GET /api/articles/<id> -----------------------------------------------------------------

def test_article_returns_html_translations_and_update_time(site_client):
    data = site_client.get("/api/articles/order-tracking?lang=en").get_json()
    assert data["title"] == "How can I track my order?" and data["lang"] == "en"
    assert '<a href="/en/articles/return-policy" rel="noopener noreferrer">' in data["html"]
    assert data["translations"] == [{"lang": "ar", "title": "كيف أتتبع طلبي؟",
                                     "url": "/ar/articles/order-tracking"}]
    assert len(data["updated"]) == 10 and data["url"] == "/en/articles/order-tracking"


def test_article_in_a_missing_language_comes_in_the_other(site_client):
    data = site_client.get("/api/articles/reset-password?lang=en").get_json()
    assert data["lang"] == "ar" and data["translations"] == []


@pytest.mark.parametrize("url, status, message", [
    ("/api/articles/nope", 404, "unknown article"),
    ("/api/articles/secret-draft?lang=en", 404, "unknown article"),
    ("/api/articles/order-tracking?lang=de", 400, "unknown lang"),
    ("/api/articles/..%2F..%2Fetc", 404, ""),
    ("/api/no-such-endpoint", 404, "not found"),
])
def test_article_errors(site_client, url, status, message):
    assert message in error_of(site_client.get(url), status)


# --- POST /api/articles/<id>/feedback -----------------------------------------------------------

def test_feedback_is_stored(site_client, site_database):
    response = site_client.post("/api/articles/return-policy/feedback",
                                json={"helpful": False, "comment": "I needed the fee", "lang": "en"})
    assert response.status_code == 201 and response.get_json()["ok"] is True
    site_client.post("/api/articles/return-policy/feedback", json={"helpful": True})
    assert [(r["article_id"], r["lang"], r["helpful"], r["comment"])
            for r in rows(site_database, "article_feedback")] == [
        ("return-policy", "en", 0, "I needed the fee"), ("return-policy", "ar", 1, "")]


@pytest.mark.parametrize("body, content_type, status, message", [
    ('{"helpful": true', "application/json", 400, "not valid JSON"),
    ("[true]", "application/json", 400, "not a JSON object"),
    ('{"helpful": "yes"}', "application/json", 400, "helpful must be"),
    ('{"comment": "x"}', "application/json", 400, "helpful must be"),
    ('{"helpful": true, "comment": 5}', "application/json", 400, "comment must be text"),
    ('{"helpful": true, "lang": "fr"}', "application/json", 400, "unknown lang"),
    (json.dumps({"helpful": True, "comment": "x" * 2001}), "application/json", 400, "too long"),
    ("helpful=true", "application/x-www-form-urlencoded", 415, "Content-Type"),
    ('{"helpful": true}', "text/plain", 415, "Content-Type"),
])
def test_feedback_errors(site_client, site_database, body, content_type, status, message):
    response = site_client.post("/api/articles/return-policy/feedback", data=body,
                                content_type=content_type)
    assert message in error_of(response, status)
    assert rows(site_database, "article_feedback") == []


def test_feedback_for_an_unknown_article_is_404(site_client):
    assert "unknown article" in error_of(
        site_client.post("/api/articles/nope/feedback", json={"helpful": True}), 404)


# --- POST /api/ask ---------------------------------------------------------------------------

def test_ask_returns_the_reply_with_urls(site_client):
    data = site_client.post("/api/ask", json={"question": "where is my order"}).get_json()
    assert {"action", "article_id", "title", "text", "url", "candidates", "lang",
            "reason"} <= set(data)
    assert data["action"] == "answer" and data["article_id"] == "order-tracking"
    assert data["url"] == "/en/articles/order-tracking"
    assert data["candidates"][0] == {"article_id": "order-tracking", "score": data["candidates"][0]["score"],
                                     "title": "How can I track my order?",
                                     "url": "/en/articles/order-tracking"}


def test_ask_without_an_answer_has_no_url(site_client):
    data = site_client.post("/api/ask", json={"question": "أبغى أكلم موظف"}).get_json()
    assert data["action"] == "escalate" and data["url"] is None and data["lang"] == "ar"


@pytest.mark.parametrize("kwargs, status", [
    ({"json": {"question": ""}}, 400),
    ({"json": {"question": "   "}}, 400),
    ({"json": {"question": "x" * 1001}}, 400),
    ({"json": {"question": "hi", "lang": "fr"}}, 400),
    ({"json": {"question": 42}}, 400),
    ({"json": {"question": ["a"]}}, 400),
    ({"json": "just a string"}, 400),
    ({"data": b"\xff\xfe\x00garbage", "content_type": "application/json"}, 400),
    ({"data": "{nope", "content_type": "application/json"}, 400),
    ({"data": "question=hi", "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"data": b"\x89PNG\r\n\x1a\n", "content_type": "image/png"}, 415),
    ({"data": json.dumps({"question": "a" * 70000}), "content_type": "application/json"}, 413),
])
def test_ask_refuses_bad_input_with_json_errors(site_client, kwargs, status):
    error_of(site_client.post("/api/ask", **kwargs), status)


def test_wrong_method_is_a_json_error(site_client):
    error_of(site_client.get("/api/ask"), 405)


# --- GET /api/openapi.json -----------------------------------------------------------------------

def test_openapi_describes_every_route(site_app, site_client):
    spec = site_client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    described = {path.replace("{", "<").replace("}", ">") for path in spec["paths"]}
    routes = {rule.rule for rule in site_app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert routes == described
    schema = spec["components"]["schemas"]["SearchResults"]["properties"]["results"]["items"]
    assert set(schema["required"]) == {"article_id", "title", "snippet", "url", "score"}


# --- the shipped articles -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_shipped_article_is_served_by_the_api(shipped_app, shipped_client, lang):
    bot = shipped_app.extensions["dalil"]
    for article_id in sorted({a.id for a in bot.index.articles}):
        data = shipped_client.get(f"/api/articles/{article_id}?lang={lang}").get_json()
        assert data["lang"] == lang and data["html"] and data["translations"]
        assert "article:" not in data["html"] and "<script" not in data["html"]
