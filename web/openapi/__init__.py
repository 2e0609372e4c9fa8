"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json: the help
center's routes (help_center.py), the chat's and console's (chat.py) and the desk's
routing (desk.py: status, teams, transfers, and what they add to a Handoff), and tags and
the conversation search (search.py), and the channels' webhooks (channels.py), one
document."""
import copy

from . import channels, chat, desk, help_center, search
from .parts import unavailable

__all__ = ["SPEC"]

# Operations that answer whatever the database says: they read none, or only log what
# they did, best effort (web/errors.py: best_effort).
_NEVER_UNAVAILABLE = {("get", "/api/search"), ("get", "/api/articles/{article_id}"),
                      ("post", "/api/ask"), ("get", "/api/openapi.json")}

SPEC = copy.deepcopy(help_center.SPEC)
SPEC["paths"].update(chat.PATHS)
SPEC["components"]["schemas"].update(chat.SCHEMAS)
SPEC["paths"].update(desk.PATHS)
SPEC["components"]["schemas"].update(desk.SCHEMAS)
SPEC["components"]["schemas"]["Handoff"]["properties"].update(desk.HANDOFF_PROPERTIES)
SPEC["paths"].update(search.PATHS)
SPEC["components"]["schemas"].update(search.SCHEMAS)
SPEC["components"]["schemas"]["Handoff"]["properties"].update(search.HANDOFF_PROPERTIES)
SPEC["paths"].update(channels.PATHS)
SPEC["components"]["schemas"].update(channels.SCHEMAS)
SPEC["components"]["schemas"]["Handoff"]["properties"].update(channels.HANDOFF_PROPERTIES)
_queue = SPEC["paths"]["/api/agent/handoffs"]["get"]
_queue["parameters"] = [*_queue.get("parameters", []), *desk.QUEUE_PARAMETERS]
_queue["responses"].setdefault("400", {"description": "an unknown status or team"})
for _path, _operations in SPEC["paths"].items():
    for _method, _operation in _operations.items():
        if (_method, _path) not in _NEVER_UNAVAILABLE:
            _operation["responses"].setdefault("503", unavailable())
