"""A local stand-in for the WhatsApp Cloud API and the Telegram Bot API, so sends are
tested over real HTTP; and builders of the webhook calls those providers make.

    def test_reply_leaves(provider_server):
        send_text(base_url=provider_server.whatsapp_url, phone_number_id="1055",
                  token=provider_server.whatsapp_token, to="966501234567", text="أهلاً")
        provider_server.requests[0].body["text"]["body"]      # "أهلاً"
        provider_server.fail_next(1, 503)                     # the next call gets a 503

    body, headers = signed_whatsapp("app-secret", whatsapp_text("وين طلبي؟"))
    client.post("/webhooks/whatsapp", data=body, headers=headers)

It answers ``POST /<version>/<phone_number_id>/messages`` (Bearer token checked) and
``POST /bot<token>/sendMessage``, records every request, and fails on demand: ``outage``
(503 to everything), ``fail_next(n, status)``, ``refuse`` (close without an answer).
"""
import dataclasses
import hashlib
import hmac
import http.server
import itertools
import json
import re
import threading
import time

import pytest

__all__ = ["ProviderServer", "Recorded", "provider_server", "signed_whatsapp", "whatsapp_text",
           "whatsapp_payload", "whatsapp_status", "telegram_update", "telegram_headers",
           "WHATSAPP_TOKEN", "TELEGRAM_TOKEN", "PHONE_NUMBER_ID"]

WHATSAPP_TOKEN = "EAAtest-whatsapp-token"
TELEGRAM_TOKEN = "123456789:AAtest-telegram-token"
PHONE_NUMBER_ID = "105500000000001"
WHATSAPP_PATH = re.compile(r"^/(v[0-9]+\.[0-9]+)/([0-9]+)/messages$")
TELEGRAM_PATH = re.compile(r"^/bot([^/]+)/sendMessage$")
# What each provider says with a status, as it says it.
WHATSAPP_ERRORS = {
    400: (100, "(#100) Invalid parameter"),
    401: (190, "Invalid OAuth access token - Cannot parse access token"),
    429: (130429, "(#130429) Rate limit hit"),
    500: (131000, "(#131000) Something went wrong"),
    503: (133004, "(#133004) Server temporarily unavailable"),
}
TELEGRAM_ERRORS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after 7",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclasses.dataclass
class Recorded:
    """One request the server got: ``body`` is its JSON decoded (None if not JSON),
    ``status`` what it answered (None when it closed the socket instead)."""
    method: str
    path: str
    headers: dict
    body: object
    status: int | None = None


class ProviderServer:
    """Both providers' send APIs on 127.0.0.1 (a free port), in a daemon thread."""

    def __init__(self, *, whatsapp_token=WHATSAPP_TOKEN, telegram_token=TELEGRAM_TOKEN):
        self.whatsapp_token = whatsapp_token
        self.telegram_token = telegram_token
        self._lock = threading.Condition()
        self.reset()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll so close() (shutdown waits one poll) costs no test half a second.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def whatsapp_url(self):
        """The base_url for whatsapp.send_text (a Graph API version path)."""
        return f"{self.url}/v21.0"

    @property
    def telegram_url(self):
        """The base_url for telegram.send_text."""
        return self.url

    def reset(self):
        """Forget recorded requests and switch every failure mode off."""
        with self._lock:
            self.requests = []
            self.outage = False
            self.refuse = False
            self._failures = []
            self._ids = itertools.count(1)

    def fail_next(self, count, status, *, description=None, code=None, retry_after=None):
        """Answer the next ``count`` requests with ``status`` and that provider's error
        body (``description`` instead of its usual text, ``code`` instead of WhatsApp's
        usual error code, ``retry_after`` seconds in a Telegram 429's parameters)."""
        with self._lock:
            self._failures.extend([(status, description, code, retry_after)] * count)

    def wait_for(self, count, timeout=5):
        """Return the recorded requests once there are at least ``count`` of them;
        raise AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the provider server got {len(self.requests)} "
                                         f"requests, not {count}, within {timeout} s")
                self._lock.wait(left)
            return list(self.requests)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # What the handler thread calls: returns (status, body dict) or None to refuse.
    def _answer(self, recorded):
        with self._lock:
            self.requests.append(recorded)
            self._lock.notify_all()
            if self.refuse:
                return None
            failure = self._failures.pop(0) if self._failures else None
            if failure is None and self.outage:
                failure = (503, None, None, None)
            message_number = next(self._ids)
        whatsapp = WHATSAPP_PATH.match(recorded.path)
        telegram = TELEGRAM_PATH.match(recorded.path)
        if recorded.method != "POST" or not (whatsapp or telegram):
            return 404, {"error": "no such endpoint"}
        if failure:
            status, description, code, retry_after = failure
            if whatsapp:
                return status, _whatsapp_error(status, description, code)
            return status, _telegram_error(status, description, retry_after)
        if whatsapp:
            return self._whatsapp_send(recorded, message_number)
        return self._telegram_send(recorded, telegram.group(1), message_number)

    def _whatsapp_send(self, recorded, number):
        if recorded.headers.get("authorization") != f"Bearer {self.whatsapp_token}":
            return 401, _whatsapp_error(401)
        body = recorded.body if isinstance(recorded.body, dict) else {}
        text = body.get("text") if isinstance(body.get("text"), dict) else {}
        if (body.get("messaging_product") != "whatsapp" or body.get("type") != "text"
                or not isinstance(text.get("body"), str) or not str(body.get("to", "")).isdigit()):
            return 400, _whatsapp_error(400)
        return 200, {"messaging_product": "whatsapp",
                     "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                     "messages": [{"id": f"wamid.{number}"}]}

    def _telegram_send(self, recorded, token, number):
        if token != self.telegram_token:
            return 401, _telegram_error(401)
        body = recorded.body if isinstance(recorded.body, dict) else {}
        if not body.get("chat_id"):
            return 400, _telegram_error(400, "Bad Request: chat_id is empty")
        if not isinstance(body.get("text"), str) or not body["text"].strip():
            return 400, _telegram_error(400, "Bad Request: message text is empty")
        chat = int(body["chat_id"])
        return 200, {"ok": True, "result": {
            "message_id": number, "date": int(time.time()), "text": body["text"],
            "from": {"id": int(self.telegram_token.split(":")[0]), "is_bot": True,
                     "first_name": "Dalil"},
            "chat": {"id": chat, "type": "private"}}}


def _whatsapp_error(status, description=None, code=None):
    usual_code, message = WHATSAPP_ERRORS.get(status, (status, f"HTTP {status}"))
    return {"error": {"message": description or message, "type": "OAuthException",
                      "code": code or usual_code, "fbtrace_id": "Atest"}}


def _telegram_error(status, description=None, retry_after=None):
    body = {"ok": False, "error_code": status,
            "description": description or TELEGRAM_ERRORS.get(status, f"HTTP {status}")}
    if status == 429:
        body["parameters"] = {"retry_after": retry_after or 7}
    return body


def _handler(provider):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, 1024 * 1024))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            recorded = Recorded("POST", self.path,
                                {name.lower(): value for name, value in self.headers.items()}, body)
            answer = provider._answer(recorded)
            if answer is None:
                # A provider that drops the connection: no status line at all.
                self.close_connection = True
                self.connection.close()
                return
            recorded.status, data = answer
            payload = json.dumps(data).encode("utf-8")
            self.send_response(recorded.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

        def log_message(self, format, *args):
            pass  # tests read self.requests; stderr stays quiet

    return Handler


@pytest.fixture
def provider_server():
    """A fresh ProviderServer for one test, closed after it."""
    with ProviderServer() as server:
        yield server


# Webhook calls, as the providers make them.

def signed_whatsapp(app_secret, payload):
    """Return (body bytes, headers) of a WhatsApp webhook call signed with ``app_secret``."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    signature = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"}


def whatsapp_payload(*, messages=(), statuses=(), contacts=(), phone_number_id=PHONE_NUMBER_ID):
    """Return a webhook payload carrying ``messages``, ``statuses`` and ``contacts``."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id}}
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


_wamids = itertools.count(1)


def whatsapp_text(text, *, sender="966501234567", name="Mona", message_id=None, reply_to=None,
                  phone_number_id=PHONE_NUMBER_ID):
    """Return a webhook payload with one text message from ``sender`` (``reply_to``: the
    wamid it answers)."""
    message = {"from": sender, "id": message_id or f"wamid.IN{next(_wamids)}",
               "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}
    if reply_to:
        message["context"] = {"from": "15550001111", "id": reply_to}
    return whatsapp_payload(messages=[message], phone_number_id=phone_number_id,
                            contacts=[{"profile": {"name": name}, "wa_id": sender}])


def whatsapp_status(provider_id, status="delivered", *, recipient="966501234567", error=None):
    """Return a webhook payload with one status of our message ``provider_id``
    (``error``: the errors[0] object of a "failed" status)."""
    item = {"id": provider_id, "status": status, "timestamp": str(int(time.time())),
            "recipient_id": recipient}
    if error:
        item["errors"] = [error]
    return whatsapp_payload(statuses=[item])


_update_ids = itertools.count(1000)
_telegram_message_ids = itertools.count(500)


def telegram_update(text, *, chat_id=42, message_id=None, first_name="Omar", last_name="Haddad",
                    reply_to=None, edited_at=None, chat_type="private", is_bot=False,
                    language_code="ar"):
    """Return a Telegram Update with one message (``edited_at``: an edit_date, making it
    an edited_message; ``reply_to``: the message_id it answers)."""
    message = {"message_id": message_id or next(_telegram_message_ids),
               "from": {"id": chat_id, "is_bot": is_bot, "first_name": first_name,
                        "last_name": last_name, "language_code": language_code},
               "chat": {"id": chat_id, "type": chat_type, "first_name": first_name},
               "date": int(time.time()), "text": text}
    if reply_to is not None:
        message["reply_to_message"] = {"message_id": reply_to, "chat": message["chat"],
                                       "date": int(time.time()) - 60, "text": "…"}
    if edited_at is not None:
        message["edit_date"] = edited_at
    return {"update_id": next(_update_ids), "edited_message" if edited_at else "message": message}


def telegram_headers(secret):
    """Return the headers of a Telegram webhook call made with ``secret``."""
    return {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
