"""The record API: GET /api/v1/grants/<id>/records/ (README "Record API")."""

import csv
import io
import json
from decimal import Decimal

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.throttles import AnonRateThrottle
from apps.core.csvsafe import neutralize
from apps.delivery import selectors, services


class CSVRenderer(renderers.BaseRenderer):
    """Lets `Accept: text/csv` through negotiation; the view writes the CSV itself and
    errors are always JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


_ENCODER = DjangoJSONEncoder()


def as_json(page) -> bytes:
    """The page as JSON (orjson; what it does not write itself, dates and times and
    decimals, as Django writes them; a NaN or an infinity as null)."""
    body = {"fields": page.columns, "results": page.rows(), "next": page.next_cursor}
    body["watermark"] = page.watermark
    return orjson.dumps(body, default=_ENCODER.default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def _cell(value) -> str:
    """A CSV cell as the export's CSV writes it: numbers and booleans as they are (a
    negative number is no formula), text neutralized (apps.core.csvsafe)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralize(str(value))


def as_csv(page) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(name) for name in page.columns])
    for row in page.table.to_pylist():
        writer.writerow([_cell(row[name]) for name in page.columns])
    return out.getvalue().encode()


class RecordsView(APIView):
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    # A page is limited by its grant's own rate, per grant and per key, which the
    # regulator set (apps.delivery.quotas.admit). The platform-wide per-user budget would
    # cap that contract at API_THROTTLE_USER and cost a second Redis round trip.
    throttle_classes = [AnonRateThrottle]
    # No HEAD: it would read, meter and audit a whole page and deliver none of it.
    http_method_names = ["get", "options"]

    @extend_schema(
        parameters=[
            OpenApiParameter("fields", str, description="Comma-separated subset of fields."),
            OpenApiParameter("order", str, description="field or -field (unmasked)."),
            OpenApiParameter("cursor", str, description="The previous page's `next`."),
            OpenApiParameter("page_size", int, description="1..1000, default 100."),
            OpenApiParameter("source", int, description="Resource id (default: the first)."),
        ],
        responses={200: dict},
    )
    def get(self, request, pk):
        key = request.auth if request.auth is not None else None
        grant = selectors.grant_for_records(
            user=request.user, key=key, pk=pk, request=request._request
        )
        csv_wanted = isinstance(request.accepted_renderer, CSVRenderer)
        page, body = services.records_read(
            grant=grant,
            user=request.user,
            key=key,
            params=request.query_params,
            render=as_csv if csv_wanted else as_json,
        )
        content_type = "text/csv; charset=utf-8" if csv_wanted else "application/json"
        response = HttpResponse(body, content_type=content_type)
        response["X-Watermark"] = page.watermark
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
