"""GET /api/v1/statements/ (the caller's organization's, the operator's products', the
regulator's all) and GET /api/v1/grants/{id}/usage/ (the grant's daily use against its
quota). Reads only; scoping by apps.delivery.rules."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.delivery import selectors
from apps.delivery.api import serializers as s
from apps.delivery.models import Statement
from apps.workflow.policy import get_object_for


def validated(serializer_class, data) -> dict:
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly statements with a line per grant (README "Statements and revenue cap")."""

    serializer_class = s.StatementSerializer

    @extend_schema(parameters=[s.StatementParamsSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Statement.objects.none()
        params = validated(s.StatementParamsSerializer, self.request.query_params)
        rows = selectors.statement_list(user=self.request.user, **params)
        return rows.prefetch_related("lines__grant")

    def get_object(self):
        statement = get_object_for(self.request.user, Statement, self.kwargs["pk"])
        return (
            Statement.objects.select_related("product", "merchant")
            .prefetch_related("lines__grant")
            .get(pk=statement.pk)
        )


class GrantUsageView(APIView):
    @extend_schema(parameters=[s.UsageParamsSerializer], responses=s.UsageSerializer)
    def get(self, request, pk):
        """The grant's calls, rows and bytes per day (zero-filled), and its daily quota."""
        grant = selectors.grant_for_usage(user=request.user, pk=pk)
        days = validated(s.UsageParamsSerializer, request.query_params)["days"]
        body = {
            "grant": grant.pk,
            "calls_per_day": grant.calls_per_day,
            "rows_per_day": grant.rows_per_day,
            "days": selectors.usage_series(grant=grant, days=days),
        }
        return Response(s.UsageSerializer(body).data)
