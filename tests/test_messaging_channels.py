"""WhatsApp and Telegram: webhook signatures and secrets, reading what the providers
send, and sending replies over real HTTP to a local provider server (provider_server.py)."""
import hashlib
import hmac
import json
import socket
import time

import pytest

from bot.channels import DeliveryError, Inbound, PayloadError, http, telegram, whatsapp
from provider_server import (PHONE_NUMBER_ID, provider_server, signed_whatsapp,  # noqa: F401
                             telegram_update, whatsapp_payload, whatsapp_status, whatsapp_text)

SECRET = "app-secret-123"


# WhatsApp: is it Meta calling?

def test_whatsapp_signature_is_accepted_for_the_signed_body():
    body, headers = signed_whatsapp(SECRET, whatsapp_text("مرحبا"))
    assert whatsapp.verify_signature(SECRET, body, headers["X-Hub-Signature-256"])
    assert whatsapp.verify_signature(SECRET, body, headers["X-Hub-Signature-256"].upper()
                                     .replace("SHA256=", "sha256="))


@pytest.mark.parametrize("forge", [
    lambda body, header: (body, header.replace("sha256=", "sha256=0")[:len(header)]),  # wrong digest
    lambda body, header: (body + b" ", header),                                       # changed body
    lambda body, header: (body, None),                                                # missing
    lambda body, header: (body, ""),
    lambda body, header: (body, "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()),
    lambda body, header: (body, "sha256=" + "z" * 64),                                # not hex
    lambda body, header: (body, header[:-2]),                                         # cut short
    lambda body, header: (body, header.removeprefix("sha256=")),                      # no prefix
], ids=["wrong-digest", "changed-body", "missing", "empty", "sha1", "non-hex", "short", "no-prefix"])
def test_whatsapp_forged_signature_is_refused(forge):
    body, headers = signed_whatsapp(SECRET, whatsapp_text("مرحبا"))
    body, header = forge(body, headers["X-Hub-Signature-256"])
    assert not whatsapp.verify_signature(SECRET, body, header)


def test_whatsapp_signature_with_another_secret_or_none_is_refused():
    body, headers = signed_whatsapp("someone-else", whatsapp_text("hi"))
    assert not whatsapp.verify_signature(SECRET, body, headers["X-Hub-Signature-256"])
    assert not whatsapp.verify_signature("", body, headers["X-Hub-Signature-256"])


@pytest.mark.parametrize("params, expected", [
    ({"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}, "1158201444"),
    ({"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1158201444"}, None),
    ({"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"}, None),
    ({"hub.mode": "subscribe", "hub.challenge": "1"}, None),
    ({"hub.mode": "subscribe", "hub.verify_token": "tok"}, None),
    ({"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "<script>"}, None),
    ({"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "9" * 101}, None),
    ({}, None),
])
def test_whatsapp_subscription_challenge(params, expected):
    assert whatsapp.subscription_challenge(params, "tok") == expected


def test_whatsapp_subscription_challenge_needs_a_verify_token_set():
    params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert whatsapp.subscription_challenge(params, "") is None


# WhatsApp: what a webhook carries

def _message(kind, **fields):
    return {"from": "966501234567", "id": "wamid.X1", "timestamp": "1700000000", "type": kind,
            **fields}


@pytest.mark.parametrize("message, text", [
    (_message("text", text={"body": "وين طلبي؟"}), "وين طلبي؟"),
    (_message("interactive", interactive={"type": "button_reply",
                                          "button_reply": {"id": "b1", "title": "نعم"}}), "نعم"),
    (_message("interactive", interactive={"type": "list_reply", "list_reply": {
        "id": "r2", "title": "Returns", "description": "…"}}), "Returns"),
    (_message("button", button={"payload": "STOP", "text": "Stop promotions"}), "Stop promotions"),
    (_message("image", image={"id": "m1", "mime_type": "image/jpeg", "sha256": "…"}), "[image]"),
    (_message("image", image={"id": "m1", "caption": " الفاتورة "}), "[image] الفاتورة"),
    (_message("audio", audio={"id": "m2", "voice": True}), "[voice message]"),
    (_message("document", document={"id": "m3", "filename": "a.pdf"}), "[document]"),
    (_message("location", location={"latitude": 24.7, "longitude": 46.7}), "[location]"),
    (_message("sticker", sticker={"id": "m4"}), "[sticker]"),
    (_message("unsupported", errors=[{"code": 131051}]), "[unsupported message]"),
], ids=["text", "button-reply", "list-reply", "template-button", "image", "image-caption",
        "voice", "document", "location", "sticker", "unsupported"])
def test_whatsapp_message_reaches_the_desk_as_text(message, text):
    payload = whatsapp_payload(messages=[message], contacts=[
        {"profile": {"name": "Mona Saleh"}, "wa_id": "966501234567"}])
    assert whatsapp.inbound_messages(payload) == [Inbound(
        channel="whatsapp", address="966501234567", external_id="wamid.X1", text=text,
        name="Mona Saleh")]


def test_whatsapp_reply_references_our_message():
    [inbound] = whatsapp.inbound_messages(whatsapp_text("thanks", reply_to="wamid.OUT7"))
    assert inbound.references == ("wamid.OUT7",)


def test_whatsapp_reactions_and_statuses_are_not_messages():
    reaction = _message("reaction", reaction={"message_id": "wamid.OUT7", "emoji": "👍"})
    assert whatsapp.inbound_messages(whatsapp_payload(messages=[reaction])) == []
    assert whatsapp.inbound_messages(whatsapp_status("wamid.OUT7", "read")) == []


def test_whatsapp_several_messages_keep_their_order_and_names():
    messages = [dict(_message("text", text={"body": "one"}), id="wamid.1"),
                dict(_message("text", text={"body": "two"}), id="wamid.2", **{"from": "447700900123"})]
    payload = whatsapp_payload(messages=messages, contacts=[{"profile": {"name": "Jo"},
                                                             "wa_id": "447700900123"}])
    inbound = whatsapp.inbound_messages(payload)
    assert [(m.external_id, m.address, m.name, m.text) for m in inbound] == [
        ("wamid.1", "966501234567", "", "one"), ("wamid.2", "447700900123", "Jo", "two")]


def test_whatsapp_other_fields_carry_no_messages():
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "message_template_status_update", "value": {"event": "APPROVED"}}]}]}
    assert whatsapp.inbound_messages(payload) == []
    assert whatsapp.delivery_statuses(payload) == []


def test_whatsapp_delivery_statuses():
    failed = whatsapp_status("wamid.OUT8", "failed", error={
        "code": 131047, "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {"details": "Message failed to send because more than 24 hours have passed"}})
    assert whatsapp.delivery_statuses(failed) == [
        ("wamid.OUT8", "failed", "131047 Re-engagement message: Message failed to send because "
                                 "more than 24 hours have passed")]
    assert whatsapp.delivery_statuses(whatsapp_status("wamid.OUT7", "delivered")) == [
        ("wamid.OUT7", "delivered", "")]
    assert whatsapp.delivery_statuses(whatsapp_text("hi")) == []


def _deep(levels):
    value = "x"
    for _ in range(levels):
        value = {"a": [value]}
    return value


def _with(path, value):
    """Return a one-text-message payload with the item at ``path`` replaced by ``value``."""
    payload = whatsapp_text("hi")
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


MESSAGE = ("entry", 0, "changes", 0, "value", "messages", 0)


@pytest.mark.parametrize("payload", [
    None, "text", [], 42, {},
    {"object": "page", "entry": []},
    {"object": "whatsapp_business_account"},
    {"object": "whatsapp_business_account", "entry": {}},
    {"object": "whatsapp_business_account", "entry": ["x"]},
    {"object": "whatsapp_business_account", "entry": [{}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": "x"}]}]},
    _with(("entry", 0, "changes", 0, "value", "messages"), {"0": {}}),
    _with(("entry", 0, "changes", 0, "value"), _deep(5000)),
    _deep(5000),
], ids=lambda value: None)
def test_whatsapp_malformed_payload_is_refused_with_a_sentence(payload):
    with pytest.raises(PayloadError) as error:
        whatsapp.inbound_messages(payload)
    assert str(error.value)[:1].isalpha() and len(str(error.value)) < 200


def _beside_a_good_one(path, value):
    """A payload of two messages: one broken at ``path`` (under the message), then a
    good one from another customer."""
    payload = _with(MESSAGE + path, value)
    good = whatsapp_text("where is my order")["entry"][0]["changes"][0]["value"]["messages"][0]
    good = {**good, "from": "966500000002", "id": "wamid.good"}
    payload["entry"][0]["changes"][0]["value"]["messages"].append(good)
    return payload


@pytest.mark.parametrize("path, value", [
    (("type",), None), (("text",), "hi"), (("text",), {"body": _deep(5000)}),
    (("text",), {"body": 7}), (("type",), 7),
])
def test_an_unreadable_message_with_its_sender_arrives_and_costs_no_other(path, value):
    first, second = whatsapp.inbound_messages(_beside_a_good_one(path, value))
    assert first.text == "[unsupported message]" and first.address and first.external_id
    assert (second.text, second.external_id) == ("where is my order", "wamid.good")


@pytest.mark.parametrize("path, value", [
    ((), "x"), (("from",), None), (("from",), "not-a-number"), (("id",), 7),
    (("id",), "w" * 300),
])
def test_a_message_without_a_readable_sender_or_id_is_left_out_and_logged(path, value,
                                                                          caplog):
    [only] = whatsapp.inbound_messages(_beside_a_good_one(path, value))
    assert only.external_id == "wamid.good"
    assert "left out" in caplog.text


@pytest.mark.parametrize("status", [{"status": "read"}, {"id": "wamid.1"}, "read",
                                    {"id": "wamid.1", "status": "failed", "errors": "boom"},
                                    {"id": "wamid.1", "status": "failed", "errors": [7]}])
def test_whatsapp_malformed_status_is_refused_with_a_sentence(status):
    with pytest.raises(PayloadError) as error:
        whatsapp.delivery_statuses(whatsapp_payload(statuses=[status]))
    assert str(error.value)[:1].isalpha()


# Telegram: is it Telegram calling, and what it says

def test_telegram_secret():
    assert telegram.verify_secret("s3cret-token", "s3cret-token")
    assert not telegram.verify_secret("s3cret-token", "s3cret-tokem")
    assert not telegram.verify_secret("s3cret-token", None)
    assert not telegram.verify_secret("s3cret-token", "")
    assert not telegram.verify_secret("", "")


def test_telegram_text_message():
    update = telegram_update("كيف أرجع المنتج؟", chat_id=42, message_id=5)
    assert telegram.inbound_messages(update) == [Inbound(
        channel="telegram", address="42", external_id="42:5", text="كيف أرجع المنتج؟",
        name="Omar Haddad")]


def test_telegram_reply_and_edit_reference_the_earlier_messages():
    [reply] = telegram.inbound_messages(telegram_update("yes", message_id=9, reply_to=8))
    assert reply.references == ("42:8",)
    [edit] = telegram.inbound_messages(telegram_update("yes, the blue one", message_id=9,
                                                       reply_to=8, edited_at=1700000100))
    assert edit.external_id == "42:9:edit:1700000100"
    assert edit.references == ("42:8", "42:9")
    assert edit.text == "yes, the blue one"


def _media(**fields):
    update = telegram_update("", message_id=6)
    del update["message"]["text"]
    update["message"].update(fields)
    return update


@pytest.mark.parametrize("update, text", [
    (_media(photo=[{"file_id": "p1", "width": 90, "height": 90}], caption="رقم الطلب"),
     "رقم الطلب"),
    (_media(photo=[{"file_id": "p1", "width": 90, "height": 90}]), "[photo]"),
    (_media(document={"file_id": "d1", "file_name": "invoice.pdf"}, caption="invoice"), "invoice"),
    (_media(voice={"file_id": "v1", "duration": 3}), "[voice message]"),
    (_media(location={"latitude": 24.7, "longitude": 46.7}), "[location]"),
    (_media(story={"chat": {}, "id": 1}), "[unsupported message]"),
], ids=["photo-caption", "photo", "document-caption", "voice", "location", "unknown"])
def test_telegram_media_arrive_as_caption_or_marker(update, text):
    [inbound] = telegram.inbound_messages(update)
    assert (inbound.text, inbound.external_id) == (text, "42:6")


@pytest.mark.parametrize("update", [
    telegram_update("hi all", chat_id=-100123, chat_type="supergroup"),
    telegram_update("hi all", chat_id=-5, chat_type="group"),
    telegram_update("beep", is_bot=True),
    {"update_id": 7, "callback_query": {"id": "1", "from": {"id": 42}, "data": "x"}},
    {"update_id": 8, "channel_post": {"message_id": 1, "chat": {"id": -100, "type": "channel"}}},
    {"update_id": 9, "my_chat_member": {"chat": {"id": 42, "type": "private"}}},
    _media(pinned_message={"message_id": 1}),
], ids=["supergroup", "group", "bot", "callback", "channel-post", "member", "service"])
def test_telegram_update_that_is_no_customer_message_gives_nothing(update):
    assert telegram.inbound_messages(update) == []


def _update_with(path, value):
    update = telegram_update("hi", message_id=5)
    target = update
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return update


@pytest.mark.parametrize("update", [
    None, [], "x", 3, {},
    {"update_id": "1", "message": {}},
    {"update_id": True, "message": {}},
    {"update_id": 1, "message": "hi"},
    _update_with(("message", "chat"), None),
    _update_with(("message", "chat", "id"), "42"),
    _update_with(("message", "chat", "id"), 2 ** 70),
    _update_with(("message", "message_id"), None),
    _update_with(("message", "from"), "Omar"),
    _update_with(("message", "chat"), _deep(5000)),
    {"update_id": 1, "edited_message": telegram_update("x", message_id=5)["message"]},  # no edit_date
], ids=lambda value: None)
def test_telegram_malformed_update_is_refused_with_a_sentence(update):
    with pytest.raises(PayloadError) as error:
        telegram.inbound_messages(update)
    assert str(error.value)[:1].isalpha()


# Sending

def _send_whatsapp(server, **changes):
    arguments = dict(base_url=server.whatsapp_url, phone_number_id=PHONE_NUMBER_ID,
                     token=server.whatsapp_token, to="966501234567", text="طلبك في الطريق",
                     timeout=3)
    arguments.update(changes)
    return whatsapp.send_text(**arguments)


def _send_telegram(server, **changes):
    arguments = dict(base_url=server.telegram_url, token=server.telegram_token, chat_id="42",
                     text="طلبك في الطريق", timeout=3)
    arguments.update(changes)
    return telegram.send_text(**arguments)


def test_whatsapp_send_posts_the_cloud_api_message(provider_server):
    assert _send_whatsapp(provider_server) == "wamid.1"
    assert _send_whatsapp(provider_server, reply_to="wamid.IN4", to="+966501234567") == "wamid.2"
    first, second = provider_server.wait_for(2)
    assert first.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert first.headers["authorization"] == f"Bearer {provider_server.whatsapp_token}"
    assert first.headers["content-type"].startswith("application/json")
    assert first.body == {"messaging_product": "whatsapp", "recipient_type": "individual",
                          "to": "966501234567", "type": "text",
                          "text": {"preview_url": True, "body": "طلبك في الطريق"}}
    assert second.body["context"] == {"message_id": "wamid.IN4"}
    assert second.body["to"] == "966501234567"


def test_telegram_send_posts_send_message(provider_server):
    assert _send_telegram(provider_server) == "42:1"
    assert _send_telegram(provider_server, reply_to="42:5:edit:1700000100") == "42:2"
    first, second = provider_server.wait_for(2)
    assert first.path == f"/bot{provider_server.telegram_token}/sendMessage"
    assert first.body == {"chat_id": "42", "text": "طلبك في الطريق"}
    assert second.body["reply_parameters"] == {"message_id": 5, "allow_sending_without_reply": True}


@pytest.mark.parametrize("send", [_send_whatsapp, _send_telegram])
@pytest.mark.parametrize("text", ["", "   ", "x" * 4097])
def test_send_refuses_text_it_would_have_to_cut(provider_server, send, text):
    with pytest.raises(ValueError):
        send(provider_server, text=text)
    assert provider_server.requests == []


def test_send_refuses_a_bad_address(provider_server):
    with pytest.raises(ValueError):
        _send_whatsapp(provider_server, to="mona@example.com")
    with pytest.raises(ValueError):
        _send_whatsapp(provider_server, phone_number_id="../../me")
    with pytest.raises(ValueError):
        _send_telegram(provider_server, chat_id="@somebody")
    with pytest.raises(ValueError):
        _send_telegram(provider_server, reply_to="five")


@pytest.mark.parametrize("send", [_send_whatsapp, _send_telegram], ids=["whatsapp", "telegram"])
@pytest.mark.parametrize("status, temporary", [(503, True), (500, True), (429, True),
                                               (400, False), (401, False), (403, False),
                                               (404, False)])
def test_send_failure_is_temporary_or_permanent(provider_server, send, status, temporary):
    provider_server.fail_next(1, status)
    with pytest.raises(DeliveryError) as error:
        send(provider_server)
    assert error.value.temporary is temporary
    assert str(status) in str(error.value)
    assert provider_server.telegram_token not in str(error.value)
    # The failure was for one call only.
    assert send(provider_server)


def test_send_during_an_outage_is_temporary(provider_server):
    provider_server.outage = True
    for send in (_send_whatsapp, _send_telegram):
        with pytest.raises(DeliveryError) as error:
            send(provider_server)
        assert error.value.temporary


def test_whatsapp_error_text_carries_metas_message_cut_short(provider_server):
    provider_server.fail_next(1, 400, description="(#131030) Recipient phone number not in "
                                                  "allowed list " + "x" * 500)
    with pytest.raises(DeliveryError) as error:
        _send_whatsapp(provider_server)
    assert "(#131030) Recipient phone number not in allowed list" in str(error.value)
    assert len(str(error.value)) < 260 and not error.value.temporary


def test_whatsapp_rate_limit_code_is_temporary_even_as_a_400(provider_server):
    provider_server.fail_next(1, 400, code=131056, description="(#131056) Pair rate limit hit")
    with pytest.raises(DeliveryError, match="Pair rate limit hit") as error:
        _send_whatsapp(provider_server)
    assert error.value.temporary


def test_whatsapp_wrong_token_is_permanent(provider_server):
    with pytest.raises(DeliveryError) as error:
        _send_whatsapp(provider_server, token="expired")
    assert not error.value.temporary and "401" in str(error.value)
    assert "expired" not in str(error.value)


def test_telegram_blocked_by_the_user_is_permanent_and_names_no_token(provider_server):
    provider_server.fail_next(1, 403)
    with pytest.raises(DeliveryError) as error:
        _send_telegram(provider_server)
    assert not error.value.temporary
    assert "bot was blocked by the user" in str(error.value)
    assert provider_server.telegram_token not in str(error.value)
    # Nothing chained either: a logged traceback shows no urllib error holding the URL.
    assert error.value.__cause__ is None and error.value.__context__ is None


def test_telegram_429_says_when_to_retry(provider_server):
    provider_server.fail_next(1, 429, retry_after=31)
    with pytest.raises(DeliveryError) as error:
        _send_telegram(provider_server)
    assert error.value.temporary and "retry after 31 seconds" in str(error.value)


def test_telegram_wrong_token_is_permanent_and_not_repeated(provider_server):
    with pytest.raises(DeliveryError) as error:
        _send_telegram(provider_server, token="999:wrong-token")
    assert not error.value.temporary and "wrong-token" not in str(error.value)


@pytest.mark.parametrize("send", [_send_whatsapp, _send_telegram], ids=["whatsapp", "telegram"])
def test_connection_closed_without_an_answer_is_temporary(provider_server, send):
    provider_server.refuse = True
    with pytest.raises(DeliveryError, match="closed the connection") as error:
        send(provider_server)
    assert error.value.temporary
    assert provider_server.telegram_token not in str(error.value)
    assert len(provider_server.wait_for(1)) == 1


def _unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("send", [whatsapp.send_text, telegram.send_text], ids=["whatsapp", "telegram"])
def test_refused_connection_is_temporary(send):
    url = f"http://127.0.0.1:{_unused_port()}"
    arguments = dict(base_url=url, token="123:secret-token", text="hi", timeout=3)
    if send is whatsapp.send_text:
        arguments.update(phone_number_id="1", to="966501234567")
    else:
        arguments.update(chat_id="42")
    with pytest.raises(DeliveryError, match="refused the connection") as error:
        send(**arguments)
    assert error.value.temporary and "secret-token" not in str(error.value)


def test_timeout_is_temporary():
    # A server that accepts the connection and never answers.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        started = time.monotonic()
        with pytest.raises(DeliveryError, match="did not answer within 0.3 seconds") as error:
            telegram.send_text(base_url=f"http://127.0.0.1:{listener.getsockname()[1]}",
                               token="123:secret-token", chat_id="42", text="hi", timeout=0.3)
        assert error.value.temporary and time.monotonic() - started < 2


def test_bad_api_url_never_echoes_the_token():
    with pytest.raises(ValueError) as error:
        telegram.send_text(base_url="api.telegram.org", token="123:secret-token", chat_id="42",
                           text="hi")
    assert "secret-token" not in str(error.value)
    with pytest.raises(ValueError) as error:
        telegram.send_text(base_url="http://127.0.0.1:9", token="123:secret token\n",
                           chat_id="42", text="hi")
    assert "secret" not in str(error.value)

