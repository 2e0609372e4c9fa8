"""The web app through Flask's test client (minimal for now: the home page and /api/ask)."""
import json

import pytest

from conftest import write_article, write_articles
from web import create_app

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app over the small help center, built once: these tests only ask questions
    (conftest's ``app`` is a fresh one per test, for tests that write)."""
    folder = tmp_path_factory.mktemp("web")
    return create_app({"TESTING": True, "ARTICLES": str(write_articles(folder / "articles")),
                       "DATABASE": str(folder / "x.sqlite3")})


def test_config_reaches_the_bot(articles_dir, tmp_path):
    app = create_app({"TESTING": True, "ARTICLES": str(articles_dir),
                      "DATABASE": str(tmp_path / "x.sqlite3"), "MAX_QUESTION_LENGTH": 20})
    assert app.testing
    assert app.config["DATABASE"] == str(tmp_path / "x.sqlite3")
    assert app.extensions["dalil"].max_length == 20


def test_home_page_is_arabic_and_right_to_left(client):
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.text
    assert 'lang="ar"' in response.text
    assert "الطلبات" in response.text  # a category title


@pytest.mark.parametrize("question, lang, article_id", [
    ("where is my order", "en", "order-tracking"),
    ("وين طلبي", "ar", "order-tracking"),
    ("نسيت كلمة السر", "ar", "reset-password"),
])
def test_ask_returns_the_bots_reply(client, question, lang, article_id):
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    reply = response.get_json()
    assert reply["action"] == "answer"
    assert reply["article_id"] == article_id
    assert reply["lang"] == lang
    assert reply["text"] and reply["reason"] and reply["title"]
    assert reply["candidates"][0]["article_id"] == article_id
    assert all(0 <= c["score"] <= 1 and c["title"] for c in reply["candidates"])


def test_arabic_stays_readable_in_json(client):
    response = client.post("/api/ask", json={"question": "وين طلبي"})
    assert "افتح" in response.get_data(as_text=True)


def test_ask_lang_sets_the_reply_language(client):
    reply = client.post("/api/ask", json={"question": "where is my order", "lang": "ar"}).get_json()
    assert reply["lang"] == "ar"
    assert reply["text"].startswith("افتح")


def test_ask_escalates_a_request_for_a_person(client):
    reply = client.post("/api/ask", json={"question": "أبغى أكلم موظف"}).get_json()
    assert (reply["action"], reply["reason"], reply["article_id"]) == (
        "escalate", "asked for a person", None)


def test_ask_answers_small_talk(client):
    reply = client.post("/api/ask", json={"question": "شكرا"}).get_json()
    assert (reply["action"], reply["reason"], reply["lang"]) == ("smalltalk", "thanks", "ar")


def test_ask_without_json_is_415(client):
    response = client.post("/api/ask", data={"question": "where is my order"})
    assert response.status_code == 415
    assert response.get_json()["error"]


@pytest.mark.parametrize("body", ["{not json", '{"question": ', "", '"just a string"', "[1, 2]"])
def test_ask_with_malformed_json_is_400(client, body):
    response = client.post("/api/ask", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]


@pytest.mark.parametrize("payload", [
    {},
    {"question": ""},
    {"question": "   "},
    {"question": "x" * 1001},
    {"question": "where is my order\x00"},
    {"question": "caf\ufffd"},
    {"question": None},
    {"question": 42},
    {"question": ["where is my order"]},
    {"question": "where is my order", "lang": "fr"},
])
def test_ask_with_a_bad_question_is_400_with_an_error(client, payload):
    response = client.post("/api/ask", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_question_length_limit_comes_from_config(articles_dir, tmp_path):
    app = create_app({"TESTING": True, "ARTICLES": str(articles_dir),
                      "DATABASE": str(tmp_path / "x.sqlite3"), "MAX_QUESTION_LENGTH": 20})
    client = app.test_client()
    assert client.post("/api/ask", json={"question": "where is my order"}).status_code == 200
    too_long = client.post("/api/ask", json={"question": "where is my order, please"})
    assert too_long.status_code == 400


def test_ask_with_an_oversized_body_is_413_with_an_error(client):
    body = json.dumps({"question": "x" * 100_000})
    response = client.post("/api/ask", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]


def test_ask_only_accepts_post(client):
    assert client.get("/api/ask").status_code == 405


@pytest.mark.parametrize("payload", [
    {"question": HOSTILE},
    {"question": f"where is my order {HOSTILE}"},
    {"question": HOSTILE, "lang": HOSTILE},
    {"question": HOSTILE * 100},  # too long: the error must not quote it either
])
def test_hostile_question_is_never_echoed(client, payload):
    response = client.post("/api/ask", json=payload)
    assert response.status_code in (200, 400)
    assert "<script" not in response.get_data(as_text=True)


def test_hostile_article_title_is_escaped_on_the_page(articles_dir, tmp_path):
    write_article(articles_dir, "orders/order-tracking.ar.md", f"""\
        ---
        title: "{HOSTILE}"
        ---
        نص.
        """)
    client = create_app({"TESTING": True, "ARTICLES": str(articles_dir),
                         "DATABASE": str(tmp_path / "x.sqlite3")}).test_client()
    page = client.get("/ar/categories/orders").text
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_broken_article_stops_the_app_from_starting(articles_dir, tmp_path):
    from kb.articles import ArticleError
    write_article(articles_dir, "orders/order-tracking.en.md", "---\ntitle: x\nlang: fr\n---\nx\n")
    with pytest.raises(ArticleError, match="order-tracking.en.md:3"):
        create_app({"TESTING": True, "ARTICLES": str(articles_dir),
                    "DATABASE": str(tmp_path / "x.sqlite3")})
