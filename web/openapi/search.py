"""The OpenAPI 3 paths and schemas of tags on conversations and the conversation search
(web/agent_search.py), and the ``tags`` a Handoff carries."""
from bot.desk.search import MAX_PAGE, MAX_QUERY_LENGTH, PAGE_SIZE, STATUSES
from bot.desk.tags import MAX_TAG_LENGTH, MAX_TAGS

from .parts import body as _body, error as _error, json_response as _json

__all__ = ["PATHS", "SCHEMAS", "HANDOFF_PROPERTIES"]

_XHR = {"name": "X-Requested-With", "in": "header", "required": True,
        "description": "must be XMLHttpRequest (state-changing agent calls)",
        "schema": {"type": "string", "enum": ["XMLHttpRequest"]}}
_HANDOFF = {"name": "handoff_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TAG = {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH,
        "description": "letters, digits, \"-\", \"_\" and spaces; kept trimmed, spaces "
                       "collapsed, Latin case-folded, invisible format characters removed "
                       "(Arabic as written)"}
_TAG_ERRORS = {"401": _error("not signed in as an agent"),
               "403": _error("X-Requested-With missing"),
               "404": _error("no such handoff"),
               "415": _error("not Content-Type: application/json")}
_DAY = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

PATHS = {
    "/api/agent/tags": {"get": {
        "summary": "The tags in use on conversations, with how many carry each (the most "
                   "used first): what the tag box suggests",
        "responses": {"200": _json("#/components/schemas/TagsInUse"),
                      "401": _error("not signed in as an agent")}}},
    "/api/agent/handoffs/{handoff_id}/tags": {"post": {
        "summary": "Tag the handoff's conversation",
        "description": f"Any signed-in agent may tag. A conversation has at most {MAX_TAGS} "
                       "tags. Tags are not personal data: `dalil customers forget` keeps "
                       "them.",
        "parameters": [_HANDOFF, _XHR],
        "requestBody": _body({"type": "object", "required": ["tag"],
                              "properties": {"tag": _TAG}}),
        "responses": {"201": _json("#/components/schemas/ConversationTags", "added"),
                      "200": _json("#/components/schemas/ConversationTags",
                                   "the conversation had it already (added: false)"),
                      "400": _error("not a tag (empty, too long, a character other than "
                                    "letters, digits, - _ and spaces), or the conversation "
                                    f"has {MAX_TAGS} tags already"),
                      **_TAG_ERRORS}}},
    "/api/agent/handoffs/{handoff_id}/tags/delete": {"post": {
        "summary": "Take a tag off the handoff's conversation",
        "parameters": [_HANDOFF, _XHR],
        "requestBody": _body({"type": "object", "required": ["tag"],
                              "properties": {"tag": _TAG}}),
        "responses": {"200": _json("#/components/schemas/ConversationTags",
                                   "removed: whether it had the tag"),
                      "400": _error("not a tag"), **_TAG_ERRORS}}},
    "/api/agent/search": {"get": {
        "summary": "Search conversations by text, customer, tag, date and status",
        "description": "Conversations that have a handoff and match every filter given, "
                       f"newest first, {PAGE_SIZE} a page. Text matches any customer, bot "
                       "or agent message as the bot's matching reads it: with or without "
                       "diacritics and tatweel, أ إ آ ا alike, ة and ه, ى and ي, any case; "
                       "part of a word too (الطلب finds الطلبات). Dates are days in the "
                       "team's time zone (BUSINESS_TIMEZONE), by when the conversation "
                       "started; both ends included.",
        "parameters": [
            {"name": "q", "in": "query", "description": "text in one of its messages",
             "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}},
            {"name": "customer", "in": "query",
             "description": "part of the customer's name, e-mail or the shop's id for them",
             "schema": {"type": "string", "maxLength": 254}},
            {"name": "tag", "in": "query", "description": "a tag it carries",
             "schema": {"type": "string", "maxLength": MAX_TAG_LENGTH}},
            {"name": "from", "in": "query", "description": "started on this day or later",
             "schema": _DAY},
            {"name": "to", "in": "query", "description": "started on this day or earlier",
             "schema": _DAY},
            {"name": "status", "in": "query", "description": "its latest handoff's status",
             "schema": {"type": "string", "enum": list(STATUSES)}},
            {"name": "page", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}}],
        "responses": {"200": _json("#/components/schemas/ConversationSearch"),
                      "400": _error("a filter that cannot be used: control or undecodable "
                                    "characters, too long, text of marks alone, a bad tag, "
                                    "a date not YYYY-MM-DD, from after to, an unknown "
                                    "status, a page out of range"),
                      "401": _error("not signed in as an agent")}}},
}

SCHEMAS = {
    "TagsInUse": {"type": "object", "required": ["tags"], "properties": {
        "tags": {"type": "array", "items": {"type": "object", "required": ["tag", "count"],
                                             "properties": {"tag": {"type": "string"},
                                                            "count": {"type": "integer"}}}}}},
    "ConversationTags": {"type": "object", "required": ["handoff_id", "conversation_id", "tag",
                                                        "tags"],
                         "properties": {
        "handoff_id": {"type": "integer"}, "conversation_id": {"type": "integer"},
        "tag": {"type": "string", "description": "the tag as kept"},
        "added": {"type": "boolean"}, "removed": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"},
                 "description": "the conversation's tags now, oldest first"}}},
    "SearchHit": {"type": "object", "required": ["conversation_id", "handoff_id", "status",
                                                 "created", "customer", "question", "tags",
                                                 "match", "url"],
                  "properties": {
        "conversation_id": {"type": "integer"},
        "handoff_id": {"type": "integer", "description": "its latest handoff"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "assignee": {"type": "string", "nullable": True},
        "team": {"type": "string", "nullable": True},
        "created": {"type": "string", "format": "date-time"},
        "lang": {"type": "string"},
        "customer": {"type": "object", "properties": {
            "name": {"type": "string"}, "email": {"type": "string"},
            "external_id": {"type": "string", "nullable": True},
            "verified": {"type": "boolean"}}},
        "question": {"type": "string", "description": "the handoff's first question"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "match": {"type": "object", "nullable": True,
                  "description": "with q: the first message that matched, cut around the "
                                 "match (before + match + after; mark the match)",
                  "properties": {"message_id": {"type": "integer"}, "role": {"type": "string"},
                                 "created": {"type": "string", "format": "date-time"},
                                 "before": {"type": "string"}, "match": {"type": "string"},
                                 "after": {"type": "string"}}},
        "url": {"type": "string", "description": "the handoff's console page"}}},
    "ConversationSearch": {"type": "object", "required": ["results", "page", "more",
                                                          "page_size"],
                           "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "page": {"type": "integer"}, "more": {"type": "boolean"},
        "page_size": {"type": "integer"}}},
}

# What a Handoff carries once the console adds them (web/agent.py).
HANDOFF_PROPERTIES = {
    "tags": {"type": "array", "items": {"type": "string"},
             "description": "its conversation's tags, oldest first"},
}
