"""The OpenAPI 3 paths and schemas of the help center's API (web/api.py): search,
articles, feedback and the bot."""
from .parts import error as _error, json_response as _json

_LANG = {"name": "lang", "in": "query", "required": False,
         "schema": {"type": "string", "enum": ["ar", "en"]}}
_ARTICLE_ID = {"name": "article_id", "in": "path", "required": True,
               "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}}

SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "Dalil help center API",
        "version": "1.0.0",
        "description": "Search the help center, read its articles, send feedback and ask "
                       "the bot, in Arabic or English. Errors are JSON {\"error\": \"…\"} "
                       "with a 4xx status, or 503 with Retry-After when the server's "
                       "storage is in trouble (nothing was stored: send again later).",
    },
    "paths": {
        "/api/search": {"get": {
            "summary": "Search the articles",
            "description": "Matches titles, questions and bodies, with or without Arabic "
                           "diacritics and hamza, dialect words, typos, a half-typed last "
                           "word and text typed with the wrong keyboard layout.",
            "parameters": [
                {"name": "q", "in": "query", "required": True,
                 "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
                {**_LANG, "description": "language of the results (default: the query's)"},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
                {"name": "source", "in": "query", "required": False,
                 "description": "'suggest' marks searches made while typing (for insights)",
                 "schema": {"type": "string", "enum": ["suggest"]}},
            ],
            "responses": {"200": _json("#/components/schemas/SearchResults"),
                          "400": _error("q missing, empty or too long; unknown lang; bad limit")},
        }},
        "/api/articles/{article_id}": {"get": {
            "summary": "Read one article",
            "parameters": [_ARTICLE_ID, {**_LANG, "description": "default ar; the other "
                                         "language when the article has no such version"}],
            "responses": {"200": _json("#/components/schemas/Article"),
                          "400": _error("unknown lang"), "404": _error("unknown article")},
        }},
        "/api/articles/{article_id}/feedback": {"post": {
            "summary": "Say whether an article helped",
            "parameters": [_ARTICLE_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Feedback"}}}},
            "responses": {
                "201": {"description": "stored", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"ok": {"type": "boolean"},
                                                     "id": {"type": "integer"}}}}}},
                "400": _error("malformed JSON or fields"), "404": _error("unknown article"),
                "415": _error("not Content-Type: application/json")},
        }},
        "/api/ask": {"post": {
            "summary": "Ask the bot a question",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["question"],
                "properties": {"question": {"type": "string", "maxLength": 1000},
                               "lang": {"type": "string", "enum": ["ar", "en"]}}}}}},
            "responses": {"200": _json("#/components/schemas/Reply"),
                          "400": _error("empty, too long or unreadable question; unknown lang; "
                                        "malformed JSON"),
                          "413": _error("body too large"),
                          "415": _error("not Content-Type: application/json")},
        }},
        "/api/openapi.json": {"get": {
            "summary": "This description",
            "responses": {"200": {"description": "OpenAPI 3 document"}},
        }},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "string"}}},
        "SearchResults": {"type": "object", "required": ["results"], "properties": {
            "results": {"type": "array", "items": {"type": "object", "required": [
                "article_id", "title", "snippet", "url", "score"], "properties": {
                "article_id": {"type": "string"},
                "title": {"type": "string"},
                "snippet": {"type": "string", "description": "HTML: matched words in "
                            "<mark>, everything else escaped"},
                "url": {"type": "string"},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "lang": {"type": "string", "enum": ["ar", "en"],
                         "description": "language of the version shown"}}}}}},
        "Article": {"type": "object", "required": ["article_id", "title", "html", "lang",
                                                   "translations", "updated"], "properties": {
            "article_id": {"type": "string"},
            "title": {"type": "string"},
            "html": {"type": "string", "description": "sanitized HTML of the body"},
            "lang": {"type": "string", "enum": ["ar", "en"]},
            "summary": {"type": "string", "description": "the short answer"},
            "category": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "url": {"type": "string"},
            "updated": {"type": "string", "nullable": True,
                        "description": "date of the last change (git, else the file time)"},
            "translations": {"type": "array", "items": {"type": "object", "properties": {
                "lang": {"type": "string"}, "title": {"type": "string"},
                "url": {"type": "string"}}}}}},
        "Feedback": {"type": "object", "required": ["helpful"], "properties": {
            "helpful": {"type": "boolean"},
            "comment": {"type": "string", "maxLength": 2000},
            "lang": {"type": "string", "enum": ["ar", "en"]}}},
        "Reply": {"type": "object", "required": ["action", "article_id", "title", "text",
                                                 "url", "candidates", "lang", "reason"],
                  "properties": {
            "action": {"type": "string", "enum": ["answer", "suggest", "escalate", "smalltalk"]},
            "article_id": {"type": "string", "nullable": True},
            "title": {"type": "string"},
            "text": {"type": "string"},
            "url": {"type": "string", "nullable": True},
            "lang": {"type": "string", "enum": ["ar", "en"]},
            "reason": {"type": "string"},
            "confidence": {"type": "number"},
            "candidates": {"type": "array", "items": {"type": "object", "properties": {
                "article_id": {"type": "string"}, "title": {"type": "string"},
                "score": {"type": "number"}, "url": {"type": "string"}}}}}},
    }},
}
