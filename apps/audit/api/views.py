from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit import exports, selectors, signing
from apps.audit.api import serializers as s
from apps.audit.models import AuditEvent
from apps.core.api.negotiation import FirstRendererNegotiation
from apps.core.api.pagination import CursorPagination


class OldestFirst(CursorPagination):
    ordering = "id"


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: the audit log has no write endpoint (POST, PUT, PATCH, DELETE answer 405)."""

    serializer_class = s.AuditEventSerializer

    def _filters(self) -> dict:
        return s.EventFilterSerializer(data=self.request.query_params).validated_filters()

    def get_queryset(self):
        return selectors.event_list(user=self.request.user, filters=self._filters())

    def get_object(self):
        return AuditEvent.access_policy.get_object_for(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=[s.EventFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[s.TimelineQuerySerializer], responses=s.AuditEventSerializer(many=True)
    )
    @action(detail=False, pagination_class=OldestFirst)
    def timeline(self, request):
        query = s.TimelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = selectors.event_timeline(user=request.user, **query.validated_data)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        parameters=[
            s.EventFilterSerializer,
            OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=["csv", "jsonl"]),
        ],
        responses={(200, "text/csv"): str, (200, "application/x-ndjson"): str},
    )
    @action(
        detail=False,
        url_path=r"export/(?P<file_format>csv|jsonl)",
        content_negotiation_class=FirstRendererNegotiation,  # the path names the format
    )
    def export(self, request, file_format: str):
        events = self.get_queryset().order_by("id")
        checkpoint = exports.checkpoint_for(events)
        if file_format == "csv":
            body, content_type = exports.csv_lines(events, request.user), "text/csv; charset=utf-8"
        else:
            body, content_type = (
                exports.jsonl_lines(events, checkpoint, request.user),
                "application/x-ndjson",
            )
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="audit-events.{file_format}"'
        if checkpoint is not None:
            # The checkpoint travels with the file: seq, head hash and Ed25519 signature.
            response["X-Audit-Checkpoint-Id"] = str(checkpoint.pk)
            response["X-Audit-Checkpoint-Seq"] = str(checkpoint.seq)
            response["X-Audit-Checkpoint-Hash"] = checkpoint.hash_hex
            response["X-Audit-Checkpoint-Signature"] = bytes(checkpoint.signature).hex()
        return response


class CheckpointViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public list of signed checkpoints, for anyone to compare a copy of the log against."""

    permission_classes = [AllowAny]
    serializer_class = s.AuditCheckpointSerializer

    def get_queryset(self):
        return selectors.checkpoint_list()


class PublicKeyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(
            {
                "algorithm": "Ed25519",
                "key_id": signing.key_id(),
                "public_key_pem": signing.public_pem(),
                "signed_message": "pdp-audit:<kind>:v1:<seq>:<hash hex>:<created_at µs>",
            }
        )
