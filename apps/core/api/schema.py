"""drf-spectacular postprocessing: the OpenAPI document tells the truth about errors.

Every operation can answer the shared error shape {code, message, details} with the
statuses below (the exception handler, the body-size and query guards and the throttles
produce them), so each one documents them, and 429 its Retry-After header. Optional
e-mail fields accept "" (blank means none), which `format: email` alone would forbid.
"""

ERROR_STATUSES = {
    "400": "Malformed request: bad JSON, bad parameter, invalid cursor (`code` says which).",
    "401": "Not authenticated, or the API key is invalid, revoked, expired or IP-restricted.",
    "403": "Authenticated but not allowed.",
    "404": "Not found, or not visible to the caller.",
    "409": "The object's current state does not allow the transition.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "422": "A business rule refused the input.",
    "429": "Rate limit reached; retry after `Retry-After` seconds.",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable error code."},
        "message": {"type": "string", "description": "Human message (Accept-Language)."},
        "details": {"type": "object", "additionalProperties": True},
    },
}


def _error_response(status: str) -> dict:
    response = {
        "description": ERROR_STATUSES[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return response


def _relax_email(node) -> None:
    if isinstance(node, dict):
        if node.get("format") == "email" and node.get("type") == "string":
            node.pop("format")
            node["anyOf"] = [{"format": "email"}, {"maxLength": 0}]
        for value in node.values():
            _relax_email(value)
    elif isinstance(node, list):
        for value in node:
            _relax_email(value)


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status in ERROR_STATUSES:
                responses.setdefault(status, _error_response(status))
    _relax_email(schemas)
    return result
