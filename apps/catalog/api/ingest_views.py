"""API of dataset ingestion: upload a file, poll its job, preview the current version."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.api import ingest_serializers as s
from apps.catalog.ingest import selectors, services
from apps.catalog.ingest.previews import dataset_preview_open
from apps.catalog.models import DataResource, DatasetUpload
from apps.core.permissions import MANAGE
from apps.workflow.policy import get_object_for


class ResourceUploadsView(ListAPIView):
    serializer_class = s.DatasetUploadSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no pk
            return DatasetUpload.objects.none()
        resource = selectors.resource_for_preview(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.upload_list(resource=resource, user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": s.UploadRequestSerializer},
        responses={
            202: s.DatasetUploadDetailSerializer,
            422: OpenApiResponse(
                s.UnmatchedColumnsSerializer,
                description=(
                    "The file cannot be taken: `unmatched_columns` (columns that match no "
                    "field; send the file again with a `mapping`), `invalid_mapping`, "
                    "`unknown_encoding`, `unsupported_format`, `file_too_large`, "
                    "`file_unpacks_too_large` (an XLSX that unpacks too far), `unreadable`, ..."
                ),
            ),
        },
    )
    def post(self, request, pk):
        resource = get_object_for(request.user, DataResource, pk, MANAGE)
        payload = s.UploadRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = services.dataset_upload_create(
            resource=resource,
            uploaded_file=payload.validated_data["file"],
            user=request.user,
            mapping=payload.validated_data.get("mapping"),
        )
        return Response(
            s.DatasetUploadDetailSerializer(upload).data, status=status.HTTP_202_ACCEPTED
        )


class UploadDetailView(APIView):
    @extend_schema(responses=s.DatasetUploadDetailSerializer)
    def get(self, request, pk):
        upload = get_object_for(request.user, DatasetUpload, pk)
        return Response(s.DatasetUploadDetailSerializer(upload).data)


class PreviewView(APIView):
    @extend_schema(responses=s.PreviewSerializer)
    def get(self, request, pk):
        resource = selectors.resource_for_preview(user=request.user, pk=pk)
        preview = dataset_preview_open(resource=resource, user=request.user)
        return Response(s.PreviewSerializer(preview).data)
