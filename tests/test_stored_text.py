"""Every text Dalil stores, whichever route it comes through, obeys bot/clean.py's one
rule: a control character or undecodable text is refused with a 4xx, a bidi override
is removed. Each case sends a hostile value through one field of one route, then reads
every text cell of the SQLite file: none may hold a control, bidi or undecodable
character, and a value that was taken is there without its override."""
import json
import re
import unicodedata
import urllib.parse

import pytest

from bot.clean import BIDI_CONTROLS
from bot.desk import agents
from chat_fixtures import (PASSWORD, XHR, Customer, agent_client, chat_app,  # noqa: F401
                           database, shared_app)
from web_fixtures import csrf_token

BIDI = "\u202e"        # RIGHT-TO-LEFT OVERRIDE: removed
CONTROL = "\x1b"       # ESC: refused
SURROGATE = "\ud800"   # a lone surrogate (the JSON escape "\ud800"): refused
ISOLATE = "\u2067"     # RIGHT-TO-LEFT ISOLATE: removed
HOSTILE = {"bidi override": BIDI, "bidi isolate": ISOLATE, "control": CONTROL,
           "surrogate": SURROGATE}
REMOVED = (BIDI, ISOLATE)


class Scene:
    """A customer whose conversation was handed over, the handoff claimed by mona."""

    def __init__(self, app):
        self.app = app
        self.customer = Customer(app.test_client(), lang="en")
        self.customer.say("talk to a human")
        self.mona = agent_client(app, "mona")
        self.handoff_id = self.mona.get("/api/agent/handoffs").json["handoffs"][0]["id"]
        assert self.mona.post(f"/api/agent/handoffs/{self.handoff_id}/claim",
                              headers=XHR).status_code == 200

    def agent_form(self, action, fields):
        page = self.mona.get(f"/agent/handoffs/{self.handoff_id}").get_data(as_text=True)
        return self.mona.post(f"/agent/handoffs/{self.handoff_id}/{action}",
                              data=_form({**fields, "csrf_token": csrf_token(page)}),
                              content_type="application/x-www-form-urlencoded")

    def api(self, path, body, client=None, headers=XHR):
        return post_json(client or self.mona, path, body, headers)

    def chat(self, path, body):
        return post_json(self.customer.client, f"/api/conversations/{self.customer.id}/{path}",
                         body, self.customer.headers)

    def resolved(self):
        assert self.api(f"/api/agent/handoffs/{self.handoff_id}/resolve",
                        {"outcome": "no_article"}).status_code == 200


def post_json(client, url, body, headers=None):
    """POST ``body`` as JSON with every non-ASCII character escaped, as a script may send
    it (a lone surrogate cannot be UTF-8, but "\\ud800" is valid JSON)."""
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers=headers or {})


def _form(fields):
    # A lone surrogate cannot be UTF-8: a browser would send U+FFFD's bytes, a script
    # any bytes at all — send b"\xff", which the server decodes as U+FFFD.
    def encode(value):
        if SURROGATE in value:
            return "%FF".join(urllib.parse.quote(part) for part in value.split(SURROGATE))
        return urllib.parse.quote(value)
    return "&".join(f"{key}={encode(value)}" for key, value in fields.items())


def _rating(scene, text):
    scene.resolved()
    return scene.chat("rating", {"score": 4, "comment": text})


def _feedback_form(scene, text):
    client = scene.customer.client
    page = client.get("/en/articles/order-tracking").get_data(as_text=True)
    return client.post("/en/articles/order-tracking/feedback",
                       data=_form({"helpful": "0", "comment": text,
                                   "csrf_token": csrf_token(page)}),
                       content_type="application/x-www-form-urlencoded")


def _login_form(scene, field, text):
    client = scene.app.test_client()
    page = client.get("/agent/login").get_data(as_text=True)
    fields = {"name": "mona", "password": PASSWORD, field: text}
    return client.post("/agent/login", data=_form({**fields, "csrf_token": csrf_token(page)}),
                       content_type="application/x-www-form-urlencoded")


def _new_agent(scene, text):
    try:
        agents.add_agent(database(scene.app), text, PASSWORD)
    except agents.AgentError:
        return 400
    return 201


# Each route and field: (send the value, the text to find stored when it is taken, or
# None when the route stores no such text). {X} is where the hostile character goes.
CASES = {
    "customer message": (lambda s, v: s.chat("messages", {"text": v}),
                         "where is my {X}order now"),
    "contact name": (lambda s, v: s.chat("handoff", {"name": v, "handoff_id": s.handoff_id}),
                     "Mona {X}Saleh"),
    "contact email": (lambda s, v: s.chat("handoff", {"email": v, "handoff_id": s.handoff_id}),
                      "mona{X}@example.com"),
    "rating comment": (_rating, "kind and {X}quick"),
    "feedback comment (API)": (
        lambda s, v: post_json(s.customer.client, "/api/articles/order-tracking/feedback",
                               {"helpful": False, "comment": v}),
        "the map {X}is wrong"),
    "feedback comment (form)": (_feedback_form, "the map {X}is wrong"),
    "agent reply (API)": (
        lambda s, v: s.api(f"/api/agent/handoffs/{s.handoff_id}/reply", {"text": v}),
        "your parcel {X}left today"),
    "agent reply (form)": (lambda s, v: s.agent_form("reply", {"text": v}),
                           "your parcel {X}left today"),
    "learned question (API)": (
        lambda s, v: s.api(f"/api/agent/handoffs/{s.handoff_id}/resolve",
                           {"outcome": "article", "article_id": "order-tracking",
                            "question": v}),
        "where is my {X}parcel now"),
    "learned question (form)": (
        lambda s, v: s.agent_form("resolve", {"outcome": "article",
                                              "article_id": "order-tracking",
                                              "question_edit": v}),
        "where is my {X}parcel now"),
    "search (API)": (lambda s, v: s.customer.client.get("/api/search?" + _form({"q": v})),
                     "track {X}order"),
    "search (page)": (lambda s, v: s.customer.client.get("/en/search?" + _form({"q": v})),
                      "track {X}order"),
    "ask (API)": (lambda s, v: post_json(s.customer.client, "/api/ask", {"question": v}),
                  "where is my {X}order now"),
    "login name (API)": (
        lambda s, v: post_json(s.app.test_client(), "/api/agent/login",
                               {"name": v, "password": PASSWORD}), None),
    "login password (API)": (
        lambda s, v: post_json(s.app.test_client(), "/api/agent/login",
                               {"name": "mona", "password": v}), None),
    "login name (form)": (lambda s, v: _login_form(s, "name", v), None),
    "login password (form)": (lambda s, v: _login_form(s, "password", v), None),
    "new agent's name": (_new_agent, None),
}

# Forms and query strings are percent-encoded: a byte that is not UTF-8 (%FF) arrives
# as the text "%FF" (werkzeug keeps what it cannot decode as it was sent) — harmless,
# so there only "nothing unclean is stored" is asserted for the undecodable case.
URL_ENCODED = {"feedback comment (form)", "agent reply (form)", "learned question (form)",
               "search (API)", "search (page)", "login name (form)", "login password (form)"}
# The results page tells a reader what is wrong with a search on the page itself (200).
SAID_ON_THE_PAGE = {"search (page)": 'class="notice"'}

_DIRTY = re.compile(f"[{BIDI_CONTROLS}\ufffd]")


def _unclean(value):
    return (_DIRTY.search(value) or any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n" for ch in value))


def stored_texts(app):
    """Every text cell of every table of the app's SQLite file."""
    db = database(app)
    return [value for table in db.table_names() for row in db[table].rows
            for value in row.values() if isinstance(value, str)]


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_no_route_stores_a_control_bidi_or_undecodable_character(chat_app, case, hostile):
    send, template = CASES[case]
    scene = Scene(chat_app)
    value = (template or "mona{X}").replace("{X}", hostile)
    response = send(scene, value)
    status = response if isinstance(response, int) else response.status_code
    assert status < 500, (case, status)
    unclean = [text for text in stored_texts(chat_app) if _unclean(text)]
    assert unclean == [], (case, unclean)
    if hostile == SURROGATE and case in URL_ENCODED:
        return
    if hostile not in REMOVED and case in SAID_ON_THE_PAGE:
        assert SAID_ON_THE_PAGE[case] in response.get_data(as_text=True), case
    elif hostile not in REMOVED:
        assert 400 <= status < 500, (case, status)  # refused, and said so
    elif template is not None:
        assert status < 400, (case, status, getattr(response, "data", b"")[:300])
        clean = template.replace("{X}", "")
        assert any(clean in text for text in stored_texts(chat_app)), (case, clean)
