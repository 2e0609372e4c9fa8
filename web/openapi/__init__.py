"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json: the help
center's routes (help_center.py) and the chat's and console's (chat.py), one document."""
import copy

from . import chat, help_center

__all__ = ["SPEC"]

SPEC = copy.deepcopy(help_center.SPEC)
SPEC["paths"].update(chat.PATHS)
SPEC["components"]["schemas"].update(chat.SCHEMAS)
