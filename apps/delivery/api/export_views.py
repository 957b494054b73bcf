"""The export API (README "Bulk exports"):

POST /api/v1/grants/<id>/exports/                 queue an export (202, status URL)
GET  /api/v1/grants/<id>/exports/                 the grant's exports
GET  /api/v1/grants/<id>/exports/<eid>/           status, progress, download link
GET  /api/v1/grants/<id>/exports/<eid>/download/?token=...   the file
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import CharField, StrictSerializer
from apps.core.converters import ID_MAX
from apps.delivery import export_links, exports, selectors
from apps.delivery.choices import ExportFormat
from apps.delivery.models import Export


class ExportRequestSerializer(StrictSerializer):
    format = CharField(max_length=20)
    fields = serializers.ListField(child=CharField(max_length=100), required=False, max_length=200)
    source = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grant = serializers.IntegerField(source="grant_id")
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    fields = serializers.ListField(child=CharField())
    source = serializers.IntegerField(source="resource_id")
    status = CharField()
    progress = serializers.FloatField()
    rows = serializers.IntegerField()
    bytes = serializers.IntegerField()
    sha256 = CharField()
    watermark = CharField()
    error_code = CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    def _caller(self):
        request = self.context["request"]
        return request.user, request.auth

    def get_url(self, export) -> str:
        path = reverse("api:grant-export-detail", args=[export.grant_id, export.pk])
        return self.context["request"].build_absolute_uri(path)

    def get_download(self, export) -> dict | None:
        """A fresh signed link, for the key or person who asked for the export only."""
        user, key = self._caller()
        if not self.context.get("links") or not export_links.may_download(
            export, user=user, key=key
        ):
            return None
        token = export_links.export_link_token(export, user=user, key=key)
        path = reverse("api:grant-export-download", args=[export.grant_id, export.pk])
        return {
            "url": self.context["request"].build_absolute_uri(f"{path}?token={token}"),
            "expires_at": export_links.link_expires_at(),
        }


def _holder(request, pk):
    return selectors.grant_for_records(
        user=request.user,
        key=request.auth,
        pk=pk,
        request=request._request,
        action=exports.REQUEST,
    )


class ExportListView(ListAPIView):
    """The grant's exports, newest first, in cursor pages."""

    serializer_class = ExportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no pk
            return Export.objects.none()
        grant = selectors.grant_for_exports(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.export_list(user=self.request.user, grant=grant)

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportSerializer})
    def post(self, request, pk):
        grant = _holder(request, pk)
        payload = ExportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        export = exports.export_request(
            grant=grant,
            user=request.user,
            key=request.auth,
            format=payload.validated_data["format"],
            fields=payload.validated_data.get("fields"),
            source=payload.validated_data.get("source"),
        )
        body = ExportSerializer(export, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ExportDetailView(APIView):
    @extend_schema(responses=ExportSerializer)
    def get(self, request, pk, eid):
        grant = selectors.grant_for_exports(user=request.user, pk=pk)
        export = selectors.export_for(user=request.user, grant=grant, pk=eid)
        context = {"request": request, "links": True}
        return Response(ExportSerializer(export, context=context).data)


class ExportDownloadView(APIView):
    # No HEAD: it would count and audit a download and deliver none of it.
    http_method_names = ["get", "options"]

    @extend_schema(
        parameters=[OpenApiParameter("token", str, description="The status's download token.")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk, eid):
        grant = selectors.grant_for_records(
            user=request.user,
            key=request.auth,
            pk=pk,
            request=request._request,
            action=export_links.DOWNLOAD,
        )
        export, path = export_links.export_download(
            grant=grant,
            export_id=eid,
            user=request.user,
            key=request.auth,
            token=request.query_params.get("token", ""),
        )
        return export_links.export_file_response(export, path)
