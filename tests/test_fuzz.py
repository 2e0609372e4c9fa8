"""Property-based fuzzing (hypothesis): hostile bodies, query strings, path values and
headers on every route of the app's url_map and every operation of the served
/api/openapi.json never get a 5xx, and under /api/ a 4xx is a JSON {"error": ...}.

Bounded and reproducible: a fixed number of examples (the file runs in about 20 s on a
2-core machine), derandomized, no example database kept. On the code before the fixes
of tests/test_bad_input.py it fails on seven operations (lone surrogates, deep JSON).
"""
import json
import os
import pathlib
import re
import shutil
import tempfile
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import store
from bot.desk import agents, handoffs
from chat_fixtures import XHR, add_agent, make_app
from web.auth import SESSION_ID, SESSION_KEY
from web.openapi import SPEC

FUZZ = settings(max_examples=250, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")

# Whole values a client may send on purpose to break a server.
HOSTILE = [
    "", " ", "²", "٣", "-1", "0", "1e3", "0x10", "1.5", str(2 ** 63), str(2 ** 63 - 1),
    str(10 ** 30), "9" * 5000, "null", "true", "[]", "{}", "%", "%00", "%ED%A0%80",
    "../../etc/passwd", "//evil.example", "/agent\r\nX: 1", "javascript:alert(1)",
    "<script>alert(1)</script>", "' OR '1'='1", "x" * 3000, "article:", "DELETE",
]
# Characters that broke servers (this one among them): a lone surrogate, U+FFFD,
# controls, line breaks, bidi overrides and isolates, a BOM, digits that are not ASCII.
NASTY = ["\ud800", "\udfff", "\ud83d", "\ufffd", "\x00", "\x1b", "\x7f", "\x85", "\r", "\n",
         "\r\n", "\t", "\u202e", "\u2066", "\u200f", "\ufeff", "²", "٣", "%", "'", "\\", "<"]
# What a field holds when it is right: a nasty character goes in one of these.
PLAIN = ["Mona", "where is my order", "وين طلبي", "mona@example.com", "1", "helpful",
         "article:order-tracking", "order-tracking", "en", "/agent/", ""]
QUERY_KEYS = ["q", "lang", "limit", "source", "after", "status", "days", "from", "to",
              "next", "feedback", "removed", "_method", "_external", "_scheme", "_anchor"]

# Any code point, lone surrogates included (hypothesis leaves them out by default).
any_text = st.text(st.characters(exclude_categories=()), max_size=40)


@st.composite
def _hostile_text(draw):
    """Text as a hostile client sends it: mostly a plain value with a nasty character
    put in it, else a whole hostile value, else any text at all."""
    how = draw(st.sampled_from(["inject", "inject", "inject", "whole", "any"]))
    if how == "whole":
        return draw(st.sampled_from(HOSTILE))
    if how == "any":
        return draw(any_text)
    plain = draw(st.sampled_from(PLAIN))
    at = draw(st.integers(0, len(plain)))
    return plain[:at] + draw(st.sampled_from(NASTY)) + plain[at:]


hostile_text = _hostile_text()
json_scalar = st.one_of(
    st.none(), st.booleans(), hostile_text,
    st.integers(), st.sampled_from([2 ** 63, -2 ** 63 - 1, 10 ** 40, 0, 1, 5, 6]),
    st.floats(allow_nan=True, allow_infinity=True))
json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)),
    max_leaves=8)
field_value = st.one_of(hostile_text, json_value)


@st.composite
def usually(draw, value, otherwise):
    """Mostly ``value`` (a real id, token or header, so a request gets past the guards
    to the code that reads the rest), now and then what ``otherwise`` draws. (A
    one_of of just(value) three times is not drawn three times as often.)"""
    return value if draw(st.sampled_from([True, True, True, False])) else draw(otherwise)


def _deep(depth):
    return "[" * depth + "]" * depth


def _dumps(value):
    # ensure_ascii escapes a lone surrogate as "\ud800": what a hostile client sends.
    return json.dumps(value, allow_nan=True)


class Body(bytes):
    """A request body that a failing example prints short (some are 60,000 brackets)."""

    def __repr__(self):
        text = super().__repr__()
        return text if len(text) < 200 else f"{text[:90]}…{text[-90:]} ({len(self)} bytes)"


# A field's valid value where its schema's type or enum does not say enough.
EXAMPLES = {"question": "where is my order", "text": "where is my order", "score": 4,
            "email": "mona@example.com", "name": "mona", "password": "not the password",
            "article_id": "order-tracking", "choice": "helpful", "outcome": "not_support"}


def _example(name, schema):
    """Return a valid value of the body field ``name`` described by ``schema``."""
    if name in EXAMPLES:
        return EXAMPLES[name]
    if "enum" in schema:
        return schema["enum"][0]
    return {"boolean": True, "integer": 1}.get(schema.get("type"), "hello")


@st.composite
def bodies(draw, fields=(), content_types=True):
    """A request body and its Content-Type: mostly a JSON object of the operation's own
    fields (``fields``: (name, valid value) pairs), each valid, hostile or missing, so
    one bad value at a time gets past the others' checks; else any JSON, broken JSON,
    deep JSON or bytes. Without ``content_types`` it is always sent as JSON."""
    kind = draw(st.sampled_from(["fields"] * 6 + ["json", "text", "deep", "bytes", "empty"]))
    if kind == "fields":
        body = {}
        for name, example in fields or (("text", "hello"),):
            how = draw(st.sampled_from(["valid", "hostile", "hostile", "missing"]), label=name)
            if how != "missing":
                body[name] = example if how == "valid" else draw(field_value, label=name)
        body = _dumps(body)
    elif kind == "json":
        body = _dumps(draw(json_value))
    elif kind == "text":
        body = draw(st.sampled_from(['{"text": "x"', "{'a': 1}", "NaN", '{"a": 1e99999}',
                                     '{"a": ' + "1" * 5000 + "}", "\ufeff{}", '"\\ud800"',
                                     '{"text": "\\u0000"}', '{"a":1,"a":2}', "[1,]"]))
    elif kind == "deep":
        body = _deep(draw(st.sampled_from([21, 900, 5000, 30_000])))
    elif kind == "bytes":
        body = draw(st.binary(max_size=64))
    else:
        body = b""
    content_type = "application/json"
    if content_types:
        content_type = draw(usually(content_type, st.sampled_from(
            ["application/json; charset=latin-1", "text/plain", "multipart/form-data",
             "application/x-www-form-urlencoded", None])))
    return Body(body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body), \
        content_type


def _encode(text):
    """Percent-encode ``text`` as a client would send its UTF-8 bytes (a lone surrogate
    becomes the undecodable ED A0 80)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


query_strings = st.one_of(
    st.dictionaries(st.sampled_from(QUERY_KEYS), hostile_text, max_size=4).map(
        lambda args: "&".join(f"{_encode(k)}={_encode(v)}" for k, v in args.items())),
    st.binary(max_size=40).map(lambda raw: quote(raw, safe="=&%")),
    st.sampled_from(["%", "%%%", "a=%ZZ", "=&=&", "q=%ED%A0%80&lang=%FF"]))
# What a client can put in a header: latin-1, no CR or LF.
header_text = st.one_of(st.sampled_from(["", "ar", "en", "*", "\xff", "ar;q=x", "en-US,ar;q=0.9"]),
                        st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF),
                                max_size=30))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder for the fuzzed app's files: in memory (/dev/shm) where there is one, as
    every commit's fsync on a busy disk would take most of the time budget."""
    shm = pathlib.Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path_factory.mktemp("fuzz")
        return
    path = pathlib.Path(tempfile.mkdtemp(prefix="dalil-fuzz-", dir=shm))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def site(folder):
    """The app over the small help center (rate limits off), with one agent, a
    conversation and its handoff: the real ids fuzzed paths use now and then."""
    app = make_app(folder, RATELIMIT_ENABLED=False)
    add_agent(app, "mona")
    client = app.test_client()
    conversation = client.post("/api/conversations", json={"lang": "en"}).json
    token = conversation["token"]
    headers = {"X-Conversation-Token": token}
    client.post(f"/api/conversations/{conversation['id']}/messages", json={"text": "help"},
                headers=headers)
    handoff = client.post(f"/api/conversations/{conversation['id']}/handoff",
                          json={"name": "Mona"}, headers=headers).json
    real = {"conversation_id": str(conversation["id"]), "handoff_id": str(handoff["id"]),
            "article_id": "order-tracking", "lang": "en", "learned_id": "1", "number": "1",
            "article_lang": "ar", "action": "claim", "filename": "x.png", "table": "gaps"}
    return app, token, real


def _rules(app):
    """Every route's rule (but static files) with the methods it answers."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


# A rule's variable: <name>, <int:name>, <any(ar, en):name>.
VARIABLE = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def _fill(rule, draw, real):
    """Return ``rule``'s path with each variable a real value or a hostile one."""
    def value(match):
        name = match.group(1)
        return _encode(draw(usually(real.get(name, "1"), hostile_text.filter(bool)),
                            label=name))
    return VARIABLE.sub(value, rule.rule)


def _send(app, method, path, *, agent, body=b"", content_type=None, headers=(), query=""):
    """Send one request (with mona's session when ``agent``) and check the answer."""
    client = app.test_client()
    if agent:
        # A fresh server-side session a request: the fuzzer may have hit logout.
        db = store.connect(app.config["DATABASE"])
        try:
            session_id = agents.start_session(db, "mona", 3600)
        finally:
            db.close()
        with client.session_transaction() as session:
            session[SESSION_KEY], session[SESSION_ID] = "mona", session_id
    response = client.open(f"{path}?{query}" if query else path, method=method, data=body,
                           content_type=content_type, headers=dict(headers))
    where = f"{method} {path}?{query}"
    assert response.status_code < 500, (where, response.status_code, response.data[:300])
    if path.startswith("/api/") and 400 <= response.status_code < 500:
        assert response.is_json, (where, response.status_code, response.data[:300])
        assert isinstance(response.get_json().get("error"), str), where


@FUZZ
@given(data=st.data())
def test_no_route_answers_a_hostile_request_with_a_5xx(site, data):
    """Any route of the url_map, any method, hostile path values, query, body, guards
    (session, conversation token, X-Requested-With) and headers."""
    app, token, real = site
    draw = data.draw
    rule = draw(st.sampled_from(_rules(app)), label="rule")
    allowed = sorted(rule.methods - {"HEAD", "OPTIONS"})
    method = draw(st.sampled_from(allowed + [m for m in METHODS if m not in allowed][:1]))
    body, content_type = draw(bodies()) if method != "GET" else (b"", None)
    headers = {"X-Conversation-Token": draw(usually(token, header_text)),
               "X-Requested-With": draw(usually(XHR["X-Requested-With"], header_text))}
    for name in ("Accept-Language", "Cookie", "Origin", "X-Forwarded-For"):
        if draw(st.booleans()):
            headers[name] = draw(header_text)
    _send(app, method, _fill(rule, draw, real), agent=draw(usually(True, st.just(False))),
          body=body, content_type=content_type, headers=headers,
          query=draw(st.one_of(st.just(""), query_strings)))


def _operations():
    """(method, path template, body fields, query parameter names) of each operation of
    the OpenAPI document (web/openapi: what /api/openapi.json serves)."""
    found = []
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post"):
                continue
            schema = (operation.get("requestBody", {}).get("content", {})
                      .get("application/json", {}).get("schema", {}))
            if "$ref" in schema:
                schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            fields = tuple((name, _example(name, field))
                           for name, field in schema.get("properties", {}).items())
            query = tuple(p["name"] for p in operation.get("parameters", ())
                          if p.get("in") == "query")
            found.append((method.upper(), path, fields, query))
    return found


OPERATIONS = _operations()
SPEC_VARIABLE = re.compile(r"\{(\w+)\}")


def _fresh_handoff(app, resolved=False):
    """Return the ids and token of a new conversation whose handoff mona holds (or
    resolved, so it can be rated): each example starts from the state it needs."""
    db = store.connect(app.config["DATABASE"])
    try:
        conversation = store.create_conversation(db, "en")
        handoff, _ = store.open_handoff(db, conversation["id"], reason="asked for a person",
                                        lang="en", first_question="where is my order")
        handoffs.claim(db, handoff["id"], "mona")
        if resolved:
            store.resolve_handoff(db, handoff["id"], "mona", "not_support")
        reply = store.add_canned_reply(db, "Hi", "en", "Hi {name}", "mona")
    finally:
        db.close()
    return {"conversation_id": str(conversation["id"]), "handoff_id": str(handoff["id"]),
            "article_id": "order-tracking", "learned_id": "1", "outbox_id": "1",
            "reply_id": str(reply["id"])}, conversation["token"]


@pytest.mark.parametrize("method, path, fields, query", OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _, _ in OPERATIONS])
@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_every_api_operation_answers_hostile_input_with_a_json_4xx(site, data, method, path,
                                                                   fields, query):
    """Each operation of the OpenAPI document, past its guards (real ids, the agent's
    session, the token, X-Requested-With): hostile JSON bodies and query arguments."""
    app = site[0]
    real, token = _fresh_handoff(app, resolved=path.endswith("/rating"))
    for name in SPEC_VARIABLE.findall(path):
        path = path.replace("{%s}" % name, real[name])
    body, content_type = (data.draw(bodies(fields, content_types=False)) if method == "POST"
                          else (b"", None))
    arguments = data.draw(st.dictionaries(st.sampled_from(query or ("lang",)), hostile_text,
                                          max_size=len(query) or 1), label="query")
    _send(app, method, path, agent=True, body=body, content_type=content_type,
          headers={"X-Conversation-Token": token, **XHR},
          query="&".join(f"{_encode(k)}={_encode(v)}" for k, v in arguments.items()))


def test_the_fuzzed_operations_are_the_served_document_s_and_the_app_s_routes(site):
    app = site[0]
    assert app.test_client().get("/api/openapi.json").get_json() == json.loads(json.dumps(SPEC))
    api_rules = {VARIABLE.sub(r"{\1}", rule.rule) for rule in _rules(app)
                 if rule.rule.startswith("/api/")}
    assert {path for _, path, _, _ in OPERATIONS} <= api_rules
    assert len(OPERATIONS) > 15
