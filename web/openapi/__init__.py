"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json: the help
center's routes (help_center.py) and the chat's and console's (chat.py), one document."""
import copy

from . import chat, help_center
from .parts import unavailable

__all__ = ["SPEC"]

# Operations that answer whatever the database says: they read none, or only log what
# they did, best effort (web/errors.py: best_effort).
_NEVER_UNAVAILABLE = {("get", "/api/search"), ("get", "/api/articles/{article_id}"),
                      ("post", "/api/ask"), ("get", "/api/openapi.json")}

SPEC = copy.deepcopy(help_center.SPEC)
SPEC["paths"].update(chat.PATHS)
SPEC["components"]["schemas"].update(chat.SCHEMAS)
for _path, _operations in SPEC["paths"].items():
    for _method, _operation in _operations.items():
        if (_method, _path) not in _NEVER_UNAVAILABLE:
            _operation["responses"].setdefault("503", unavailable())
