"""Thin DRF views over apps.operators.services; objects only through get_object_for."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.parsers import JSONParser
from apps.core.api.serializers import body_without_fields
from apps.core.http import file_response
from apps.core.permissions import MANAGE, VIEW
from apps.operators import selectors, services
from apps.operators.api import serializers as s
from apps.operators.files import download_name
from apps.operators.models import (
    AnnualReport,
    OperatorProfile,
    QualificationDocument,
)
from apps.workflow.policy import DECIDE, get_object_for

UPLOAD = [MultiPartParser, FormParser]


def validated(serializer_class, request, **kwargs) -> dict:
    payload = serializer_class(data=request.data, **kwargs)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class DecisionActionsMixin:
    """The note- and reason-bodied transition actions shared by the profile and
    agreement viewsets; the host provides `_get(action)` and `_respond(obj)` (which
    re-reads the object by pk)."""

    def _note(self, request, call, action=DECIDE):
        obj = self._get(action)  # 404 for outsiders before the body is looked at
        note = validated(s.OperatorNoteSerializer, request).get("note", "")
        return self._respond(call(obj, note))

    def _reason(self, request, call, action=DECIDE):
        obj = self._get(action)
        reason = validated(s.ReasonSerializer, request)["reason"]
        call(obj, reason)  # may return a related record (a suspension): respond with obj
        return self._respond(obj)


class ProfileViewSet(
    DecisionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Operator profiles and the qualification life cycle."""

    serializer_class = s.ProfileSerializer

    def get_queryset(self):
        return selectors.profile_list(
            user=self.request.user, status=self.request.query_params.get("status")
        )

    def _get(self, action=VIEW) -> OperatorProfile:
        return get_object_for(self.request.user, OperatorProfile, self.kwargs["pk"], action)

    def get_object(self):
        # Retrieve too: 404 for hidden ids, with the denial recorded.
        return self._get()

    def _respond(self, profile, code=status.HTTP_200_OK):
        profile = OperatorProfile.objects.select_related("organization").get(pk=profile.pk)
        return Response(s.ProfileSerializer(profile).data, status=code)

    @extend_schema(request=s.ProfileWriteSerializer, responses={201: s.ProfileSerializer})
    def create(self, request):
        return self._respond(
            services.profile_save(
                user=request.user, data=validated(s.ProfileWriteSerializer, request)
            ),
            status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.ProfileWriteSerializer, responses=s.ProfileSerializer)
    def partial_update(self, request, pk=None):
        self._get(MANAGE)
        data = validated(s.ProfileWriteSerializer, request, partial=True)
        return self._respond(services.profile_save(user=request.user, data=data))

    @extend_schema(methods=["GET"], responses=s.DocumentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.DocumentUploadSerializer, responses={201: s.DocumentSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[*UPLOAD, JSONParser],
        pagination_class=None,
    )
    def documents(self, request, pk=None):
        profile = self._get()
        if request.method == "POST":
            data = validated(s.DocumentUploadSerializer, request)
            doc = services.document_upload(
                profile=profile, user=request.user, kind=data["kind"], upload=data["file"]
            )
            return Response(s.DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)
        return Response(s.DocumentSerializer(profile.documents.all(), many=True).data)

    @extend_schema(responses=s.DOWNLOAD)
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[0-9]{1,18})/file")
    def document_file(self, request, pk=None, document_id=None):
        """The stored file of one qualification document, verified against its SHA-256."""
        if request.method == "HEAD":  # it would record a read that delivers nothing
            raise exceptions.MethodNotAllowed(request.method)
        profile = self._get()
        document = get_object_for(request.user, QualificationDocument, document_id)
        if document.profile_id != profile.pk:
            raise Http404
        content, content_type = services.document_read(document=document, user=request.user)
        return file_response(
            content, content_type, download_name(document.original_name, content_type)
        )

    @extend_schema(responses=s.QualificationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        events = selectors.profile_history(user=request.user, profile=self._get())
        return Response(s.QualificationEventSerializer(events, many=True).data)

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.qualification_apply(profile=p, user=request.user, note=n),
            VIEW,
        )

    @extend_schema(request=None, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        profile = self._get(DECIDE)
        body_without_fields(request)
        return self._respond(
            services.qualification_start_review(profile=profile, reviewer=request.user)
        )

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.qualification_approve(profile=p, reviewer=request.user, note=n),
        )

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def rereview(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.qualification_rereview(profile=p, reviewer=request.user, note=n),
        )

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.qualification_reinstate(profile=p, reviewer=request.user, note=n),
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._reason(
            request,
            lambda p, r: services.qualification_return(profile=p, reviewer=request.user, reason=r),
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._reason(
            request,
            lambda p, r: services.qualification_suspend(profile=p, reviewer=request.user, reason=r),
        )

    @extend_schema(request=s.CreditStatusSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"], url_path="credit-status")
    def credit_status(self, request, pk=None):
        profile = self._get(DECIDE)
        data = validated(s.CreditStatusSerializer, request)
        return self._respond(
            services.qualification_set_credit_status(
                profile=profile,
                reviewer=request.user,
                credit_status=data["credit_status"],
                reason=data["reason"],
            )
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._reason(
            request,
            lambda p, r: services.qualification_revoke(profile=p, reviewer=request.user, reason=r),
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"], url_path="exit")
    def exit_(self, request, pk=None):
        return self._reason(
            request,
            lambda p, r: services.qualification_exit(profile=p, user=request.user, reason=r),
            VIEW,
        )


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReportSerializer

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def _get(self, action=VIEW) -> AnnualReport:
        return get_object_for(self.request.user, AnnualReport, self.kwargs["pk"], action)

    def get_object(self):
        # Retrieve too: 404 for hidden ids, with the denial recorded.
        return self._get()

    @extend_schema(request=s.ReportWriteSerializer, responses={201: s.ReportSerializer})
    def create(self, request):
        data = validated(s.ReportWriteSerializer, request)
        report = services.report_file(
            user=request.user,
            content=data["content"],
            year=data.get("year"),
            upload=data.get("attachment"),
        )
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def get_parsers(self):
        return [JSONParser(), MultiPartParser(), FormParser()]

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self._get(DECIDE)
        note = validated(s.OperatorNoteSerializer, request).get("note", "")
        return Response(
            s.ReportSerializer(
                services.report_accept(report=report, reviewer=request.user, note=note)
            ).data
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self._get(DECIDE)
        reason = validated(s.ReasonSerializer, request)["reason"]
        return Response(
            s.ReportSerializer(
                services.report_return(report=report, reviewer=request.user, reason=reason)
            ).data
        )
