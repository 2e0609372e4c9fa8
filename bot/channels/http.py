"""JSON over HTTPS for the messaging channels: POST a JSON body to a provider and read
its JSON answer (whatsapp.py, telegram.py). (Webhook bodies are read by the web app's
own JSON reader, web/inputs.json_body, with its depth limit.)

    response = post_json("https://api.telegram.org/bot<token>/sendMessage",
                         {"chat_id": "42", "text": "مرحبا"}, service="Telegram")
    response.status, response.data      # 200, {"ok": True, "result": {...}}

Only a failure to get any answer (refused, reset, timed out) raises here, as a temporary
DeliveryError; every HTTP status comes back for the caller to judge, since each provider
says "try later" differently. No error text names the URL: Telegram's holds the token.
"""
import dataclasses
import http.client
import json
import urllib.error
import urllib.request

from bot.channels import DeliveryError

__all__ = ["Response", "post_json", "shorten", "MAX_RESPONSE_BYTES"]

# A provider's answer to one send is a few hundred bytes; more is not an answer.
MAX_RESPONSE_BYTES = 1024 * 1024


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

