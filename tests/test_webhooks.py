"""WhatsApp's and Telegram's webhooks through the real app (web/webhooks.py), the bot's
answers and agents' replies leaving through the real senders to tests/provider_server.py,
which speaks both providers' protocols on loopback."""
import json

import pytest

from bot import store
from chat_fixtures import XHR, agent_client, database, make_app
from provider_server import (PHONE_NUMBER_ID, ProviderServer, signed_whatsapp,
                             telegram_headers, telegram_update, whatsapp_status, whatsapp_text)

APP_SECRET = "whatsapp-app-secret"
TELEGRAM_SECRET = "telegram-secret_1"


@pytest.fixture(scope="module")
def provider():
    """One provider server for the module (reset for each test)."""
    with ProviderServer() as server:
        yield server


@pytest.fixture
def provider_server(provider):  # noqa: F811 (this module's: one server, reset per test)
    provider.reset()
    yield provider
    provider.reset()


@pytest.fixture(scope="module")
def module_app(tmp_path_factory, provider):
    """The app, built once for the module, with every channel set up."""
    return make_app(tmp_path_factory.mktemp("webhooks"), RATELIMIT_ENABLED=False,
                    PUBLIC_URL="https://help.example.com",
                    WHATSAPP_APP_SECRET=APP_SECRET, WHATSAPP_VERIFY_TOKEN="verify-me",
                    WHATSAPP_TOKEN=provider.whatsapp_token,
                    WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
                    WHATSAPP_API_URL=provider.whatsapp_url,
                    TELEGRAM_SECRET=TELEGRAM_SECRET, TELEGRAM_TOKEN=provider.telegram_token,
                    TELEGRAM_API_URL=provider.telegram_url, CHANNEL_TIMEOUT=5)


@pytest.fixture
def app(module_app, tmp_path, provider_server):
    """The module's app over this test's own fresh SQLite file."""
    path = str(tmp_path / "dalil.sqlite3")
    store.open_db(path).close()
    saved = module_app.config["DATABASE"]
    module_app.config["DATABASE"] = path
    yield module_app
    module_app.config["DATABASE"] = saved


@pytest.fixture
def client(app):
    return app.test_client()


def post_whatsapp(client, payload, secret=APP_SECRET):
    body, headers = signed_whatsapp(secret, payload)
    return client.post("/api/channels/whatsapp", data=body, headers=headers)


def rows(app, sql):
    db = database(app)
    try:
        return [dict(row) for row in db.query(sql)]
    finally:
        db.close()


def test_the_subscription_handshake_echoes_the_challenge_only_with_the_token(client):
    good = client.get("/api/channels/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me"
                      "&hub.challenge=1158201444")
    assert good.status_code == 200 and good.get_data(as_text=True) == "1158201444"
    bad = client.get("/api/channels/whatsapp?hub.mode=subscribe&hub.verify_token=guess"
                     "&hub.challenge=1158201444")
    assert bad.status_code == 403 and "verify_token" in bad.json["error"]


@pytest.mark.parametrize("forge", ["other secret", "no header", "changed body"])
def test_a_forged_whatsapp_call_is_refused_and_nothing_is_stored(app, client, forge):
    body, headers = signed_whatsapp("other" if forge == "other secret" else APP_SECRET,
                                    whatsapp_text("وين طلبي الحين"))
    if forge == "no header":
        headers = {"Content-Type": "application/json"}
    if forge == "changed body":
        body = body.replace("وين".encode(), "كيف".encode())
    response = client.post("/api/channels/whatsapp", data=body, headers=headers)
    assert response.status_code == 403 and "X-Hub-Signature-256" in response.json["error"]
    assert rows(app, "SELECT * FROM messages") == []


def test_a_whatsapp_question_is_answered_on_whatsapp(app, client, provider_server):
    response = post_whatsapp(client, whatsapp_text("وين طلبي الحين", message_id="wamid.IN1"))
    assert response.status_code == 200 and response.json == {"received": 1, "duplicates": 0}
    [sent] = provider_server.wait_for(1)
    assert sent.body["to"] == "966501234567"
    assert "https://help.example.com/articles/order-tracking?lang=ar" in sent.body["text"]["body"]
    assert sent.body["context"] == {"message_id": "wamid.IN1"}
    # Meta sends the same call again when our 200 was lost: nothing new is stored or sent.
    again = post_whatsapp(client, whatsapp_text("وين طلبي الحين", message_id="wamid.IN1"))
    assert again.json == {"received": 0, "duplicates": 1}
    assert len(provider_server.requests) == 1
    [conversation] = rows(app, "SELECT * FROM conversations")
    assert (conversation["channel"], conversation["address"]) == ("whatsapp", "966501234567")


def test_one_unreadable_message_does_not_refuse_a_signed_batch(app, client, provider_server):
    payload = whatsapp_text("وين طلبي الحين", message_id="wamid.IN1")
    broken = {"from": "966500000009", "id": "wamid.BROKEN", "type": "text", "text": "hi"}
    payload["entry"][0]["changes"][0]["value"]["messages"].insert(0, broken)
    response = post_whatsapp(client, payload)
    assert response.status_code == 200 and response.json == {"received": 2, "duplicates": 0}
    stored = {row["text"]: row for row in rows(app, "SELECT text, role FROM messages "
                                                    "WHERE role = 'customer'")}
    assert set(stored) == {"[unsupported message]", "وين طلبي الحين"}
    # The readable question is answered as ever; the unreadable one is never answered
    # with an article.
    assert any("order-tracking" in r.body["text"]["body"] for r in provider_server.wait_for(1))
    bot_lines = rows(app, "SELECT data FROM messages WHERE role = 'bot' AND conversation_id "
                          "= (SELECT id FROM conversations WHERE address = '966500000009')")
    assert [json.loads(line["data"])["action"] for line in bot_lines] == ["escalate"]


def test_an_agents_reply_leaves_on_whatsapp(app, client, provider_server):
    post_whatsapp(client, whatsapp_text("أبغى أكلم موظف", message_id="wamid.IN2"))
    [handoff] = rows(app, "SELECT * FROM handoffs")
    provider_server.reset()
    agent = agent_client(app, "sara")
    [card] = agent.get("/api/agent/handoffs").json["handoffs"]
    assert card["channel"] == "whatsapp"
    assert '<span class="channel-badge">واتساب</span>' in agent.get("/agent").get_data(as_text=True)
    assert agent.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR).status_code == 200
    reply = agent.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR,
                       json={"text": "أهلًا، معك سارة. كيف أقدر أساعدك؟"})
    assert reply.status_code == 201
    [sent] = provider_server.wait_for(1)
    assert sent.body["text"]["body"] == "أهلًا، معك سارة. كيف أقدر أساعدك؟"
    pane = agent.get(f"/agent/handoffs/{handoff['id']}/pane").get_data(as_text=True)
    assert 'id="channel"' in pane and "966501234567" in pane and "أُرسلت" in pane


def test_an_outage_is_retried_and_then_shown_to_the_agent(app, client, provider_server):
    import datetime

    from bot.channels import outbox
    provider_server.outage = True
    post_whatsapp(client, whatsapp_text("أبغى أكلم موظف", message_id="wamid.IN3"))
    [row] = rows(app, "SELECT * FROM outbox")
    assert row["status"] == "pending" and row["attempts"] == 1 and "503" in row["error"]
    [handoff] = rows(app, "SELECT * FROM handoffs")
    pane = agent_client(app, "omar").get(f"/agent/handoffs/{handoff['id']}/pane")
    assert "نعيد المحاولة (محاولات: 1)" in pane.get_data(as_text=True)
    db = database(app)
    try:
        at = datetime.datetime.now(datetime.timezone.utc)
        senders = app.extensions["dalil_senders"]
        for wait in outbox.BACKOFF:
            at += datetime.timedelta(seconds=wait)
            outbox.deliver_due(db, senders, at=at)
    finally:
        db.close()
    [row] = rows(app, "SELECT * FROM outbox")
    assert row["status"] == "failed"
    [handoff] = rows(app, "SELECT * FROM handoffs")
    agent = agent_client(app, "sara")
    pane = agent.get(f"/agent/handoffs/{handoff['id']}/pane").get_data(as_text=True)
    assert "لم تصل" in pane and "أعد المحاولة" in pane
    # Back up: the agent's "try again" sends it.
    provider_server.outage = False
    provider_server.reset()
    token = agent.get(f"/agent/handoffs/{handoff['id']}").get_data(as_text=True)
    csrf = token.split('name="csrf_token" value="')[1].split('"')[0]
    retried = agent.post(f"/agent/deliveries/{row['id']}/retry", data={"csrf_token": csrf})
    assert retried.status_code == 303
    assert len(provider_server.wait_for(1)) == 1
    assert rows(app, "SELECT status FROM outbox") == [{"status": "sent"}]


def test_a_failed_status_from_whatsapp_is_shown(app, client, provider_server):
    post_whatsapp(client, whatsapp_text("وين طلبي الحين", message_id="wamid.IN4"))
    [row] = rows(app, "SELECT * FROM outbox")
    status = whatsapp_status(row["external_id"], "failed",
                             error={"code": 131026, "title": "Message undeliverable"})
    assert post_whatsapp(client, status).status_code == 200
    assert rows(app, "SELECT status FROM outbox") == [{"status": "failed"}]
    notices = rows(app, "SELECT data FROM messages WHERE role = 'system'")
    assert any(json.loads(n["data"]).get("kind") == "delivery_failed" for n in notices)


def test_a_telegram_message_is_answered_and_a_wrong_secret_refused(app, client, provider_server):
    update = telegram_update("where is my order", chat_id=77)
    refused = client.post("/api/channels/telegram", json=update,
                          headers=telegram_headers("guess"))
    assert refused.status_code == 403
    taken = client.post("/api/channels/telegram", json=update,
                        headers=telegram_headers(TELEGRAM_SECRET))
    assert taken.status_code == 200 and taken.json["received"] == 1
    [sent] = provider_server.wait_for(1)
    assert sent.body["chat_id"] == "77"
    assert "order-tracking?lang=en" in sent.body["text"]


@pytest.mark.parametrize("body,status", [
    (b"", 400), (b"not json", 400), (b"[1, 2]", 400), (b'{"object": 5}', 400),
    (b"[" * 5000 + b"]" * 5000, 400), (b"\xff\xfe\x00", 400),
])
def test_bad_webhook_bodies_get_a_clear_4xx(client, body, status):
    body_headers = signed_whatsapp(APP_SECRET, {})[1]
    import hashlib
    import hmac
    body_headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(
        APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = client.post("/api/channels/whatsapp", data=body, headers=body_headers)
    assert response.status_code == status and response.json["error"]


def test_a_huge_body_is_refused(client):
    response = client.post("/api/channels/telegram", data=b"x" * (2 * 1024 * 1024),
                           headers={**telegram_headers(TELEGRAM_SECRET),
                                    "Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_channel_that_is_not_set_up_answers_404(tmp_path):
    client = make_app(tmp_path).test_client()
    for path in ("/api/channels/whatsapp", "/api/channels/telegram", "/api/channels/email"):
        response = client.post(path, json={})
        assert response.status_code == 404 and "not set up" in response.json["error"]


def csrf_of(client, path):
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_an_agent_merges_a_whatsapp_customer_and_a_mail_customer_into_one_history(
        app, client, provider_server):
    from bot.channels import Inbound, inbound
    post_whatsapp(client, whatsapp_text("أبغى أكلم موظف", sender="966501234567",
                                        message_id="wamid.M1"))
    db = database(app)
    try:
        mail = inbound.receive(db, app.extensions["dalil"], Inbound(
            channel="email", address="mona@example.com", external_id="<m@x>",
            text="طلبي ما وصل", name="Mona"))
    finally:
        db.close()
    [whatsapp_customer, mail_customer] = [row["customer_id"] for row in rows(
        app, "SELECT customer_id FROM conversations ORDER BY id")]
    assert whatsapp_customer != mail_customer
    agent = agent_client(app, "sara")
    history = f"/agent/customers/{whatsapp_customer}"
    refused = agent.post(f"{history}/merge", data={"csrf_token": csrf_of(agent, history),
                                                   "address": "nobody@example.com"})
    assert refused.status_code == 400 and "no other customer" in refused.get_data(as_text=True)
    merged = agent.post(f"{history}/merge", data={"csrf_token": csrf_of(agent, history),
                                                  "address": " Mona@Example.com "})
    assert merged.status_code == 303
    assert {row["customer_id"] for row in rows(app, "SELECT customer_id FROM conversations")} == {
        whatsapp_customer}
    page = agent.get(history).get_data(as_text=True)
    assert "أبغى أكلم موظف" in page and "طلبي ما وصل" in page  # one timeline
    assert "واتساب" in page and "البريد" in page
    assert page.index("أبغى أكلم موظف") < page.index("طلبي ما وصل")  # in time order
    assert f'data-id="{mail.messages[0]["id"]}"' in page
    # The handoff's customer panel links the whole history.
    handoff = rows(app, "SELECT id FROM handoffs ORDER BY id")[0]
    pane = agent.get(f"/agent/handoffs/{handoff['id']}/pane").get_data(as_text=True)
    assert f'href="/agent/customers/{whatsapp_customer}"' in pane
    assert "966501234567" in pane and "mona@example.com" in pane


def test_the_merge_form_needs_its_token_and_a_signed_in_agent(app, client):
    assert client.get("/agent/customers/1").status_code == 302  # to the sign-in
    agent = agent_client(app, "sara")
    assert agent.get("/agent/customers/999").status_code == 404
    assert agent.post("/agent/customers/1/merge", data={"address": "x@y.z"}).status_code == 400


def test_an_agents_reply_leaves_on_telegram(app, client, provider_server):
    client.post("/api/channels/telegram", json=telegram_update("اريد التحدث مع موظف", chat_id=88),
                headers=telegram_headers(TELEGRAM_SECRET))
    [handoff] = rows(app, "SELECT * FROM handoffs")
    provider_server.reset()
    agent = agent_client(app, "sara")
    agent.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR)
    agent.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR, json={"text": "أهلًا"})
    [sent] = provider_server.wait_for(1)
    assert (sent.body["chat_id"], sent.body["text"]) == ("88", "أهلًا")


def test_insights_count_each_channel(app, client, provider_server):
    post_whatsapp(client, whatsapp_text("وين طلبي الحين", message_id="wamid.I1"))
    post_whatsapp(client, whatsapp_text("أبغى أكلم موظف", sender="966500000002",
                                        message_id="wamid.I2"))
    [handoff] = rows(app, "SELECT id FROM handoffs")
    agent = agent_client(app, "sara")
    agent.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR)
    agent.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR, json={"text": "أهلًا"})
    csv = agent.get("/agent/insights/channels.csv?days=1").get_data(as_text=True)
    csv = csv.lstrip("\ufeff").splitlines()  # the BOM: Excel reads UTF-8 so
    assert csv[0] == ("channel,conversations,messages,handoffs,deflected,deflection,"
                      "first_response_median_s,first_response_p90_s")
    whatsapp = next(line for line in csv if line.startswith("whatsapp,")).split(",")
    assert whatsapp[1:6] == ["2", "2", "1", "1", "0.5"]
    assert whatsapp[6] != ""  # the agent's first reply was timed
    page = agent.get("/agent/insights?days=1").get_data(as_text=True)
    assert "واتساب" in page and 'id="table-channels"' in page


def test_a_secret_of_digits_from_the_environment_stays_text(monkeypatch):
    from web.settings import settings
    monkeypatch.setenv("DALIL_TELEGRAM_SECRET", "123456")
    monkeypatch.setenv("DALIL_WHATSAPP_APP_SECRET", "7")
    config = settings()
    assert (config["TELEGRAM_SECRET"], config["WHATSAPP_APP_SECRET"]) == ("123456", "7")


def test_an_unknown_mailbox_in_the_route_is_refused(module_app, tmp_path):
    module_app.config["MAIL_WEBHOOK_SECRET"] = "s"
    try:
        response = module_app.test_client().post(
            "/api/channels/email?mailbox=suport", data=b"From: a@b.c\r\n\r\nhi",
            headers={"Content-Type": "message/rfc822", "Authorization": "Bearer s"})
    finally:
        module_app.config["MAIL_WEBHOOK_SECRET"] = None
    assert response.status_code == 400 and "no mailbox" in response.json["error"]
