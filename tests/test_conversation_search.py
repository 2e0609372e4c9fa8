"""The agents' search over conversations: its filters (bot/desk/search.py, pure), the
Arabic-aware text match and the other filters over the store on SQLite and PostgreSQL
(bot/store/search.py, the message_search table filled by the search itself), forgetting
a customer taking their words out of it, the JSON API and the /agent/search page
(web/agent_search.py). The API and page tests take ``chat_app``, so
tests/test_store_postgres_desk.py can run them again on PostgreSQL."""
import datetime
import re

import pytest

from bot import store
from bot.desk import customers
from bot.desk.search import (MAX_PAGE, PAGE_SIZE, Query, SearchError, day_bounds, parse_query,
                             search, snippet)
from bot.desk.tags import MAX_TAGS
from chat_fixtures import XHR, Customer, agent_client, chat_app, database, shared_app  # noqa: F401
from kb.text import normalize
from web_fixtures import csrf_token

# --- the filters ---------------------------------------------------------------------------------


def test_a_search_reads_its_filters():
    query = parse_query({"q": " الطلب ", "customer": "Mona@Example.com", "tag": "VIP",
                         "from": "2026-03-01", "to": "2026-03-31", "status": "resolved",
                         "page": "2", "other": "ignored"})
    assert query == Query("الطلب", "Mona@Example.com", "vip", datetime.date(2026, 3, 1),
                          datetime.date(2026, 3, 31), "resolved", 2)
    assert query.folded_customer == "mona@example.com"
    assert query.args(page=3) == {"q": "الطلب", "customer": "Mona@Example.com", "tag": "vip",
                                  "from": "2026-03-01", "to": "2026-03-31",
                                  "status": "resolved", "page": 3}
    assert parse_query({}) == Query()
    assert parse_query({"q": "", "from": "", "page": ""}) == Query()


@pytest.mark.parametrize("args, said", [
    ({"from": "2026-3-1"}, "YYYY-MM-DD"),
    ({"from": "01/03/2026"}, "YYYY-MM-DD"),
    ({"to": "٢٠٢٦-٠٣-٠١"}, "YYYY-MM-DD"),             # Arabic-Indic digits
    ({"from": "2026-02-30"}, "not a date of the calendar"),
    ({"from": "0001-01-01"}, "from 1900"),
    ({"to": "9999-12-31"}, "to 9998"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "is after to"),
    ({"q": "x" * 201}, "too long"),
    ({"q": "\ud800"}, "decoded"),
    ({"q": "a\x00b"}, "one line"),
    ({"q": "a\nb"}, "one line"),
    ({"customer": "a\x1bb"}, "one line"),
    ({"q": "\u064b\u0640"}, "nothing to search for"),  # a mark and tatweel alone
    ({"tag": "#vip"}, "'#'"),
    ({"status": "mine"}, "open, claimed or resolved"),
    ({"page": "0"}, "page must be"),
    ({"page": str(MAX_PAGE + 1)}, "page must be"),
    ({"page": "²"}, "page must be"),
    ({"page": "1e3"}, "page must be"),
    ({"q": ["a"]}, "must be text"),
])
def test_a_filter_that_cannot_be_used_is_refused_naming_it(args, said):
    with pytest.raises(SearchError) as refused:
        parse_query(args)
    assert said in str(refused.value)


def test_days_are_the_teams_days_in_utc():
    query = parse_query({"from": "2026-03-01", "to": "2026-03-01"})
    assert day_bounds(query, "Asia/Riyadh") == ("2026-02-28T21:00:00+00:00",
                                                "2026-03-01T21:00:00+00:00")
    assert day_bounds(parse_query({"to": "2026-03-31"}), "UTC") == (
        None, "2026-04-01T00:00:00+00:00")
    assert day_bounds(Query(), "UTC") == (None, None)


@pytest.mark.parametrize("text, needle, expected", [
    ("أين الطَّلَبُ الخاص بي؟", "الطلب", ("أين ", "الطَّلَبُ", " الخاص بي؟")),
    ("وصلتني الطلبات", "الطلب", ("وصلتني ", "الطلب", "ات")),
    ("Where is my ORDER now", "order", ("Where is my ", "ORDER", " now")),
    ("الفاتورة\nجاهزة", "فاتوره", ("ال", "فاتورة", " جاهزة")),
    ("الطـــلب", "الطلب", ("", "الطـــلب", "")),
])
def test_the_snippet_marks_the_match_as_it_was_written(text, needle, expected):
    cut = snippet(text, normalize(needle))
    assert (cut["before"], cut["match"], cut["after"]) == expected


def test_a_long_message_is_cut_around_the_match():
    text = "ا" * 100 + " refund " + "ب" * 100
    cut = snippet(text, "refund", context=10)
    assert cut["match"] == "refund"
    assert cut["before"] == "…" + "ا" * 9 + " " and cut["after"] == " " + "ب" * 9 + "…"
    assert snippet("no match here", "zzz")["match"] == ""


# --- the search over the store, on both backends -----------------------------------------------

def _conversation(db, *texts, name="", email="", created=None, role="customer"):
    """A conversation with a handoff: its messages, contact details, and start time."""
    conversation = store.create_conversation(db, "ar")["id"]
    for text in texts:
        store.add_message(db, conversation, role, text)
    store.set_contact(db, conversation, name, email)
    handoff, _ = store.open_handoff(db, conversation, reason="asked for a person", lang="ar",
                                    first_question=texts[0] if texts else None)
    if created:
        db.execute("UPDATE conversations SET created = ? WHERE id = ?", [created, conversation])
    return conversation, handoff["id"]


def _found(db, zone="UTC", **args):
    return [hit["conversation_id"] for hit in search(db, parse_query(args), zone).hits]


# What an agent types, and what customers wrote that it must find.
ARABIC_VARIANTS = [
    ("الطلب", "وين الطَّلَب حقي"),          # diacritics
    ("الطلب", "الطـــلب ما وصل"),           # tatweel
    ("الطلب", "وصلتني الطلبات ناقصة"),      # part of a longer word
    ("طلب", "أين الطلب"),                   # and the other way: a part of the word
    ("أين", "اين طلبي"),                    # alef with hamza / bare alef
    ("اين", "أين طلبي"),
    ("إلغاء", "ابغى الغاء الطلب"),
    ("آخر", "اخر موعد"),
    ("فاتورة", "ارسلوا الفاتوره"),          # ta marbuta / ha
    ("فاتوره", "ارسلوا الفاتورة"),
    ("مستشفى", "قرب المستشفي"),             # alef maqsura / ya
    ("الطَّلَب", "الطلب متأخر"),            # the agent typed the marks
    ("ORDER", "where is my order"),         # English, any case
    ("order", "My ORDER is late"),
    ("١٢٣٤", "order 1234"),                 # digits as the bot reads them
]


@pytest.mark.parametrize("typed, written", ARABIC_VARIANTS)
def test_text_matches_arabic_as_the_bot_reads_it(backend_db, typed, written):
    db = backend_db
    wanted, _ = _conversation(db, written)
    _conversation(db, "شكرا لكم", "thank you")
    assert _found(db, q=typed) == [wanted]


def test_text_does_not_match_what_is_not_there(backend_db):
    db = backend_db
    _conversation(db, "وين طلبي")
    assert _found(db, q="فاتورة") == []
    assert _found(db, q="100%") == []  # LIKE's wildcards are the text's characters
    assert _found(db, q="_") == []


def test_text_is_searched_in_bot_and_agent_lines_but_not_system_notices(backend_db):
    db = backend_db
    bot_line, _ = _conversation(db, "hello")
    store.add_message(db, bot_line, "bot", "Your refund was sent")
    agent_line, _ = _conversation(db, "hi")
    store.add_message(db, agent_line, "agent", "I issued the refund")
    system_line, _ = _conversation(db, "hey")
    store.add_message(db, system_line, "system", "refund desk is closed")
    assert _found(db, q="refund") == [agent_line, bot_line]


def test_messages_written_after_a_search_are_found_by_the_next(backend_db):
    db = backend_db
    first, _ = _conversation(db, "first message")
    assert _found(db, q="message") == [first]
    second, _ = _conversation(db, "second message")
    assert _found(db, q="message") == [second, first]
    assert store.index_messages(db, normalize) == 0  # nothing left to fold
    counted = list(db.query("SELECT count(*) AS n FROM message_search"))[0]["n"]
    assert counted == 2


def test_customer_tag_status_and_dates_narrow_the_search(backend_db):
    db = backend_db
    mona, mona_handoff = _conversation(db, "refund please", name="Mona Ali",
                                       email="mona@example.com",
                                       created="2026-03-01T10:00:00+00:00")
    sara, _ = _conversation(db, "refund again", name="سارة", email="sara@example.com",
                            created="2026-03-05T10:00:00+00:00")
    shop, _ = _conversation(db, "refund", created="2026-03-09T23:30:00+00:00")
    customer_id = store.customers.verified_customer(db, "c-1042", "lina@example.com", "Lina")
    store.customers.link_conversation(db, shop, customer_id, "verified")
    store.add_tag(db, sara, "vip", "omar", MAX_TAGS)
    store.add_tag(db, mona, "vip", "omar", MAX_TAGS)
    assert store.claim_handoff(db, mona_handoff, "omar")
    assert _found(db, customer="MONA@example") == [mona]
    assert _found(db, customer="mona ali") == [mona]
    assert _found(db, customer="سارة") == [sara]
    assert _found(db, customer="ساره") == [sara]           # ة typed as ه
    assert _found(db, customer="lina") == [shop]           # the customer record's name
    assert _found(db, customer="c-1042") == [shop]         # the shop's id for them
    assert _found(db, customer="%") == []
    assert _found(db, tag="VIP") == [sara, mona]
    assert _found(db, tag="late") == []
    assert _found(db, status="claimed") == [mona]
    assert _found(db, status="open", tag="vip") == [sara]
    assert _found(db, **{"from": "2026-03-02"}) == [shop, sara]
    assert _found(db, to="2026-03-05") == [sara, mona]
    assert _found(db, **{"from": "2026-03-05", "to": "2026-03-05"}) == [sara]
    # 23:30 UTC on the 9th is the 10th in Riyadh.
    assert _found(db, zone="Asia/Riyadh", **{"from": "2026-03-10"}) == [shop]
    assert _found(db, q="refund", customer="sara", tag="vip", to="2026-03-31") == [sara]


def test_results_come_newest_first_a_page_at_a_time_with_tags_and_snippets(backend_db):
    db = backend_db
    made = [_conversation(db, f"order number {n}", "الطلب رقم")[0]
            for n in range(PAGE_SIZE + 5)]
    store.add_tag(db, made[-1], "late", "mona", MAX_TAGS)
    first = search(db, parse_query({"q": "order"}), "UTC")
    assert [hit["conversation_id"] for hit in first.hits] == made[::-1][:PAGE_SIZE]
    assert first.more and first.page == 1
    newest = first.hits[0]
    assert newest["tags"] == ["late"] and newest["question"] == f"order number {PAGE_SIZE + 4}"
    assert (newest["match"]["before"], newest["match"]["match"]) == ("", "order")
    second = search(db, parse_query({"q": "order", "page": "2"}), "UTC")
    assert [hit["conversation_id"] for hit in second.hits] == made[::-1][PAGE_SIZE:]
    assert not second.more
    # Without text: every conversation with a handoff, no snippet.
    plain = search(db, parse_query({}), "UTC")
    assert len(plain.hits) == PAGE_SIZE and plain.hits[0]["match"] is None


def test_a_conversation_without_a_handoff_is_not_in_the_search(backend_db):
    db = backend_db
    bot_only = store.create_conversation(db, "en")["id"]
    store.add_message(db, bot_only, "customer", "where is my order")
    handed, _ = _conversation(db, "where is my order")
    assert _found(db, q="order") == [handed]


def test_forgetting_a_customer_takes_their_words_out_of_the_search(backend_db):
    db = backend_db
    mona, _ = _conversation(db, "my secret address is 12 Palm street", email="mona@example.com")
    other, _ = _conversation(db, "palm trees", email="sara@example.com")
    assert _found(db, q="palm") == [other, mona]
    customers.forget(db, "mona@example.com")
    rows = list(db.query("SELECT conversation_id, text FROM message_search ORDER BY id"))
    assert [row["conversation_id"] for row in rows] == [other]
    assert _found(db, q="palm") == [other]
    assert _found(db, q="secret") == []


def test_a_message_forgotten_while_a_search_folds_gets_no_row(backend_db):
    # index_messages folds outside the write lock, then inserts only the messages that
    # still exist: a forget in between leaves nothing behind.
    db = backend_db
    mona, _ = _conversation(db, "my secret", email="mona@example.com")

    def fold(text):
        customers.forget(db, "mona@example.com")  # while the batch is being folded
        return normalize(text)

    assert store.index_messages(db, fold) == 1  # one read ...
    assert list(db.query("SELECT * FROM message_search")) == []  # ... none kept
    assert mona


# --- the JSON API ------------------------------------------------------------------------------

def _handoff(app, text, **contact):
    customer = Customer(app.test_client())
    customer.say(text)
    response = customer.handoff(**contact)
    assert response.status_code == 200, response.json
    return customer, response.json["id"]


def test_the_api_finds_conversations_by_text_customer_and_tag(chat_app):
    mona = agent_client(chat_app, "mona")
    sara, sara_handoff = _handoff(chat_app, "وين الطَّلَب حقي", name="سارة",
                                  email="sara@example.com")
    _handoff(chat_app, "how much is shipping", name="Omar", email="omar@example.com")
    mona.post(f"/api/agent/handoffs/{sara_handoff}/tags", json={"tag": "late"}, headers=XHR)
    response = mona.get("/api/agent/search", query_string={"q": "الطلب"})
    assert response.status_code == 200, response.json
    assert (response.json["page"], response.json["more"], response.json["page_size"]) == (
        1, False, PAGE_SIZE)
    [hit] = response.json["results"]
    assert hit["conversation_id"] == sara.id and hit["handoff_id"] == sara_handoff
    assert hit["customer"] == {"name": "سارة", "email": "sara@example.com",
                               "external_id": None, "verified": False}
    assert hit["tags"] == ["late"] and hit["status"] == "open"
    assert hit["question"] == "وين الطَّلَب حقي"
    assert (hit["match"]["before"], hit["match"]["match"], hit["match"]["after"]) == (
        "وين ", "الطَّلَب", " حقي")
    assert hit["url"] == f"/agent/handoffs/{sara_handoff}"
    by_email = mona.get("/api/agent/search?customer=SARA@EXAMPLE.COM").json["results"]
    assert [h["conversation_id"] for h in by_email] == [sara.id]
    by_tag = mona.get("/api/agent/search?tag=Late").json["results"]
    assert [h["conversation_id"] for h in by_tag] == [sara.id]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    week_ago = (today - datetime.timedelta(days=7)).isoformat()
    assert len(mona.get(f"/api/agent/search?from={week_ago}").json["results"]) == 2
    assert mona.get(f"/api/agent/search?to={week_ago}").json["results"] == []


@pytest.mark.parametrize("query, said", [
    ("from=2026-03-02&to=2026-03-01", "is after to"),
    ("from=yesterday", "YYYY-MM-DD"),
    ("to=2026-13-01", "not a date"),
    ("q=" + "x" * 201, "too long"),
    ("q=" + "x" * 100000, "too long"),
    ("q=%EF%BF%BD", "decoded"),          # U+FFFD: what an undecodable byte became
    ("q=a%00b", "one line"),
    ("customer=%1B", "one line"),
    ("q=%D9%8B", "nothing to search for"),
    ("tag=%23vip", "'#'"),
    ("status=mine", "open, claimed or resolved"),
    ("page=0", "page must be"),
    ("page=99999999999999999999999", "page must be"),
])
def test_bad_search_input_is_a_400_saying_why(chat_app, query, said):
    mona = agent_client(chat_app, "mona")
    response = mona.get("/api/agent/search?" + query)
    assert response.status_code == 400, response.json
    assert said in response.json["error"]


def test_the_search_api_is_for_agents_only(chat_app):
    response = chat_app.test_client().get("/api/agent/search?q=order")
    assert response.status_code == 401 and "sign in" in response.json["error"]


def test_the_openapi_document_describes_tags_and_search(chat_app):
    spec = chat_app.test_client().get("/api/openapi.json").json
    for path in ("/api/agent/tags", "/api/agent/handoffs/{handoff_id}/tags",
                 "/api/agent/handoffs/{handoff_id}/tags/delete", "/api/agent/search"):
        assert path in spec["paths"]
    parameters = {p["name"] for p in spec["paths"]["/api/agent/search"]["get"]["parameters"]}
    assert parameters == {"q", "customer", "tag", "from", "to", "status", "page"}
    assert "SearchHit" in spec["components"]["schemas"]


# --- the page --------------------------------------------------------------------------------

def test_the_search_page_shows_results_with_the_match_marked_safely(chat_app):
    mona = agent_client(chat_app, "mona")
    _, handoff_id = _handoff(chat_app, "<script>alert(1)</script> where is my ORDER",
                             name="<b>Mona</b>")
    html = mona.get("/agent/search?q=order&lang=en").get_data(as_text=True)
    assert "<mark>ORDER</mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>Mona</b>" not in html and "&lt;b&gt;Mona&lt;/b&gt;" in html
    assert f'href="/agent/handoffs/{handoff_id}"' in html
    # Each result carries its tag forms, which come back to this search.
    assert f'action="/agent/handoffs/{handoff_id}/tags"' in html
    assert 'name="next" value="/agent/search?q=order&amp;lang=en#hit-' in html
    empty = mona.get("/agent/search?q=nothing-like-this").get_data(as_text=True)
    assert 'id="search-none"' in empty


def test_the_search_page_says_what_is_wrong_with_a_400(chat_app):
    mona = agent_client(chat_app, "mona")
    response = mona.get("/agent/search?from=2026-03-02&to=2026-03-01&q=keep+me")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="search-problem"' in html and "is after to" in html
    assert 'value="keep me"' in html  # what the agent typed stays in the form
    stranger = chat_app.test_client().get("/agent/search")
    assert stranger.status_code == 302 and "/agent/login" in stranger.headers["Location"]


def test_a_tag_added_from_the_search_page_comes_back_to_it(chat_app):
    mona = agent_client(chat_app, "mona")
    customer, handoff_id = _handoff(chat_app, "where is my order")
    html = mona.get("/agent/search?q=order").get_data(as_text=True)
    target = re.search(r'name="next" value="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = mona.post(f"/agent/handoffs/{handoff_id}/tags",
                         data={"csrf_token": csrf_token(html), "tag": "late", "next": target})
    assert (response.status_code, response.headers["Location"]) == (303, target)
    assert mona.get("/api/agent/search?tag=late").json["results"][0]["conversation_id"] == \
        customer.id
