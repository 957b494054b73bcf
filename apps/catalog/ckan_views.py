"""CKAN's action endpoint: GET with query parameters or POST with a JSON body.

Answers in CKAN's envelope rather than the platform's `{code, message, details}` shape,
because CKAN clients (ckanapi, harvesters) read `success`, `result` and `error.__type`.
Anonymous and read-only, hence no CSRF check; the /api/ body-size cap still applies.
"""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.catalog.ckan import ACTIONS, CkanError
from apps.catalog.ckan_query import SearchQueryError
from apps.catalog.publication import base_uri
from apps.core.api.errors import AUDITED_STATUSES
from apps.core.denials import record_denial
from apps.core.jsonlimits import JsonTooDeep, JsonWithNul, JsonWithSurrogate, loads_bounded
from apps.core.throttling import rate_limited


def _request_data(request) -> dict:
    if request.method == "GET":
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:  # PostgreSQL cannot compare text with NUL
            raise CkanError("Bad request - NUL character in a parameter", code="nul_character")
        # A repeated parameter becomes a list, as in CKAN.
        return {
            key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()
        }
    if not request.body:
        return {}
    try:
        data = loads_bounded(request.body, max_depth=settings.API_JSON_MAX_DEPTH)
    except JsonTooDeep:
        raise CkanError("Bad request - JSON nested too deeply", code="json_too_deep") from None
    except JsonWithNul:
        raise CkanError("Bad request - NUL character in the body", code="nul_character") from None
    except JsonWithSurrogate:
        raise CkanError(
            "Bad request - half of a UTF-16 surrogate pair in the body", code="invalid_text"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CkanError(f"Bad request - JSON Error: {exc}", code="malformed_json") from None
    if not isinstance(data, dict):
        raise CkanError("Bad request - Request data JSON decoded to a non-dictionary")
    return data


def _envelope(help_url: str, status: int, **body) -> JsonResponse:
    return JsonResponse(
        {"help": help_url, **body}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _throttled(request, wait: float) -> JsonResponse:
    error = {
        "__type": "Throttled",
        "message": f"Too many requests: retry in {max(1, round(wait))} s",
        "code": "throttled",
    }
    help_url = f"{base_uri(request)}/api/3/action/help_show"
    return _envelope(help_url, 429, success=False, error=error)


def _method_not_allowed(help_url: str, method: str) -> JsonResponse:
    error = {
        "__type": "Method Not Allowed",
        "message": f"Method not allowed: {method}; use GET or POST",
        "code": "method_not_allowed",
    }
    response = _envelope(help_url, 405, success=False, error=error)
    response["Allow"] = "GET, POST"
    return response


def _audit_refusal(request, action: str, status: int, code: str) -> None:
    """A refused call is a denial and is audited, by the platform API's rule
    (apps.core.api.errors.AUDITED_STATUSES: not a 404, a dataset that is not there)."""
    if status not in AUDITED_STATUSES:
        return
    record_denial(
        action="ckan.action",
        reason=code,
        request=request,
        data={"action": action[:100], "method": request.method, "status": status},
    )


@csrf_exempt
@rate_limited(_throttled)
def action(request, action: str):
    base = base_uri(request)
    help_url = f"{base}/api/3/action/help_show?name={action}"
    if request.method not in ("GET", "POST"):  # in CKAN's envelope, with a code
        _audit_refusal(request, action, 405, "method_not_allowed")
        return _method_not_allowed(help_url, request.method)
    function = ACTIONS.get(action)
    try:
        if function is None:
            raise CkanError(f"Bad request - Action name not known: {action}")
        result = function(_request_data(request), base)
    except CkanError as exc:
        if exc.fields:
            error = {**exc.fields, "__type": exc.type_name, "code": exc.code}
        else:
            error = {"__type": exc.type_name, "message": exc.message, "code": exc.code}
        _audit_refusal(request, action, exc.status, exc.code)
        return _envelope(help_url, exc.status, success=False, error=error)
    except SearchQueryError as exc:
        error = {
            "__type": "Search Query Error",
            "message": f"Search Query is invalid: {exc}",
            "code": "invalid_query",
        }
        _audit_refusal(request, action, 400, "invalid_query")
        return _envelope(help_url, 400, success=False, error=error)
    return _envelope(help_url, 200, success=True, result=result)
