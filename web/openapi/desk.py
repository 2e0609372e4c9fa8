"""The OpenAPI 3 paths and schemas of the desk's routing (web/agent.py): the agent's
status and capacity, the teams, transfers and escalations, the canned replies; and what
they add to a Handoff (its team, level, latest transfer and SLA, your unread count) and
to the queue (?team=); the inbox's read marks."""
from .parts import body as _body, error as _error, json_response as _json, typing_ping

__all__ = ["PATHS", "SCHEMAS", "HANDOFF_PROPERTIES", "QUEUE_PARAMETERS"]

_XHR = {"name": "X-Requested-With", "in": "header", "required": True,
        "description": "must be XMLHttpRequest (state-changing agent calls)",
        "schema": {"type": "string", "enum": ["XMLHttpRequest"]}}
_HANDOFF = {"name": "handoff_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_REASON = {"type": "string", "minLength": 1, "maxLength": 500,
           "description": "for whoever takes the handoff next: stored with the transfer, "
                          "shown in their console and in the handoff's `transfer`"}
_MOVE_ERRORS = {
    "400": _error("no reason, or a reason too long; an unknown team or agent, an offline "
                  "agent, the handoff's own team, both or neither of team and agent; at "
                  "the top level (escalate)"),
    "401": _error("not signed in as an agent"),
    "403": _error("X-Requested-With missing"),
    "404": _error("no such handoff"),
    "409": _error("you do not hold this handoff (`holder`, `handoff_status`)"),
}

PATHS = {
    "/api/agent/handoffs/{handoff_id}/typing": typing_ping(
        "You are typing a reply (or stopped): the customer sees \"<your name> is "
        "typing…\"; only the agent holding the handoff",
        "the reply box (the console: every 3 s)", "the box emptied or left, the reply sent",
        [_HANDOFF, _XHR],
        {"401": _error("not signed in as an agent"), "403": _error("X-Requested-With missing"),
         "404": _error("no such handoff"),
         "409": _error("you do not hold this handoff (`holder`, `handoff_status`)")}),
    "/api/agent/handoffs/{handoff_id}/read": {"post": {
        "summary": "Mark the handoff's conversation read (by you) up to a message",
        "description": "The inbox calls this when it shows a conversation and when new "
                       "lines appear while it is open. Marks are kept per agent and "
                       "handoff, so your reading clears only your own unread count; a "
                       "mark never moves back, and one past the conversation's newest "
                       "message stops at it. Any signed-in agent may keep a mark.",
        "parameters": [_HANDOFF, _XHR],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"message_id": {
                "type": "integer", "minimum": 0,
                "description": "the newest message you have seen; left out, the "
                               "conversation's newest"}}}}}},
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"type": "object",
                       "required": ["handoff_id", "last_seen_message_id", "unread"],
                       "properties": {
                           "handoff_id": {"type": "integer"},
                           "last_seen_message_id": {"type": "integer"},
                           "unread": {"type": "integer", "description":
                                      "the customer's messages after your mark"}}}}}},
                      "400": _error("message_id not a whole number of 0 or more, or the "
                                    "body not a JSON object"),
                      "401": _error("not signed in as an agent"),
                      "403": _error("X-Requested-With missing"),
                      "404": _error("no such handoff"),
                      "415": _error("a body that is not JSON")}},
    },
    "/api/agent/status": {
        "get": {
            "summary": "Your status: team, level, online/away/offline, capacity, load",
            "responses": {"200": _json("#/components/schemas/AgentStatus"),
                          "401": _error("not signed in as an agent")}},
        "post": {
            "summary": "Set your status and/or capacity",
            "description": "Only online agents are given handoffs automatically, up to their "
                           "capacity; going online or raising the capacity assigns what "
                           "waits in your team's queue at once. Away or offline: you keep "
                           "the handoffs you hold and get no new ones.",
            "parameters": [_XHR],
            "requestBody": _body({"type": "object", "properties": {
                "status": {"type": "string", "enum": ["online", "away", "offline"]},
                "capacity": {"type": "integer", "minimum": 1, "maximum": 20}}}),
            "responses": {"200": _json("#/components/schemas/AgentStatus"),
                          "400": _error("an unknown status, a capacity out of range, or "
                                        "neither given"),
                          "401": _error("not signed in as an agent"),
                          "403": _error("X-Requested-With missing")}},
    },
    "/api/agent/teams": {"get": {
        "summary": "The desk's teams, levels (escalation order, with their targets) and "
                   "agents: what a transfer may choose from",
        "parameters": [{"name": "lang", "in": "query",
                        "schema": {"type": "string", "enum": ["ar", "en"]}}],
        "responses": {"200": _json("#/components/schemas/Teams"),
                      "401": _error("not signed in as an agent")},
    }},
    "/api/agent/handoffs/{handoff_id}/transfer": {"post": {
        "summary": "Transfer your handoff to another team (its queue) or agent (theirs "
                   "at once), with a reason",
        "description": "To a team: open in its queue, given at once to its least busy "
                       "online agent of the handoff's level with room. To an agent: theirs "
                       "at once (unless they are offline), whatever their load; the handoff "
                       "joins their team. The level stays.",
        "parameters": [_HANDOFF, _XHR],
        "requestBody": _body({"type": "object", "required": ["reason"], "properties": {
            "team": {"type": "string"}, "agent": {"type": "string"}, "reason": _REASON},
            "description": "exactly one of team and agent"}),
        "responses": {"200": _json("#/components/schemas/Handoff"), **_MOVE_ERRORS},
    }},
    "/api/agent/handoffs/{handoff_id}/escalate": {"post": {
        "summary": "Escalate your handoff one level up, with a reason",
        "description": "Open in its team's queue at the next level of the teams file "
                       "(e.g. 1 → 2 → supervisor), given at once to an online agent of that "
                       "level with room; its targets (first response, resolution) restart "
                       "at the new level.",
        "parameters": [_HANDOFF, _XHR],
        "requestBody": _body({"type": "object", "required": ["reason"],
                              "properties": {"reason": _REASON}}),
        "responses": {"200": _json("#/components/schemas/Handoff"), **_MOVE_ERRORS},
    }},
}

# --- canned (saved) replies ---------------------------------------------------------------------
_REPLY = {"name": "reply_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_REPLY_FIELDS = {
    "title": {"type": "string", "minLength": 1, "maxLength": 100,
              "description": "one line: what the picker lists"},
    "lang": {"type": "string", "enum": ["ar", "en"]},
    "text": {"type": "string", "minLength": 1, "maxLength": 4000,
             "description": "the reply, with placeholders: {name} (the customer's name; "
                            "\"عميلنا العزيز\" / \"there\" when they gave none), {agent} "
                            "(the agent's name); any other word in braces, such as {order}, "
                            "is left for the agent to fill in (bot/desk/canned.py)"}}
_REPLY_ERRORS = {"401": _error("not signed in as an agent"),
                 "403": _error("X-Requested-With missing")}
_BAD_REPLY = _error("a title or text empty, too long or unclean (bot.clean), or a lang "
                    "other than ar and en")

PATHS.update({
    "/api/agent/replies": {
        "get": {
            "summary": "The team's canned replies, by title",
            "parameters": [{"name": "lang", "in": "query", "required": False,
                            "description": "only this language's (400 for another)",
                            "schema": {"type": "string", "enum": ["ar", "en"]}}],
            "responses": {"200": {"description": "OK", "content": {"application/json": {
                "schema": {"type": "object", "required": ["replies"], "properties": {
                    "replies": {"type": "array",
                                "items": {"$ref": "#/components/schemas/CannedReply"}}}}}}},
                          "400": _error("a lang other than ar and en"),
                          "401": _error("not signed in as an agent")}},
        "post": {
            "summary": "Add a canned reply (any agent; the team shares one list)",
            "parameters": [_XHR],
            "requestBody": _body({"type": "object", "required": ["title", "lang", "text"],
                                  "properties": _REPLY_FIELDS}),
            "responses": {"201": _json("#/components/schemas/CannedReply", "Created"),
                          "400": _BAD_REPLY, **_REPLY_ERRORS}},
    },
    "/api/agent/replies/{reply_id}": {
        "get": {
            "summary": "One canned reply",
            "parameters": [_REPLY],
            "responses": {"200": _json("#/components/schemas/CannedReply"),
                          "401": _error("not signed in as an agent"),
                          "404": _error("no such canned reply")}},
        "post": {
            "summary": "Change a canned reply (any agent): the fields given; the others stay",
            "parameters": [_REPLY, _XHR],
            "requestBody": _body({"type": "object", "properties": _REPLY_FIELDS}),
            "responses": {"200": _json("#/components/schemas/CannedReply"),
                          "400": _BAD_REPLY, **_REPLY_ERRORS,
                          "404": _error("no such canned reply")}},
    },
    "/api/agent/replies/{reply_id}/delete": {"post": {
        "summary": "Delete a canned reply (any agent)",
        "parameters": [_REPLY, _XHR],
        "responses": {"200": {"description": "deleted", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"deleted": {"type": "integer"}}}}}},
                      **_REPLY_ERRORS, "404": _error("no such canned reply")}},
    },
    "/api/agent/replies/{reply_id}/filled": {"get": {
        "summary": "A canned reply filled in for a handoff's customer",
        "description": "{name} becomes the customer's name from the conversation's contact "
                       "details (or their customer record), \"عميلنا العزيز\" (Arabic) or "
                       "\"there\" (English) when unknown; {agent} the signed-in agent's "
                       "name. Other placeholders stay, listed in `unfilled`: POST "
                       "/api/agent/handoffs/{handoff_id}/reply refuses a text that still "
                       "holds one (400), so no customer reads \"{order}\".",
        "parameters": [_REPLY, {"name": "handoff_id", "in": "query", "required": True,
                                "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"type": "object", "required": ["text", "unfilled"], "properties": {
                "text": {"type": "string"},
                "unfilled": {"type": "array", "items": {"type": "string"},
                             "description": "the placeholders left for the agent"}}}}}},
                      "400": _error("handoff_id missing or not a whole number"),
                      "401": _error("not signed in as an agent"),
                      "404": _error("no such canned reply or handoff")}},
    },
})

_SLA_STATE = {"type": "string", "enum": ["ok", "soon", "breached"]}

SCHEMAS = {
    "AgentStatus": {"type": "object", "required": ["name", "status", "capacity", "load"],
                    "properties": {
        "name": {"type": "string"}, "team": {"type": "string", "nullable": True},
        "level": {"type": "string"},
        "status": {"type": "string", "enum": ["online", "away", "offline"]},
        "capacity": {"type": "integer", "description": "the most handoffs at once"},
        "load": {"type": "integer", "description": "the handoffs held now"}}},
    "Teams": {"type": "object", "required": ["teams", "levels", "agents"], "properties": {
        "teams": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "title": {"type": "string"},
            "categories": {"type": "array", "items": {"type": "string"}}}}},
        "levels": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "first_response_minutes": {"type": "integer"},
            "resolution_minutes": {"type": "integer"}}}},
        "agents": {"type": "array", "items": {"$ref": "#/components/schemas/AgentStatus"}}}},
    "Transfer": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["transfer", "escalate"]},
        "from_agent": {"type": "string"}, "from_team": {"type": "string", "nullable": True},
        "from_level": {"type": "string"}, "reason": {"type": "string"},
        "created": {"type": "string", "format": "date-time"}}},
    "CannedReply": {"type": "object", "required": ["id", "title", "lang", "text"],
                    "properties": {
        "id": {"type": "integer"}, **_REPLY_FIELDS,
        "created_by": {"type": "string", "description": "the agent who added it"},
        "created": {"type": "string", "format": "date-time"},
        "updated": {"type": "string", "format": "date-time"}}},
    "Sla": {"type": "object", "description": "the handoff's targets at its level, in its "
            "team's business hours, counted from when it reached the level. A target met "
            "in time is ok, met late breached; one still running is soon when less than a "
            "quarter of its business time is left, breached once past due.", "properties": {
        "state": {**_SLA_STATE, "description": "the worse of the two"},
        "first_response": _SLA_STATE, "resolution": _SLA_STATE,
        "first_response_due": {"type": "string", "format": "date-time"},
        "resolution_due": {"type": "string", "format": "date-time"}}},
}

# What the console's Handoff carries beyond the shared shape.
HANDOFF_PROPERTIES = {
    "team": {"type": "string", "nullable": True, "description": "the team whose queue it "
             "is in (routed by the category of the bot's best article)"},
    "team_title": {"type": "string"},
    "level": {"type": "string"},
    "level_title": {"type": "string", "description": "the level's title (teams.toml), "
                    "else \"Level 2\" in the request's language"},
    "next_level": {"type": "string", "nullable": True,
                   "description": "where escalating takes it; null at the top"},
    "next_level_title": {"type": "string", "nullable": True},
    "transfer": {"allOf": [{"$ref": "#/components/schemas/Transfer"}], "nullable": True,
                 "description": "its latest transfer or escalation, with the reason"},
    "sla": {"allOf": [{"$ref": "#/components/schemas/Sla"}], "nullable": True},
    "unread": {"type": "integer", "nullable": True, "description":
               "GET /api/agent/handoffs only: for a handoff you hold, how many of the "
               "customer's messages you have not seen (POST .../read); null for others"},
    "typing": {"type": "object", "properties": {"handoff_id": {"type": "integer"},
                                                "typing": {"type": "boolean"}},
               "description": "GET /api/agent/handoffs/{id} only: whether the customer "
                              "types now, as the agent stream's `typing` event says it"},
    "transfers": {"type": "array", "items": {"type": "object"},
                  "description": "GET /api/agent/handoffs/{id} only: every transfer and "
                                 "escalation, oldest first"},
}

QUEUE_PARAMETERS = [{"name": "team", "in": "query", "required": False,
                     "description": "only this team's handoffs (400 for an unknown team)",
                     "schema": {"type": "string"}}]
