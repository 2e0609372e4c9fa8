"""The small pieces every OpenAPI description here is made of."""

__all__ = ["error", "json_response", "body"]


def error(description):
    """Return an error response: JSON {"error": "…"} (the Error schema)."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def json_response(ref, description="OK"):
    """Return a JSON response whose schema is the component ``ref``."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


def body(schema):
    """Return a required JSON request body of ``schema``."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}
