"""Sandbox queries: POST /api/v1/grants/<id>/sandbox/queries/ runs one, GET lists the
grant's query history (README "Sandbox queries")."""

import datetime
import decimal
import math

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from apps.core.api.pagination import CursorPagination
from apps.core.permissions import VIEW
from apps.delivery import sandbox, selectors
from apps.delivery.api import serializers as s
from apps.delivery.models import SandboxQuery
from apps.grants.api.views import validated
from apps.grants.models import Grant
from apps.workflow.policy import get_object_for


def cell(value):
    """A result value as JSON: numbers stay numbers (NaN and infinities become null),
    dates ISO text, anything else its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def answer_body(answer: sandbox.SandboxAnswer) -> dict:
    return {
        "query": answer.record.pk,
        "view": sandbox.VIEW_NAME,
        "k": settings.SANDBOX_K,
        "columns": answer.columns,
        "rows": [[cell(value) for value in row] for row in answer.rows],
    }


class SandboxQueriesView(generics.ListAPIView):
    """GET: the grant's sandbox queries, newest first (its merchant, the product's
    operator and the regulator). POST {"sql": "...", "source": <resource id>}: runs one
    query as the grant's holder; 200 with the released groups, or the refusal with its
    `code` (422 for the query itself, 403 for the grant's state, 429 for its limits)."""

    serializer_class = s.SandboxQuerySerializer
    pagination_class = CursorPagination
    queryset = SandboxQuery.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SandboxQuery.objects.none()
        grant = get_object_for(self.request.user, Grant, self.kwargs["pk"], VIEW)
        return selectors.sandbox_history(user=self.request.user, grant=grant)

    @extend_schema(
        operation_id="grants_sandbox_queries_run",
        request=s.SandboxRequestSerializer,
        responses={200: s.SandboxResultSerializer},
    )
    def post(self, request, pk):
        key = request.auth if request.auth is not None else None
        grant = selectors.grant_for_holder(
            user=request.user,
            key=key,
            pk=pk,
            request=request._request,
            action=sandbox.AUDIT_ACTION,
        )
        data = validated(s.SandboxRequestSerializer, request.data)
        answer = sandbox.sandbox_query(
            grant=grant, user=request.user, key=key, sql=data["sql"], source=data.get("source")
        )
        return Response(answer_body(answer))
