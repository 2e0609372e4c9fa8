"""The OpenAPI 3 paths and schemas of the chat and agent APIs (web/chat.py,
web/agent.py, web/learned.py)."""
from .parts import body as _body, error as _error, json_response as _json, typing_ping

_TOKEN = {"name": "X-Conversation-Token", "in": "header", "required": True,
          "description": "the token POST /api/conversations returned",
          "schema": {"type": "string"}}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "a key the client makes for each message (1-128 visible ASCII "
                   "characters, e.g. a UUID) and sends again unchanged when it retries: "
                   "the conversation stores the message once per key, and a retry gets "
                   "back the stored message and the reply it got (200, nothing stored "
                   "twice); the same key with another text or choice is 422",
    "schema": {"type": "string", "pattern": "^[!-~]{1,128}$"}}
_XHR = {"name": "X-Requested-With", "in": "header", "required": True,
        "description": "must be XMLHttpRequest (state-changing agent calls)",
        "schema": {"type": "string", "enum": ["XMLHttpRequest"]}}
_CONVERSATION = {"name": "conversation_id", "in": "path", "required": True,
                 "schema": {"type": "integer"}}
_HANDOFF = {"name": "handoff_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_NOT_FOUND = _error("no such conversation, or a wrong token")
_AGENT_ERRORS = {"401": _error("not signed in as an agent"),
                 "403": _error("X-Requested-With missing"),
                 "404": _error("no such handoff"),
                 "409": _error("another agent holds it (`holder`), or it is not in a state "
                               "that allows this")}


def _agent_post(summary, body=None, ok="#/components/schemas/Handoff"):
    operation = {"summary": summary, "parameters": [_HANDOFF, _XHR],
                 "responses": {"200": _json(ok), **_AGENT_ERRORS}}
    if body:
        operation["requestBody"] = _body(body)
    return {"post": operation}


PATHS = {
    "/api/conversations": {"post": {
        "summary": "Start a chat conversation",
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "lang": {"type": "string", "enum": ["ar", "en"]},
                "customer": {"type": "object", "required": ["id", "email", "hash"],
                             "description": "the shop's signed-in customer: hash is the hex "
                                            "HMAC-SHA256, under IDENTITY_SECRET, of the id, a "
                                            "newline and the email",
                             "properties": {"id": {"type": "string", "maxLength": 200},
                                            "email": {"type": "string"},
                                            "name": {"type": "string", "maxLength": 120},
                                            "hash": {"type": "string"}}}}}}}},
        "responses": {"201": {"description": "the conversation", "content": {"application/json": {
            "schema": {"type": "object", "required": ["id", "token"], "properties": {
                "id": {"type": "integer"}, "token": {"type": "string"},
                "lang": {"type": "string"},
                "customer": {"$ref": "#/components/schemas/KnownCustomer"}}}}}},
            "400": _error("unknown lang; a malformed customer"),
            "403": _error("the customer's hash is not the shop's signature (or no "
                          "IDENTITY_SECRET is set)"),
            "429": _error("too many conversations from this address (Retry-After)")},
    }},
    "/api/conversations/{conversation_id}/history": {"get": {
        "summary": "The verified customer's earlier conversations, newest first (empty for "
                   "a conversation not started with a verified identity)",
        "parameters": [_CONVERSATION, _TOKEN],
        "responses": {"200": _json("#/components/schemas/CustomerHistory"), "404": _NOT_FOUND},
    }},
    "/api/conversations/{conversation_id}/messages": {
        "post": {
            "summary": "Send the customer's message; get the bot's reply (or silence while "
                       "an agent has the conversation)",
            "parameters": [_CONVERSATION, _TOKEN, _IDEMPOTENCY_KEY],
            "requestBody": _body({"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "maxLength": 1000},
                "choice": {"type": "string", "description": "a button: helpful, "
                           "not_helpful, person, or article:<id> (a suggestion)"}}}),
            "responses": {"200": _json("#/components/schemas/Messages"),
                          "400": _error("empty or unreadable text; unknown choice; a "
                                        "malformed Idempotency-Key"),
                          "404": _NOT_FOUND, "413": _error("text too long"),
                          "415": _error("not JSON"),
                          "422": _error("the Idempotency-Key was sent with another message"),
                          "429": _error("too many messages (Retry-After); counted and "
                                        "stored in one transaction, so a burst gets "
                                        "exactly the limit in")},
        },
        "get": {
            "summary": "Messages after a message id (agent replies arrive here)",
            "parameters": [_CONVERSATION, _TOKEN, {"name": "after", "in": "query",
                                                   "schema": {"type": "integer"}}],
            "responses": {"200": _json("#/components/schemas/Messages"), "404": _NOT_FOUND},
        },
    },
    "/api/conversations/{conversation_id}/events": {"get": {
        "summary": "The conversation as Server-Sent Events: an update (the Messages shape: "
                   "new messages and the handoff's state) at once and on every change",
        "description": "Each event is `event: update`, `id:` the newest message id and "
                       "`data:` a JSON object shaped as GET .../messages answers, sent "
                       "when messages arrive or the handoff's status or queue position "
                       "changes; a comment line every 15 s while nothing happens; the "
                       "stream ends after 5 minutes, and a client reconnects with "
                       "`Last-Event-ID` (or `?after=`) to get what came meanwhile. With "
                       "`?typing=1` also `event: typing` with `data: {\"typing\": true|false, "
                       "\"agent\": the typing agent's name or null}` whenever the agent "
                       "side starts or stops typing (a new stream sends one only while "
                       "someone types); without it none, for clients that read every "
                       "event as an update.",
        "parameters": [_CONVERSATION, _TOKEN,
                       {"name": "after", "in": "query", "schema": {"type": "integer"}},
                       {"name": "typing", "in": "query", "schema": {"type": "string",
                                                                    "enum": ["1"]},
                        "description": "1: send `typing` events too"},
                       {"name": "Last-Event-ID", "in": "header", "schema": {"type": "integer"},
                        "description": "the id of the last event received (wins over after)"}],
        "responses": {"200": {"description": "the event stream",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                      "400": _error("after or Last-Event-ID is not a message id"),
                      "404": _NOT_FOUND},
    }},
    "/api/conversations/{conversation_id}/typing": typing_ping(
        "The customer is typing (or stopped): shown to the agent as \"the customer is "
        "typing…\"; only while a person handles the conversation or it waits for one",
        "the message box (the widget: every 3 s; sending the message ends it)",
        "the box emptied or left", [_CONVERSATION, _TOKEN],
        {"404": _NOT_FOUND,
         "409": _error("no person handles the conversation or is waited for")}),
    "/api/conversations/{conversation_id}/handoff": {"post": {
        "summary": "Hand the conversation to a person, with optional contact details",
        "parameters": [_CONVERSATION, _TOKEN],
        "requestBody": _body({"type": "object", "properties": {
            "name": {"type": "string", "maxLength": 100},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "handoff_id": {"type": "integer",
                           "description": "only add the details to this handoff"}}}),
        "responses": {"200": {"description": "the handoff as the customer sees it"},
                      "400": _error("invalid e-mail"), "404": _NOT_FOUND,
                      "409": _error("handoff_id names a resolved handoff")},
    }},
    "/api/conversations/{conversation_id}/rating": {"post": {
        "summary": "Rate the help after a resolved handoff",
        "parameters": [_CONVERSATION, _TOKEN],
        "requestBody": _body({"type": "object", "required": ["score"], "properties": {
            "score": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": "string", "maxLength": 2000}}}),
        "responses": {"201": {"description": "stored"}, "400": _error("bad score or comment"),
                      "404": _NOT_FOUND, "409": _error("nothing to rate yet, or already rated")},
    }},
    "/api/agent/login": {"post": {
        "summary": "Sign in as an agent (sets the session cookie)",
        "requestBody": _body({"type": "object", "required": ["name", "password"],
                              "properties": {"name": {"type": "string"},
                                             "password": {"type": "string"}}}),
        "responses": {"200": {"description": "signed in"},
                      "401": _error("wrong name or password")},
    }},
    "/api/agent/logout": {"post": {
        "summary": "Sign out", "parameters": [_XHR],
        "responses": {"200": {"description": "signed out"}, "401": _error("not signed in")},
    }},
    "/api/agent/events": {"get": {
        "summary": "The agent's one event stream (signed in): the queue and the "
                   "conversations they hold, as Server-Sent Events",
        "description": "`event: queue` with `data: {\"open\": [handoff ids, oldest first], "
                       "\"mine\": [the agent's claimed ones]}` at once and whenever a handoff "
                       "opens, is claimed, released or resolved; `event: messages` with "
                       "`data: {\"handoff_id\", \"conversation_id\", \"messages\": [...]}` "
                       "when a conversation the agent holds gets new lines; `event: typing` "
                       "with `data: {\"handoff_id\", \"typing\": true|false}` when the "
                       "customer of a handoff the agent holds starts or stops typing (a "
                       "new stream sends one for each already typing). A comment line "
                       "every 15 s; the stream ends after 5 minutes (reconnect) or when the "
                       "session does (signed out, password changed).",
        "responses": {"200": {"description": "the event stream",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                      "401": _error("not signed in")},
    }},
    "/api/agent/handoffs": {"get": {
        "summary": "The queue: open (oldest first), mine, or resolved",
        "parameters": [{"name": "status", "in": "query", "schema": {
            "type": "string", "enum": ["open", "mine", "resolved"], "default": "open"}}],
        "responses": {"200": {"description": "{\"handoffs\": [Handoff]}"},
                      "401": _error("not signed in as an agent")},
    }},
    "/api/agent/handoffs/{handoff_id}": {"get": {
        "summary": "A handoff with its whole transcript (messages) and its internal notes",
        "parameters": [_HANDOFF],
        "responses": {"200": _json("#/components/schemas/Handoff"),
                      "401": _error("not signed in"), "404": _error("no such handoff")},
    }},
    "/api/agent/handoffs/{handoff_id}/claim": _agent_post("Claim an open handoff (atomic)"),
    "/api/agent/handoffs/{handoff_id}/release": _agent_post("Put your handoff back in the queue"),
    "/api/agent/handoffs/{handoff_id}/reply": _agent_post(
        "Reply to the customer (400 while the text holds an unfilled placeholder such as "
        "{order})", {"type": "object", "required": ["text"],
                                  "properties": {"text": {"type": "string", "maxLength": 4000}}},
        ok="#/components/schemas/Message"),
    "/api/agent/handoffs/{handoff_id}/notes": _agent_post(
        "Add an internal note (agents only: never in the customer's chat, widget, API or "
        "stream)", {"type": "object", "required": ["text"],
                    "properties": {"text": {"type": "string", "maxLength": 4000}}},
        ok="#/components/schemas/Note"),
    "/api/agent/handoffs/{handoff_id}/resolve": _agent_post(
        "Resolve your handoff", {"type": "object", "required": ["outcome"], "properties": {
            "outcome": {"type": "string", "enum": ["article", "no_article", "not_support"]},
            "article_id": {"type": "string", "description": "required with outcome article; "
                           "a question of the customer's becomes a learned question for it"},
            "question": {"type": "string", "nullable": True, "maxLength": 1000,
                         "description": "with outcome article, what teaches the bot. Left "
                         "out: the handoff's last customer message that can teach (not a "
                         "request for a person, small talk, a yes or no, a number or e-mail "
                         "address, or a single word; nothing when there is none). Text: "
                         "that question, as the agent chose or reworded it (400 when it is "
                         "empty, a request for a person, small talk or a yes or no). null: "
                         "teach nothing. Ignored with the other outcomes."}}},
        ok="#/components/schemas/Resolved"),
    "/api/agent/learned": {"get": {
        "summary": "Learned questions: held for review first, then the most disputed "
                   "(web/learned.py)",
        "responses": {"200": {"description": "{\"learned\": [LearnedQuestion]}"},
                      "401": _error("not signed in as an agent")},
    }},
    "/api/agent/learned/{learned_id}/approve": {"post": {
        "summary": "Make a learned question held for review live (it gets a new id, the "
                   "highest, so every server takes it in)",
        "parameters": [{"name": "learned_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}, _XHR],
        "responses": {"200": {"description": "{\"approved\": the id asked for, \"learned\": "
                                             "LearnedQuestion (its new id)}"},
                      **_AGENT_ERRORS,
                      "404": _error("no learned question held for review with this id")},
    }},
    "/api/agent/learned/{learned_id}/remove": {"post": {
        "summary": "Remove a wrong learned question (the bot is rebuilt without it)",
        "parameters": [{"name": "learned_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}, _XHR],
        "responses": {"200": {"description": "{\"removed\": id}"}, **_AGENT_ERRORS,
                      "404": _error("no such learned question")},
    }},
}

SCHEMAS = {
    "KnownCustomer": {"type": ["object", "null"], "description": "who the shop said the "
                      "customer is (null: not a verified identity)", "properties": {
                          "name": {"type": "string"}, "email": {"type": "string"},
                          "verified": {"type": "boolean"}}},
    "CustomerHistory": {"type": "object", "properties": {
        "customer": {"$ref": "#/components/schemas/KnownCustomer"},
        "conversations": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "token": {"type": "string"},
            "lang": {"type": "string"}, "created": {"type": "string"},
            "first_message": {"type": "string"}, "messages": {"type": "integer"},
            "handoff": {"type": ["string", "null"]}, "outcome": {"type": ["string", "null"]},
            "rating": {"type": ["integer", "null"]}}}}}},
    "Note": {"type": "object", "required": ["id", "handoff_id", "agent", "text", "created"],
             "properties": {"id": {"type": "integer"}, "handoff_id": {"type": "integer"},
                            "agent": {"type": "string"}, "text": {"type": "string"},
                            "created": {"type": "string", "format": "date-time"}}},
    "Message": {"type": "object", "required": ["id", "role", "text", "created"], "properties": {
        "id": {"type": "integer"},
        "role": {"type": "string", "enum": ["customer", "bot", "agent", "system"]},
        "text": {"type": "string"}, "created": {"type": "string"},
        "action": {"type": "string", "description": "bot messages carry the fields of "
                   "/api/ask's reply, plus suggestions and ask_feedback"},
        "agent": {"type": "string"}, "kind": {"type": "string"},
        "rating": {"type": "boolean", "description": "system: the customer may rate now"}}},
    "Messages": {"type": "object", "required": ["messages"], "properties": {
        "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
        "handoff": {"type": "object", "nullable": True, "properties": {
            "id": {"type": "integer"}, "status": {"type": "string"},
            "position": {"type": "integer", "description": "place in the queue; 0 when "
                         "not waiting"}}},
        "rated": {"type": "boolean"},
        "typing": {"allOf": [{"$ref": "#/components/schemas/AgentTyping"}],
                   "description": "GET only: whether the agent side types now, as the "
                                  "stream's `typing` event says it"}}},
    "AgentTyping": {"type": "object", "required": ["typing", "agent"], "properties": {
        "typing": {"type": "boolean"},
        "agent": {"type": "string", "nullable": True,
                  "description": "the typing agent's name (as their messages carry it)"}}},
    "TypingPing": {"type": "object", "required": ["typing", "seconds"], "properties": {
        "typing": {"type": "boolean"},
        "seconds": {"type": "number", "description": "how long this ping counts (the "
                    "TYPING_SECONDS setting); 0 for a stop"}}},
    "Handoff": {"type": "object", "required": [
        "id", "conversation_id", "status", "assignee", "lang", "created", "waiting_seconds",
        "first_question", "reason"], "properties": {
        "id": {"type": "integer"}, "conversation_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["open", "claimed", "resolved"]},
        "assignee": {"type": "string", "nullable": True},
        "lang": {"type": "string"}, "created": {"type": "string"},
        "waiting_seconds": {"type": "integer"}, "first_question": {"type": "string"},
        "reason": {"type": "string"},
        "candidates": {"type": "array", "items": {"type": "object"}},
        "name": {"type": "string"}, "email": {"type": "string"},
        "outcome": {"type": "string", "nullable": True},
        "article_id": {"type": "string", "nullable": True},
        "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}}},
    "LearnedQuestion": {"type": "object", "required": ["id", "article_id", "question",
                                                       "status"], "properties": {
        "id": {"type": "integer"}, "article_id": {"type": "string"},
        "title": {"type": "string"}, "question": {"type": "string"},
        "lang": {"type": "string"},
        "source": {"type": "string", "enum": ["agent", "customer"],
                   "description": "agent: a resolution (handoff_id names it); customer: "
                   "a customer's \"yes\" to the bot's answer"},
        "agent": {"type": "string", "nullable": True},
        "handoff_id": {"type": "integer", "nullable": True},
        "created": {"type": "string"},
        "disputed": {"type": "integer", "description": "customers' \"no\" to answers it "
                     "produced"},
        "status": {"type": "string", "enum": ["live", "review"], "description": "review: "
                   "held, the bot does not use it until an agent approves it"},
        "conflict_article_id": {"type": "string", "nullable": True,
                                "description": "held: the other article whose writer "
                                "question it nearly is"},
        "conflict_title": {"type": "string", "nullable": True},
        "conflict_question": {"type": "string", "nullable": True}}},
    "Resolved": {"allOf": [{"$ref": "#/components/schemas/Handoff"}, {
        "type": "object", "properties": {"learned": {
            "allOf": [{"$ref": "#/components/schemas/LearnedQuestion"}], "nullable": True,
            "description": "what the resolution taught the bot (live or held), or null"}}}]},
}
