"""JSON over HTTPS for the messaging channels: POST a JSON body to a provider and read
its JSON answer (whatsapp.py, telegram.py), and read a webhook's JSON body safely.

    response = post_json("https://api.telegram.org/bot<token>/sendMessage",
                         {"chat_id": "42", "text": "مرحبا"}, service="Telegram")
    response.status, response.data      # 200, {"ok": True, "result": {...}}
    payload = parse_json_body(request_body)   # or PayloadError saying why

Only a failure to get any answer (refused, reset, timed out) raises here, as a temporary
DeliveryError; every HTTP status comes back for the caller to judge, since each provider
says "try later" differently. No error text names the URL: Telegram's holds the token.
"""
import dataclasses
import http.client
import json
import re
import urllib.error
import urllib.request

from bot.channels import DeliveryError, PayloadError

__all__ = ["Response", "post_json", "parse_json_body", "shorten", "MAX_RESPONSE_BYTES",
           "MAX_WEBHOOK_BYTES", "MAX_JSON_DEPTH"]

# A provider's answer to one send is a few hundred bytes; more is not an answer.
MAX_RESPONSE_BYTES = 1024 * 1024
# Meta batches at most a few messages per webhook call, Telegram sends one update:
# 1 MiB is far above either, and keeps a flood from being read into memory.
MAX_WEBHOOK_BYTES = 1024 * 1024
# The deepest real payload (WhatsApp's entry/changes/value/messages/interactive/...) is
# under 10 levels; json.loads would otherwise recurse until RecursionError.
MAX_JSON_DEPTH = 32


@dataclasses.dataclass(frozen=True)
class Response:
    """A provider's answer: the HTTP ``status`` and ``data``, its JSON body decoded
    (None when the body was empty or not JSON, as from a proxy's HTML error page)."""
    status: int
    data: object


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A provider API never redirects a send; following one would carry the Bearer token
    # (or the token in the path) to wherever the redirect points.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_json(url, payload, *, service, headers=None, timeout=10):
    """Return the Response to POSTing ``payload`` as JSON to ``url``, whatever its
    status; raise DeliveryError(temporary=True) when no answer came (connection refused
    or reset, timeout, TLS failure). ``service`` names the provider in error texts,
    which never include the URL. Raise ValueError for a URL that is not one."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        request = urllib.request.Request(url, data=body, method="POST")
    except ValueError:
        # urllib's own message quotes the URL, token and all.
        raise ValueError(f"the {service} API address is not an http(s) URL") from None
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("Accept", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return Response(answer.status, _decode(answer.read(MAX_RESPONSE_BYTES + 1)))
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, _decode(error.read(MAX_RESPONSE_BYTES + 1)))
    except (ValueError, http.client.InvalidURL):
        # A space or control character in the URL (a token pasted with its newline).
        raise ValueError(f"the {service} API address or token holds characters a URL "
                         "cannot") from None
    except (OSError, http.client.HTTPException) as error:
        # urllib wraps what happens before the answer in URLError; its reason is the
        # socket error (refused, reset, name not resolved), never the URL.
        raise DeliveryError(_no_answer(service, getattr(error, "reason", error), timeout)) from None


def shorten(text, limit=200):
    """Return ``text`` on one line and at most ``limit`` characters (an ellipsis marks
    a cut): what a provider's error message may take of an error text."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _no_answer(service, reason, timeout):
    if isinstance(reason, TimeoutError):
        return f"{service} did not answer within {timeout:g} seconds"
    if isinstance(reason, ConnectionRefusedError):
        return f"{service} refused the connection"
    if isinstance(reason, (ConnectionResetError, http.client.HTTPException)):
        return f"{service} closed the connection without an answer"
    detail = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
    return f"{service} could not be reached: {str(detail) or type(reason).__name__}"


def _decode(raw):
    if len(raw) > MAX_RESPONSE_BYTES or not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def parse_json_body(body, *, max_bytes=MAX_WEBHOOK_BYTES):
    """Return a webhook's body (bytes) decoded from JSON, or raise PayloadError saying
    why it cannot be read: too large, not UTF-8, not JSON, nested too deeply."""
    if not isinstance(body, (bytes, bytearray)):
        raise PayloadError("the webhook body is not bytes")
    if len(body) > max_bytes:
        raise PayloadError(f"the webhook body is larger than {max_bytes} bytes")
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("the webhook body is not UTF-8 text") from None
    if _nesting(text) > MAX_JSON_DEPTH:
        raise PayloadError(f"the webhook body is nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise PayloadError("the webhook body is not valid JSON") from None


def _nesting(text):
    """Return how deep brackets nest in ``text`` outside its strings: an upper bound
    checked before json.loads, which would recurse that deep."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
