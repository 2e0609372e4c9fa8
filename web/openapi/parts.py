"""The small pieces every OpenAPI description here is made of."""

__all__ = ["error", "unavailable", "json_response", "body", "typing_ping"]


def error(description):
    """Return an error response: JSON {"error": "…"} (the Error schema)."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def unavailable():
    """Return the 503 every operation that needs the database may answer: storage
    trouble (a full or read-only disk, a lock held past the busy timeout); nothing was
    stored, and Retry-After says when to try again."""
    return {**error("storage trouble (a full or read-only disk, the database locked too "
                    "long): nothing was stored; try again after Retry-After seconds. The "
                    "error is in the request's language."),
            "headers": {"Retry-After": {"description": "seconds to wait",
                                        "schema": {"type": "integer"}}}}


def json_response(ref, description="OK"):
    """Return a JSON response whose schema is the component ``ref``."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


def body(schema):
    """Return a required JSON request body of ``schema``."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def typing_ping(summary, who, stopped, parameters, errors):
    """Return the POST operation of a "typing…" ping (the customer's and the agent's
    share it): ``who`` pings (their box and how often), ``stopped`` says when false is
    sent, ``errors`` the responses beside 200 and 400."""
    return {"post": {
        "summary": summary,
        "description": f"Send at most every few seconds while {who} holds text, never the "
                       "text itself; each ping counts for `seconds`, and a ping within 2 s "
                       "of the stored one writes nothing.",
        "parameters": parameters,
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"typing": {
                "type": "boolean", "default": True,
                "description": f"false: stopped ({stopped})"}}}}}},
        "responses": {"200": json_response("#/components/schemas/TypingPing"),
                      "400": error("typing not true or false, or the body not a JSON "
                                   "object"),
                      **errors}}}
