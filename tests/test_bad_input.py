"""The ten inputs fuzzing found answering 500, each now a clear 4xx (a JSON error under
/api/); and what bot/clean.py refuses or removes in every stored text, on real rows."""
import json

import pytest

from bot import store
from chat_fixtures import (PASSWORD, XHR, add_agent, chat_app, customer,  # noqa: F401
                           database, mona, shared_app)
from web.inputs import MAX_JSON_DEPTH
from web_fixtures import csrf_token
from web.openapi import SPEC

SURROGATE = "\ud800"  # reachable only as the JSON escape "\ud800": SQLite cannot store it
DEEP = "[" * 30_000 + "]" * 30_000
TOO_BIG = 2 ** 63  # one more than SQLite's largest row id


def error_of(response, status):
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.is_json and "error" in response.get_json()
    return response.get_json()["error"]


def post_raw(client, url, body, headers=None):
    """POST ``body`` as it is (json.dumps escapes a lone surrogate as "\\ud800")."""
    if not isinstance(body, str):
        body = json.dumps(body)
    return client.post(url, data=body, content_type="application/json", headers=headers or {})


@pytest.fixture
def handoff_id(customer, mona):
    """A handoff of ``customer``'s conversation, claimed by mona."""
    found = customer.handoff().json["id"]
    assert mona.post(f"/api/agent/handoffs/{found}/claim", headers=XHR).status_code == 200
    return found


# --- 1–5: a lone surrogate wherever text is stored ------------------------------------------

@pytest.mark.parametrize("field, value", [("name", "Mona" + SURROGATE),
                                          ("email", f"mona{SURROGATE}@example.com")])
def test_a_lone_surrogate_in_the_contact_details_is_a_400(chat_app, customer, field, value):
    response = post_raw(customer.client, f"/api/conversations/{customer.id}/handoff",
                        {field: value}, customer.headers)
    assert "could not be decoded" in error_of(response, 400)
    assert list(database(chat_app).query("SELECT * FROM handoffs")) == []


def test_a_lone_surrogate_in_a_feedback_comment_is_a_400(chat_app):
    response = post_raw(chat_app.test_client(), "/api/articles/order-tracking/feedback",
                        {"helpful": False, "comment": "bad" + SURROGATE})
    assert "comment contains characters that could not be decoded" in error_of(response, 400)
    assert list(database(chat_app).query("SELECT * FROM article_feedback")) == []


def test_a_lone_surrogate_in_a_rating_comment_is_a_400(chat_app, customer, mona, handoff_id):
    mona.post(f"/api/agent/handoffs/{handoff_id}/resolve", json={"outcome": "not_support"},
              headers=XHR)
    response = post_raw(customer.client, f"/api/conversations/{customer.id}/rating",
                        {"score": 4, "comment": SURROGATE}, customer.headers)
    assert "could not be decoded" in error_of(response, 400)
    assert customer.rate(4, "شكرا").status_code == 201  # the rating is still to be given


def test_a_lone_surrogate_in_an_agent_reply_is_a_400(chat_app, mona, handoff_id):
    response = post_raw(mona, f"/api/agent/handoffs/{handoff_id}/reply",
                        {"text": "hello " + SURROGATE}, XHR)
    assert "the reply contains characters that could not be decoded" in error_of(response, 400)
    assert list(database(chat_app).query("SELECT * FROM messages WHERE role = 'agent'")) == []


@pytest.mark.parametrize("name, password", [(SURROGATE, PASSWORD), ("mona", SURROGATE),
                                            ("mo" + SURROGATE, "x" + SURROGATE)])
def test_a_lone_surrogate_in_the_login_is_a_400(chat_app, name, password):
    add_agent(chat_app, "mona")
    response = post_raw(chat_app.test_client(), "/api/agent/login",
                        {"name": name, "password": password})
    assert "could not be decoded" in error_of(response, 400)
    assert list(database(chat_app).query("SELECT * FROM login_failures")) == []


# --- 6: JSON nested 30,000 deep, on every route that takes a body ----------------------------

def _json_routes():
    """Every (method, path) of the OpenAPI document that takes a JSON body — but the
    channels' webhooks, which read no body before its signature holds
    (tests/test_webhooks.py sends them deep JSON, signed)."""
    return [(method.upper(), path) for path, operations in SPEC["paths"].items()
            for method, operation in operations.items()
            if isinstance(operation, dict) and "application/json" in
            operation.get("requestBody", {}).get("content", {})
            and not path.startswith("/api/channels/")]


@pytest.mark.parametrize("method, path", _json_routes())
def test_json_nested_too_deeply_is_a_400_on_every_json_route(chat_app, customer, mona,
                                                              handoff_id, method, path):
    url = path.format(article_id="order-tracking", conversation_id=customer.id, reply_id=1,
                      handoff_id=handoff_id)
    client = mona if path.startswith("/api/agent/") else customer.client
    just_past = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    for body in (DEEP, '{"text": ' + DEEP + "}", just_past):
        response = client.open(url, method=method, data=body, content_type="application/json",
                               headers={**XHR, **customer.headers})
        assert "nested too deeply" in error_of(response, 400)


def test_json_as_deep_as_the_limit_is_read(chat_app, customer):
    nested = {"lang": "en"}
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = {"x": nested}
    response = customer.client.post("/api/conversations", json={"lang": "en", "x": nested})
    assert response.status_code == 201


# --- 7 and 8: whole numbers beyond SQLite's range, and '²' (a digit to str.isdigit) ----

@pytest.mark.parametrize("bad_id", [TOO_BIG, "²"])
def test_an_id_that_is_no_row_id_is_refused_not_overflowed(chat_app, customer, mona,
                                                           handoff_id, bad_id):
    after = customer.client.get(f"/api/conversations/{customer.id}/messages?after={bad_id}",
                                headers=customer.headers)
    assert "after must be a message id" in error_of(after, 400)
    response = post_raw(customer.client, f"/api/conversations/{customer.id}/handoff",
                        {"handoff_id": bad_id}, customer.headers)
    assert "handoff_id must be" in error_of(response, 400)
    assert error_of(mona.get(f"/api/agent/handoffs/{bad_id}"), 404) == "no such handoff"
    for url in (f"/api/agent/handoffs/{bad_id}/claim", f"/api/agent/learned/{bad_id}/remove"):
        error_of(mona.post(url, headers=XHR), 404)
    error_of(customer.client.get(f"/api/conversations/{bad_id}/messages",
                                 headers=customer.headers), 404)
    error_of(customer.client.get(f"/api/search?q=order&limit={bad_id}"), 400)


def test_the_learned_page_refuses_an_id_beyond_sqlite_s_range(chat_app, mona):
    token = csrf_token(mona.get("/agent/learned").text)
    response = mona.post(f"/agent/learned/{10 ** 20}/remove", data={"csrf_token": token})
    assert response.status_code == 404


# --- 9: a newline in the sign-in form's next ----------------------------------------------------

@pytest.mark.parametrize("target", [
    "/agent%0d%0aSet-Cookie:%20x=1", "/agent%0aX:1", "/agent/%0d", "/agent\\evil.example",
    "/agent%5C%5Cevil.example", "//evil.example/agent", "/agentx", "/agent/%E2%80%AE"])
def test_a_next_that_is_not_a_console_path_goes_to_the_queue(chat_app, target):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    token = csrf_token(client.get("/agent/login").text)
    response = client.post(f"/agent/login?next={target}",
                           data={"name": "mona", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and response.location == "/agent/"


def test_a_console_path_in_next_is_still_where_the_sign_in_goes(chat_app):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    token = csrf_token(client.get("/agent/login").text)
    response = client.post("/agent/login?next=/agent/insights?days%3D7",
                           data={"name": "mona", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and response.location == "/agent/insights?days=7"


# --- 10: ?_method=DELETE on the insights -------------------------------------------------------

@pytest.mark.parametrize("query", ["_method=DELETE", "_method=DELETE&days=7",
                                   "_external=1&_scheme=javascript", "_anchor=%0d%0a"])
def test_flask_s_own_url_arguments_on_the_insights_are_ignored(chat_app, mona, query):
    response = mona.get(f"/agent/insights?{query}")
    assert response.status_code == 200
    assert 'href="javascript' not in response.text
    signed_out = chat_app.test_client().get(f"/agent/insights?{query}")
    assert signed_out.status_code == 302


# --- what every stored text goes through (bot/clean.py) ---------------------------------------

def test_bidi_overrides_are_removed_from_stored_text_and_arabic_marks_kept(chat_app, customer,
                                                                          mona, handoff_id):
    response = customer.handoff(name="\u202eMona\u202c", email="mona@example.com",
                                handoff_id=handoff_id)
    assert response.status_code == 200, response.json
    rtl_reply = "\u200fطلبك\u200c في الطريق\u2067 ok\u2069"
    mona.post(f"/api/agent/handoffs/{handoff_id}/reply", json={"text": rtl_reply}, headers=XHR)
    customer.say("\u202bوين\u200d طلبي\u200e؟\u202c")
    db = database(chat_app)
    assert store.get_handoff(db, handoff_id)["name"] == "Mona"
    texts = {row["role"]: row["text"] for row in
             db.query("SELECT role, text FROM messages WHERE role IN ('agent', 'customer')")}
    assert texts == {"agent": "\u200fطلبك\u200c في الطريق ok",
                     "customer": "وين\u200d طلبي\u200e؟"}


@pytest.mark.parametrize("field, value, message", [
    ("name", "Mona\x00", "name must be one line"), ("name", "Mona\nBCC", "name must be one line"),
    ("email", "a@b.example\r\nBcc: c@d.example", None),
    ("name", "\x1b[31mred", "name must be one line"),
])
def test_control_characters_in_one_line_fields_are_refused(customer, field, value, message):
    response = customer.handoff(**{field: value})
    error = error_of(response, 400)
    assert message is None or message in error


def test_a_multi_line_comment_keeps_its_lines_but_not_its_control_characters(chat_app):
    client = chat_app.test_client()
    url = "/api/articles/order-tracking/feedback"
    assert "control characters" in error_of(
        client.post(url, json={"helpful": False, "comment": "a\x07b"}), 400)
    assert client.post(url, json={"helpful": False, "comment": "one\r\ntwo\tthree"}
                       ).status_code == 201
    rows = database(chat_app).query("SELECT comment FROM article_feedback")
    assert [row["comment"] for row in rows] == ["one\ntwo\tthree"]


def test_a_control_character_in_a_choice_is_refused(customer):
    response = post_raw(customer.client, f"/api/conversations/{customer.id}/messages",
                        {"text": "hi", "choice": "article:" + SURROGATE}, customer.headers)
    assert "choice contains characters" in error_of(response, 400)


def test_a_login_name_no_agent_can_have_is_wrong_without_being_stored(chat_app):
    add_agent(chat_app, "mona")
    client = chat_app.test_client()
    for name in ("mona\n", "mo\u202ena", "mona\x00", "x" * 5000):
        assert client.post("/api/agent/login",
                           json={"name": name, "password": PASSWORD}).status_code == 401
    assert list(database(chat_app).query("SELECT * FROM login_failures")) == []
    for body in ({"name": 5, "password": PASSWORD}, {"name": "mona"}, {}):
        assert "as text" in error_of(client.post("/api/agent/login", json=body), 400)
