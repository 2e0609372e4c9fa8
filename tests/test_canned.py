"""Canned (saved) replies: filling placeholders (pure, bot/desk/canned.py), the store on
both backends, the API and the console pages through the real Flask client, and the
reply that still holds an unfilled placeholder refused on every way of sending. The web
tests rerun on PostgreSQL (tests/test_store_postgres_desk.py)."""
import pytest

from bot import store
from bot.desk import canned
from chat_fixtures import (XHR, Customer, chat_app, customer, database, mona, omar,  # noqa: F401
                           shared_app)
from web_fixtures import csrf_token

GREETING_AR = "أهلًا {name}، معك {agent}. ما رقم طلبك {order}؟"


# --- filling: pure ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, lang, name, agent, filled", [
    (GREETING_AR, "ar", "سارة", "mona", "أهلًا سارة، معك mona. ما رقم طلبك {order}؟"),
    ("Hi {name}, {agent} here.", "en", "Sara", "omar", "Hi Sara, omar here."),
    # No name given: a greeting that still reads well in the reply's language.
    ("أهلًا {name}", "ar", None, "mona", "أهلًا عميلنا العزيز"),
    ("أهلًا {name}", "ar", "   ", "mona", "أهلًا عميلنا العزيز"),
    ("Hi {name}!", "en", "", "mona", "Hi there!"),
    # Arabic names for the same two, and the case of a known word.
    ("مرحبًا {الاسم}، أنا {الموظف}", "ar", "سارة", "mona", "مرحبًا سارة، أنا mona"),
    ("مرحبًا {اسم العميل}", "ar", "سارة", "mona", "مرحبًا سارة"),
    ("Hi {Name}", "en", "Sara", "mona", "Hi Sara"),
    # Every other word in braces is the agent's to fill.
    ("Order {order}, parcel {tracking number}", "en", "Sara", "mona",
     "Order {order}, parcel {tracking number}"),
    # Braces that are not placeholders are text.
    ('{} {1} {"order": 5} { name } {name', "en", "Sara", "mona",
     '{} {1} {"order": 5} { name } {name'),
    ('JSON: {"name": "{name}"}', "en", "Sara", "mona", 'JSON: {"name": "Sara"}'),
    # A customer's name with braces in it never becomes a placeholder.
    ("Hi {name}", "en", "{order}", "mona", "Hi order"),
    ("{name}{name}", "en", "Sara", "mona", "SaraSara"),
    # No agent name: {agent} stays, so the send check catches it.
    ("{agent}", "en", "Sara", None, "{agent}"),
])
def test_fill_puts_in_the_name_and_agent_and_leaves_the_rest(text, lang, name, agent, filled):
    assert canned.fill(text, lang=lang, name=name, agent=agent) == filled


@pytest.mark.parametrize("text, left", [
    ("رقم طلبك {order}؟", ["order"]),
    ("{order} {order} {رقم_الطلب}", ["order", "رقم_الطلب"]),
    ("parcel {tracking number}", ["tracking number"]),
    ('{} {1} {"a": 1} {_x} { a }', []),
    ("no braces at all", []),
    ("", []),
])
def test_unfilled_lists_each_placeholder_left_once(text, left):
    assert canned.unfilled(text) == left


def test_check_filled_refuses_a_text_with_a_placeholder_naming_it():
    assert canned.check_filled("شكرًا سارة") == "شكرًا سارة"
    assert canned.check_filled(None) is None  # the reply's own checks say what is wrong
    with pytest.raises(canned.Unfilled) as raised:
        canned.check_filled("order {order}, {order}")
    assert raised.value.names == ["order"]
    assert "{order}" in str(raised.value)


# --- the store and the checks, on both backends -------------------------------------------------

def test_the_team_s_list_is_stored_changed_and_deleted(backend_db):
    db = backend_db
    ar = canned.add(db, "mona", title="  تتبع الطلب ", lang="ar", text=GREETING_AR)
    en = canned.add(db, "omar", title="Order tracking", lang="en", text="Hi {name}")
    assert (ar["title"], ar["created_by"]) == ("تتبع الطلب", "mona")
    assert [r["id"] for r in canned.replies(db)] == [en["id"], ar["id"]]  # by title
    assert [r["id"] for r in canned.replies(db, first="ar")] == [ar["id"], en["id"]]
    assert [r["id"] for r in canned.replies(db, "en")] == [en["id"]]
    # Anyone on the team may change anyone's.
    changed = canned.edit(db, en["id"], title="Tracking", lang="en", text="Hello {name}")
    assert (changed["title"], changed["text"], changed["created_by"]) == (
        "Tracking", "Hello {name}", "omar")
    assert canned.filled_for(db, en["id"], name=None, agent="mona") == "Hello there"
    assert canned.delete(db, ar["id"])["id"] == ar["id"]
    assert [r["id"] for r in store.canned_replies(db)] == [en["id"]]
    with pytest.raises(canned.NoSuchReply):
        canned.delete(db, ar["id"])
    with pytest.raises(canned.NoSuchReply):
        canned.edit(db, 999, title="x", lang="en", text="y")


@pytest.mark.parametrize("fields, problem", [
    ({"title": ""}, "the title is empty"),
    ({"title": "a" * 101}, "too long"),
    ({"title": "two\nlines"}, "one line"),
    ({"title": 5}, "must be text"),
    ({"text": "   "}, "the text is empty"),
    ({"text": "a" * 4001}, "too long"),
    ({"text": "\ud800"}, "could not be decoded"),
    ({"lang": "fr"}, "ar or en"),
    ({"lang": None}, "ar or en"),
])
def test_a_bad_reply_is_refused_saying_why(backend_db, fields, problem):
    values = {"title": "Tracking", "lang": "en", "text": "Hi {name}", **fields}
    with pytest.raises(canned.CannedError) as raised:
        canned.add(backend_db, "mona", **values)
    assert problem in str(raised.value)
    assert store.canned_replies(backend_db) == []


# --- the API ------------------------------------------------------------------------------------

def _handoff(customer, mona, name=None):
    handoff_id = customer.say("بدي احكي مع موظف")["handoff"]["id"]
    if name:
        assert customer.handoff(name=name).status_code == 200
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR).status_code == 200
    return handoff_id


def _add(agent, **fields):
    body = {"title": "تتبع الطلب", "lang": "ar", "text": GREETING_AR, **fields}
    response = agent.post("/api/agent/replies", json=body, headers=XHR)
    assert response.status_code == 201, response.json
    return response.json


def test_agents_share_one_list_through_the_api(chat_app, mona, omar):
    added = _add(mona)
    assert (added["created_by"], added["lang"], added["text"]) == ("mona", "ar", GREETING_AR)
    english = _add(omar, title="Tracking", lang="en", text="Hi {name}")
    assert [r["id"] for r in omar.get("/api/agent/replies").json["replies"]] == [
        english["id"], added["id"]]
    assert [r["id"] for r in mona.get("/api/agent/replies?lang=ar").json["replies"]] == [
        added["id"]]
    assert mona.get(f"/api/agent/replies/{english['id']}").json["title"] == "Tracking"
    # omar changes mona's (only the fields given), then deletes it.
    edited = omar.post(f"/api/agent/replies/{added['id']}", json={"title": "الطلب"},
                       headers=XHR)
    assert edited.status_code == 200
    assert (edited.json["title"], edited.json["text"]) == ("الطلب", GREETING_AR)
    deleted = omar.post(f"/api/agent/replies/{added['id']}/delete", headers=XHR)
    assert deleted.status_code == 200 and deleted.json == {"deleted": added["id"]}
    db = database(chat_app)
    assert [r["title"] for r in db.query("SELECT title FROM canned_replies")] == ["Tracking"]
    db.close()


@pytest.mark.parametrize("method, path, body, status", [
    ("get", "/api/agent/replies?lang=fr", None, 400),
    ("post", "/api/agent/replies", {"title": "", "lang": "ar", "text": "x"}, 400),
    ("post", "/api/agent/replies", {"title": "x", "lang": "de", "text": "x"}, 400),
    ("post", "/api/agent/replies", {"title": "x", "lang": "ar", "text": "a" * 4001}, 400),
    ("post", "/api/agent/replies", {"title": ["x"], "lang": "ar", "text": "x"}, 400),
    ("post", "/api/agent/replies/{id}", {"lang": "xx"}, 400),
    ("post", "/api/agent/replies/{id}", {"text": None}, 400),
    ("get", "/api/agent/replies/999", None, 404),
    ("get", "/api/agent/replies/abc", None, 404),
    ("post", "/api/agent/replies/999", {"title": "x"}, 404),
    ("post", "/api/agent/replies/999/delete", None, 404),
    ("get", "/api/agent/replies/{id}/filled", None, 400),
    ("get", "/api/agent/replies/{id}/filled?handoff_id=x", None, 400),
    ("get", "/api/agent/replies/{id}/filled?handoff_id=999", None, 404),
    ("get", "/api/agent/replies/999/filled?handoff_id=1", None, 404),
])
def test_bad_requests_get_a_json_4xx_and_change_nothing(chat_app, mona, method, path, body,
                                                         status):
    reply = _add(mona)
    path = path.replace("{id}", str(reply["id"]))
    response = (mona.get(path) if method == "get" else
                mona.post(path, json=body, headers=XHR) if body is not None else
                mona.post(path, headers=XHR))
    assert response.status_code == status and response.is_json and response.json["error"]
    assert mona.get(f"/api/agent/replies/{reply['id']}").json == reply


def test_the_calls_need_a_session_and_the_header(chat_app, mona):
    reply = _add(mona)
    anonymous = chat_app.test_client()
    assert anonymous.get("/api/agent/replies").status_code == 401
    assert anonymous.post("/api/agent/replies", json={}, headers=XHR).status_code == 401
    for path in ("/api/agent/replies", f"/api/agent/replies/{reply['id']}",
                 f"/api/agent/replies/{reply['id']}/delete"):
        assert mona.post(path, json={"title": "x", "lang": "ar", "text": "x"}).status_code == 403
    assert mona.get(f"/api/agent/replies/{reply['id']}").json == reply


def test_a_reply_comes_filled_for_the_handoff_s_customer(chat_app, customer, mona):
    handoff_id = _handoff(customer, mona, name="سارة")
    reply = _add(mona)
    filled = mona.get(f"/api/agent/replies/{reply['id']}/filled?handoff_id={handoff_id}").json
    assert filled == {"text": "أهلًا سارة، معك mona. ما رقم طلبك {order}؟",
                      "unfilled": ["order"]}


def test_a_customer_without_a_name_is_greeted_kindly(chat_app, customer, mona):
    handoff_id = _handoff(customer, mona)
    english = _add(mona, lang="en", text="Hi {name}, this is {agent}.")
    arabic = _add(mona, text="أهلًا {name}")
    url = "/api/agent/replies/{}/filled?handoff_id=" + str(handoff_id)
    assert mona.get(url.format(english["id"])).json["text"] == "Hi there, this is mona."
    assert mona.get(url.format(arabic["id"])).json["text"] == "أهلًا عميلنا العزيز"


# --- no customer ever reads "{order}" ----------------------------------------------------------

def test_a_reply_with_a_placeholder_left_is_not_sent(chat_app, customer, mona):
    handoff_id = _handoff(customer, mona, name="سارة")
    refused = mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                        json={"text": "أهلًا سارة، ما رقم طلبك {order}؟"})
    assert refused.status_code == 400 and "{order}" in refused.json["error"]
    # The console's form says so too, and keeps the page.
    page = f"/agent/handoffs/{handoff_id}"
    token = csrf_token(mona.get(page).get_data(as_text=True))
    form = mona.post(f"{page}/reply", data={"text": "Hi {name}", "csrf_token": token})
    assert form.status_code == 400 and "{name}" in form.get_data(as_text=True)
    assert all("{" not in m["text"] for m in customer.new_messages()["messages"])
    # Filled in, it goes; braces that are no placeholder go too.
    sent = mona.post(f"/api/agent/handoffs/{handoff_id}/reply", headers=XHR,
                     json={"text": 'رقم طلبك 1234، والرمز {"a": 1}'})
    assert sent.status_code == 201
    assert customer.new_messages()["messages"][-1]["text"] == 'رقم طلبك 1234، والرمز {"a": 1}'


# --- the console --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, question, first, second", [
    ("ar", "بدي احكي مع موظف", "واحد عربي", "English one"),
    ("en", "I want to talk to a person", "English one", "واحد عربي"),
])
def test_the_handoff_page_offers_the_saved_replies_conversation_s_language_first(
        chat_app, mona, lang, question, first, second):
    customer = Customer(chat_app.test_client(), lang=lang)
    handoff_id = customer.say(question)["handoff"]["id"]
    assert mona.post(f"/api/agent/handoffs/{handoff_id}/claim", headers=XHR).status_code == 200
    _add(mona, title="English one", lang="en", text="Hi {name}")
    _add(mona, title="واحد عربي")
    page = mona.get(f"/agent/handoffs/{handoff_id}").get_data(as_text=True)
    assert 'id="canned-pick"' in page and 'id="link-search"' in page
    assert page.index(first) < page.index(second)
    assert 'href="/agent/replies"' in page


def test_the_saved_replies_page_adds_edits_and_deletes(chat_app, mona):
    html = mona.get("/agent/replies").get_data(as_text=True)
    assert 'id="canned-add"' in html
    token = csrf_token(html)
    added = mona.post("/agent/replies", data={"title": "الشحن", "lang": "ar",
                                              "text": "أهلًا {name}", "csrf_token": token})
    assert added.status_code == 303 and "#reply-" in added.headers["Location"]
    reply_id = mona.get("/api/agent/replies").json["replies"][0]["id"]
    assert "الشحن" in mona.get("/agent/replies").get_data(as_text=True)
    edited = mona.post(f"/agent/replies/{reply_id}/edit",
                       data={"title": "Shipping", "lang": "en", "text": "Hi {name}",
                             "csrf_token": token})
    assert edited.status_code == 303
    assert mona.get(f"/api/agent/replies/{reply_id}").json["lang"] == "en"
    # A bad edit says why and keeps what was typed.
    bad = mona.post(f"/agent/replies/{reply_id}/edit",
                    data={"title": "", "lang": "en", "text": "what I typed", "csrf_token": token})
    assert bad.status_code == 400
    assert "the title is empty" in bad.get_data(as_text=True)
    assert "what I typed" in bad.get_data(as_text=True)
    assert mona.post(f"/agent/replies/{reply_id}/delete",
                     data={"csrf_token": token}).status_code == 303
    assert mona.get("/api/agent/replies").json["replies"] == []
    assert mona.post("/agent/replies/999/delete", data={"csrf_token": token}).status_code == 404


def test_the_saved_replies_forms_need_the_csrf_token_and_a_session(chat_app, mona):
    assert mona.post("/agent/replies", data={"title": "x", "lang": "ar",
                                             "text": "x"}).status_code in (400, 403)
    assert mona.get("/api/agent/replies").json["replies"] == []
    anonymous = chat_app.test_client().get("/agent/replies")
    assert anonymous.status_code == 302 and "/agent/login" in anonymous.headers["Location"]


def test_the_nav_names_the_saved_replies_on_every_console_page(chat_app, mona):
    for path in ("/agent", "/agent/learned", "/agent/insights"):
        response = mona.get(path)
        assert response.status_code == 200, path
        assert 'href="/agent/replies"' in response.get_data(as_text=True)
