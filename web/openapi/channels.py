"""The OpenAPI 3 paths of the channels' webhooks (web/webhooks.py) and the console's
"try again" for a failed delivery (web/agent_channels.py)."""
from .parts import error as _error

__all__ = ["PATHS", "SCHEMAS", "HANDOFF_PROPERTIES"]

_RECEIVED = {"description": "stored (and answered, or queued for a person)",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Received"}}}}
_OFF = _error("the channel is not set up on this server (its secret setting is empty)")
_JSON_ERRORS = {"400": _error("not valid JSON, nested too deeply, or not the provider's shape"),
                "404": _OFF, "413": _error("the body is over 1 MiB"),
                "415": _error("not Content-Type: application/json")}

PATHS = {
    "/api/channels/whatsapp": {
        "get": {
            "summary": "WhatsApp Cloud API's webhook handshake: echoes hub.challenge when "
                       "hub.verify_token is WHATSAPP_VERIFY_TOKEN",
            "parameters": [{"name": name, "in": "query", "required": True,
                            "schema": {"type": "string"}}
                           for name in ("hub.mode", "hub.verify_token", "hub.challenge")],
            "responses": {"200": {"description": "the challenge, as text/plain",
                                  "content": {"text/plain": {"schema": {"type": "string"}}}},
                          "403": _error("a wrong or missing verify token"), "404": _OFF}},
        "post": {
            "summary": "WhatsApp Cloud API's webhook: customers' messages (answered by the "
                       "bot or queued for a person) and delivery statuses",
            "description": "The body must be signed: X-Hub-Signature-256 is sha256= and the "
                           "hex HMAC-SHA256 of the raw body under WHATSAPP_APP_SECRET. A "
                           "message already taken (the provider retrying) counts as a "
                           "duplicate and is not answered again.",
            "parameters": [{"name": "X-Hub-Signature-256", "in": "header", "required": True,
                            "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "object", "description": "Meta's webhook payload "
                           "(object whatsapp_business_account, entry[].changes[].value)"}}}},
            "responses": {"200": _RECEIVED, "403": _error("the signature does not match"),
                          **_JSON_ERRORS}}},
    "/api/channels/telegram": {"post": {
        "summary": "Telegram Bot API's webhook: one Update (private chats' messages)",
        "parameters": [{"name": "X-Telegram-Bot-Api-Secret-Token", "in": "header",
                        "required": True, "description": "TELEGRAM_SECRET, as given to setWebhook",
                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"type": "object", "description": "a Telegram Update"}}}},
        "responses": {"200": _RECEIVED, "403": _error("a wrong or missing secret token"),
                      **_JSON_ERRORS}}},
    "/api/channels/email": {"post": {
        "summary": "A mail provider's inbound route: one raw mail (RFC 5322)",
        "description": "Threaded by Message-ID, In-Reply-To and References; quoted text and "
                       "signatures stripped; auto-replies, bounces and list mail stored but "
                       "never answered.",
        "parameters": [{"name": "Authorization", "in": "header", "required": True,
                        "description": "Bearer MAIL_WEBHOOK_SECRET", "schema": {"type": "string"}},
                       {"name": "mailbox", "in": "query", "required": False,
                        "description": "the mailbox (MAILBOXES) it reached; the first by default",
                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"message/rfc822": {
            "schema": {"type": "string", "format": "binary"}}}},
        "responses": {"200": _RECEIVED, "400": _error("not a mail that can be read (no sender)"),
                      "403": _error("a wrong or missing Authorization"), "404": _OFF,
                      "413": _error("over MAX_MAIL_BYTES"),
                      "415": _error("not Content-Type: message/rfc822")}}},
    "/api/agent/deliveries/{outbox_id}/retry": {"post": {
        "summary": "Try a failed delivery (a reply that did not reach the customer) again now",
        "parameters": [{"name": "outbox_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}},
                       {"name": "X-Requested-With", "in": "header", "required": True,
                        "schema": {"type": "string", "enum": ["XMLHttpRequest"]}}],
        "responses": {"200": {"description": "the delivery round's counts",
                              "content": {"application/json": {"schema": {
                                  "type": "object", "properties": {"outbox": {
                                      "type": "object", "additionalProperties": {"type": "integer"}}}}}}},
                      "401": _error("not signed in as an agent"),
                      "403": _error("X-Requested-With missing"),
                      "404": _error("no failed delivery with that id")}}},
}

SCHEMAS = {
    "Received": {"type": "object", "required": ["received", "duplicates"], "properties": {
        "received": {"type": "integer", "description": "messages stored now"},
        "duplicates": {"type": "integer", "description": "messages taken before (not answered again)"}}},
}

# What a Handoff carries of its conversation's channel.
HANDOFF_PROPERTIES = {
    "channel": {"type": "string", "enum": ["web", "email", "whatsapp", "telegram"],
                "description": "where the conversation came in: the chat (web), e-mail, "
                               "WhatsApp or Telegram; an agent's reply leaves there"},
}
