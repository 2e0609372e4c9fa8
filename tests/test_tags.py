"""Tags on conversations: what a tag is (bot/desk/tags.py, pure), the store's
conversation_tags on SQLite and PostgreSQL (bot/store/tags.py), the JSON API and the
no-JavaScript forms of the console (web/agent_search.py), and tags surviving
`dalil customers forget`. The API tests take ``chat_app``, so
tests/test_store_postgres_desk.py can run them again on PostgreSQL."""
import json

import pytest

from bot import store
from bot.desk import customers
from bot.desk.tags import MAX_TAG_LENGTH, MAX_TAGS, TagError, normal_tag
from chat_fixtures import XHR, Customer, agent_client, chat_app, database, shared_app  # noqa: F401
from web_fixtures import csrf_token

# --- what a tag is --------------------------------------------------------------------------


@pytest.mark.parametrize("value, kept", [
    ("refund", "refund"),
    (" Refund ", "refund"),
    ("REFUND  Late", "refund late"),
    ("vip-customer_2", "vip-customer_2"),
    ("استرجاع", "استرجاع"),
    ("استرجاع المبلغ", "استرجاع المبلغ"),
    ("الطَّلَب", "الطَّلَب"),               # Arabic stays as written, marks and all
    ("استرجاع\u200c", "استرجاع"),           # zero-width non-joiner
    ("\u200fvip\u200e", "vip"),             # RLM and LRM
    ("\u202erefund\u202c", "refund"),       # a bidi override
    ("\ufeffrefund", "refund"),             # a BOM
    ("Straße", "strasse"),
    ("٣ أيام", "٣ أيام"),                  # Arabic-Indic digits kept
    ("x" * MAX_TAG_LENGTH, "x" * MAX_TAG_LENGTH),
])
def test_a_tag_is_kept_in_one_form(value, kept):
    assert normal_tag(value) == kept


@pytest.mark.parametrize("value, said", [
    ("", "required"),
    ("   ", "required"),
    ("\u200c", "required"),
    (None, "as text"),
    (7, "as text"),
    (["refund"], "as text"),
    ("#vip", "'#'"),
    ("refund!", "'!'"),
    ("a/b", "'/'"),
    ("<script>", "'<'"),
    ("x" * (MAX_TAG_LENGTH + 1), f"at most {MAX_TAG_LENGTH}"),
    ("---", "at least one letter"),
    ("a\tb", "one line"),
    ("a\nb", "one line"),
    ("a\x00b", "one line"),
    ("a\ud800", "decoded"),
    ("a\ufffd", "decoded"),
    ("\u0651x", "'\u0651'"),                # a mark on nothing
])
def test_what_is_not_a_tag_is_refused_saying_why(value, said):
    with pytest.raises(TagError, match=None) as refused:
        normal_tag(value)
    assert said in str(refused.value)


# --- the store, on both backends -------------------------------------------------------------

def _conversation(db):
    return store.create_conversation(db, "ar")["id"]


def test_the_store_adds_a_tag_once_and_removes_it(backend_db):
    db = backend_db
    first, second = _conversation(db), _conversation(db)
    assert store.add_tag(db, first, "refund", "mona", MAX_TAGS) == "added"
    assert store.add_tag(db, first, "refund", "omar", MAX_TAGS) == "exists"
    assert store.add_tag(db, first, "vip", "omar", MAX_TAGS) == "added"
    assert store.add_tag(db, second, "refund", "omar", MAX_TAGS) == "added"
    assert store.tags_for(db, [first, second, 999]) == {first: ["refund", "vip"],
                                                         second: ["refund"], 999: []}
    assert store.tags_in_use(db) == [{"tag": "refund", "count": 2}, {"tag": "vip", "count": 1}]
    rows = list(db.query("SELECT added_by FROM conversation_tags WHERE conversation_id = ? "
                         "ORDER BY id", [first]))
    assert [row["added_by"] for row in rows] == ["mona", "omar"]
    assert store.remove_tag(db, first, "refund") is True
    assert store.remove_tag(db, first, "refund") is False
    assert store.tags_for(db, [first]) == {first: ["vip"]}
    assert store.tags_for(db, []) == {}


def test_the_file_itself_keeps_a_tag_once_per_conversation(backend_db):
    db = backend_db
    conversation = _conversation(db)
    row = {"conversation_id": conversation, "tag": "vip", "added_by": "mona",
           "added": "2026-01-01T00:00:00+00:00"}
    db["conversation_tags"].insert(row)
    with pytest.raises(store.integrity_errors()):
        db["conversation_tags"].insert(row)


def test_a_conversation_holds_at_most_the_most_tags(backend_db):
    db = backend_db
    conversation = _conversation(db)
    for number in range(MAX_TAGS):
        assert store.add_tag(db, conversation, f"tag {number}", "mona", MAX_TAGS) == "added"
    assert store.add_tag(db, conversation, "one more", "mona", MAX_TAGS) == "full"
    # One it has already is still "there", not "full".
    assert store.add_tag(db, conversation, "tag 3", "mona", MAX_TAGS) == "exists"
    assert len(store.tags_for(db, [conversation])[conversation]) == MAX_TAGS


def test_tags_survive_forgetting_the_customer(backend_db):
    # Tags label the case, not the person (their characters cannot hold an address).
    db = backend_db
    conversation = _conversation(db)
    store.set_contact(db, conversation, "Mona", "mona@example.com")
    store.add_message(db, conversation, "customer", "my refund is late")
    store.open_handoff(db, conversation, reason="asked for a person", lang="en")
    store.add_tag(db, conversation, "refund", "omar", MAX_TAGS)
    counts = customers.forget(db, "mona@example.com")
    assert counts["conversations"] == 1 and counts["messages"] == 1
    assert store.tags_for(db, [conversation]) == {conversation: ["refund"]}


# --- the JSON API --------------------------------------------------------------------------------

def _handoff(app, text="وين طلبي", **contact):
    customer = Customer(app.test_client())
    customer.say(text)
    response = customer.handoff(**contact)
    assert response.status_code == 200, response.json
    return customer, response.json["id"]


def _add(client, handoff_id, tag, **kwargs):
    return client.post(f"/api/agent/handoffs/{handoff_id}/tags", json={"tag": tag},
                       headers=XHR, **kwargs)


def test_an_agent_tags_a_conversation_and_takes_a_tag_off(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _handoff(chat_app)
    added = _add(mona, handoff_id, " Refund ")
    assert added.status_code == 201, added.json
    assert added.json == {"handoff_id": handoff_id, "conversation_id": customer.id,
                          "tag": "refund", "added": True, "tags": ["refund"]}
    again = _add(mona, handoff_id, "REFUND")
    assert (again.status_code, again.json["added"], again.json["tags"]) == (200, False, ["refund"])
    assert _add(mona, handoff_id, "استرجاع").json["tags"] == ["refund", "استرجاع"]
    removed = mona.post(f"/api/agent/handoffs/{handoff_id}/tags/delete", json={"tag": "Refund"},
                        headers=XHR)
    assert (removed.status_code, removed.json["removed"], removed.json["tags"]) == (
        200, True, ["استرجاع"])
    gone = mona.post(f"/api/agent/handoffs/{handoff_id}/tags/delete", json={"tag": "refund"},
                     headers=XHR)
    assert (gone.status_code, gone.json["removed"]) == (200, False)
    db = database(chat_app)
    try:
        assert [(row["tag"], row["added_by"]) for row in db.query(
            "SELECT tag, added_by FROM conversation_tags")] == [("استرجاع", "mona")]
    finally:
        db.close()


def test_any_signed_in_agent_may_tag_and_every_tag_in_use_is_suggested(chat_app):
    mona, omar = agent_client(chat_app, "mona"), agent_client(chat_app, "omar")
    _, first = _handoff(chat_app)
    _, second = _handoff(chat_app, "where is my order")
    assert mona.post(f"/api/agent/handoffs/{first}/claim", headers=XHR).status_code == 200
    # Omar does not hold it: tagging is not replying.
    assert _add(omar, first, "vip").status_code == 201
    assert _add(omar, first, "late").status_code == 201
    assert _add(mona, second, "late").status_code == 201
    response = omar.get("/api/agent/tags")
    assert response.status_code == 200
    assert response.json == {"tags": [{"tag": "late", "count": 2}, {"tag": "vip", "count": 1}]}


@pytest.mark.parametrize("body, said", [
    ({"tag": "#vip"}, "'#'"),
    ({"tag": ""}, "required"),
    ({}, "as text"),
    ({"tag": None}, "as text"),
    ({"tag": 12}, "as text"),
    ({"tag": ["a"]}, "as text"),
    ({"tag": {"a": 1}}, "as text"),
    ({"tag": "x" * 5000}, f"at most {MAX_TAG_LENGTH}"),
    ({"tag": "a\u0000b"}, "one line"),
    ({"tag": "a\u001bb"}, "one line"),
])
def test_a_bad_tag_is_a_400_saying_why_and_nothing_is_stored(chat_app, body, said):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _handoff(chat_app)
    response = mona.post(f"/api/agent/handoffs/{handoff_id}/tags", json=body, headers=XHR)
    assert response.status_code == 400, response.json
    assert said in response.json["error"]
    assert mona.get("/api/agent/tags").json == {"tags": []}


def test_a_lone_surrogate_in_a_tag_is_a_400(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _handoff(chat_app)
    raw = '{"tag": "vip\\ud800"}'  # only a JSON escape can carry one
    response = mona.post(f"/api/agent/handoffs/{handoff_id}/tags", data=raw,
                         content_type="application/json", headers=XHR)
    assert response.status_code == 400 and "decoded" in response.json["error"]


def test_the_tag_api_refuses_strangers_unknown_handoffs_and_too_many_tags(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _handoff(chat_app)
    stranger = chat_app.test_client()
    assert _add(stranger, handoff_id, "vip").status_code == 401
    assert stranger.get("/api/agent/tags").status_code == 401
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/tags",
                     json={"tag": "vip"}).status_code == 403  # no X-Requested-With
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/tags", data="tag=vip",
                     headers=XHR).status_code == 415
    for path in ("/api/agent/handoffs/999/tags", "/api/agent/handoffs/-1/tags",
                 "/api/agent/handoffs/abc/tags/delete", f"/api/agent/handoffs/{2 ** 70}/tags"):
        response = mona.post(path, json={"tag": "vip"}, headers=XHR)
        assert response.status_code == 404 and "handoff" in response.json["error"], path
    for number in range(MAX_TAGS):
        assert _add(mona, handoff_id, f"t{number}").status_code == 201
    full = _add(mona, handoff_id, "one more")
    assert full.status_code == 400 and f"at most {MAX_TAGS}" in full.json["error"]


# --- the forms (no JavaScript) -------------------------------------------------------------------

def _page(client, handoff_id):
    response = client.get(f"/agent/handoffs/{handoff_id}")
    assert response.status_code == 200
    return csrf_token(response.get_data(as_text=True))


def test_the_tag_forms_add_and_remove_and_go_back_to_a_console_path(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _handoff(chat_app)
    token = _page(mona, handoff_id)
    added = mona.post(f"/agent/handoffs/{handoff_id}/tags",
                      data={"csrf_token": token, "tag": "VIP", "next": "/agent/search?tag=vip"})
    assert (added.status_code, added.headers["Location"]) == (303, "/agent/search?tag=vip")
    # Somewhere else than a console path: back to the handoff's page instead.
    for target in ("//evil.example/", "https://evil.example/", "/agent\r\nX: 1", ""):
        response = mona.post(f"/agent/handoffs/{handoff_id}/tags",
                             data={"csrf_token": token, "tag": "late", "next": target})
        assert response.status_code == 303
        assert response.headers["Location"] == f"/agent/handoffs/{handoff_id}#tags"
    removed = mona.post(f"/agent/handoffs/{handoff_id}/tags/delete",
                        data={"csrf_token": token, "tag": "vip"})
    assert removed.status_code == 303
    db = database(chat_app)
    try:
        assert store.tags_for(db, [customer.id]) == {customer.id: ["late"]}
    finally:
        db.close()


def test_a_bad_tag_in_the_form_is_said_on_the_handoffs_page(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _handoff(chat_app)
    token = _page(mona, handoff_id)
    response = mona.post(f"/agent/handoffs/{handoff_id}/tags",
                         data={"csrf_token": token, "tag": "#vip"})
    assert response.status_code == 400
    assert "not &#39;#&#39;" in response.get_data(as_text=True)
    assert mona.post(f"/agent/handoffs/{handoff_id}/tags",
                     data={"tag": "vip"}).status_code == 400  # no CSRF token
    assert mona.post("/agent/handoffs/999/tags",
                     data={"csrf_token": token, "tag": "vip"}).status_code == 404
    stranger = chat_app.test_client()
    response = stranger.post(f"/agent/handoffs/{handoff_id}/tags", data={"tag": "vip"})
    assert response.status_code == 302 and "/agent/login" in response.headers["Location"]
    assert mona.get("/api/agent/tags").json == {"tags": []}


def test_the_tags_partial_renders_its_forms_and_data_for_tags_js(chat_app):
    _, handoff_id = _handoff(chat_app)
    with chat_app.test_request_context(f"/agent/handoffs/{handoff_id}"):
        from flask import g, render_template_string
        g.lang, g.agent = "en", "mona"
        html = render_template_string('{% include "agent/_tags.html" %}',
                                      handoff={"id": handoff_id, "tags": ["vip", "a'b"]})
    assert f'data-tags-handoff="{handoff_id}"' in html
    assert json.loads(html.split("data-tags='")[1].split("'")[0]) == ["vip", "a'b"]
    assert f'action="/agent/handoffs/{handoff_id}/tags/delete"' in html
    assert 'aria-label="Remove the tag vip"' in html
    assert "tags.js" in html and "<script>" not in html
