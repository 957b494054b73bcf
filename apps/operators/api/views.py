"""Thin DRF views over apps.operators.services; objects only through get_object_for."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.catalog.models import DataResource
from apps.core.api.parsers import JSONParser
from apps.core.http import file_response
from apps.core.permissions import MANAGE, VIEW, get_object_for
from apps.operators import selectors, services
from apps.operators.api import serializers as s
from apps.operators.diff import agreement_diff
from apps.operators.models import (
    AnnualReport,
    AuthorizationAgreement,
    OperatorProfile,
    QualificationDocument,
)
from apps.operators.scope import agreement_scope_check

UPLOAD = [MultiPartParser, FormParser]


def _valid(serializer_class, request, **kwargs) -> dict:
    payload = serializer_class(data=request.data, **kwargs)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class ProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Operator profiles and the qualification life cycle."""

    serializer_class = s.ProfileSerializer

    def get_queryset(self):
        return selectors.profile_list(
            user=self.request.user, status=self.request.query_params.get("status")
        )

    def _get(self, action=VIEW) -> OperatorProfile:
        return get_object_for(self.request.user, OperatorProfile, self.kwargs["pk"], action)

    def _respond(self, profile, code=status.HTTP_200_OK):
        profile = OperatorProfile.objects.select_related("organization").get(pk=profile.pk)
        return Response(s.ProfileSerializer(profile).data, status=code)

    @extend_schema(request=s.ProfileWriteSerializer, responses={201: s.ProfileSerializer})
    def create(self, request):
        return self._respond(
            services.profile_save(
                user=request.user, data=_valid(s.ProfileWriteSerializer, request)
            ),
            status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.ProfileWriteSerializer, responses=s.ProfileSerializer)
    def partial_update(self, request, pk=None):
        self._get(MANAGE)
        data = _valid(s.ProfileWriteSerializer, request, partial=True)
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
            data = _valid(s.DocumentUploadSerializer, request)
            doc = services.document_upload(
                profile=profile, user=request.user, kind=data["kind"], upload=data["file"]
            )
            return Response(s.DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)
        return Response(s.DocumentSerializer(profile.documents.all(), many=True).data)

    @extend_schema(responses=s.DOWNLOAD)
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)/file")
    def document_file(self, request, pk=None, document_id=None):
        """The stored file of one qualification document, verified against its SHA-256."""
        profile = self._get()
        document = get_object_for(request.user, QualificationDocument, document_id)
        if document.profile_id != profile.pk:
            raise Http404
        content, content_type = services.document_read(document=document, user=request.user)
        return file_response(content, content_type, document.original_name)

    @extend_schema(responses=s.QualificationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        events = self._get().history.select_related("actor")
        return Response(s.QualificationEventSerializer(events, many=True).data)

    def _note(self, request, call):
        profile = self._get()  # 404 for outsiders before the body is looked at
        note = _valid(s.OperatorNoteSerializer, request).get("note", "")
        return self._respond(call(profile, note))

    def _reason(self, request, call):
        profile = self._get()
        reason = _valid(s.ReasonSerializer, request)["reason"]
        result = call(profile, reason)
        return self._respond(result if isinstance(result, OperatorProfile) else result.profile)

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return self._note(
            request, lambda p, n: services.qualification_apply(profile=p, user=request.user, note=n)
        )

    @extend_schema(request=None, responses=s.ProfileSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._respond(
            services.qualification_start_review(profile=self._get(), reviewer=request.user)
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
        profile = self._get()
        data = _valid(s.CreditStatusSerializer, request)
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
        )


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Authorization agreements: drafting, review, notice, versions, suspension."""

    serializer_class = s.AgreementSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.agreement_list(
            user=self.request.user, status=params.get("status"), mine=params.get("mine") == "1"
        )

    def _get(self, action=VIEW) -> AuthorizationAgreement:
        return get_object_for(self.request.user, AuthorizationAgreement, self.kwargs["pk"], action)

    def _respond(self, agreement, code=status.HTTP_200_OK):
        fresh = selectors.agreement_list(user=self.request.user).get(pk=agreement.pk)
        return Response(s.AgreementSerializer(fresh).data, status=code)

    @extend_schema(request=s.AgreementWriteSerializer, responses={201: s.AgreementSerializer})
    def create(self, request):
        data = _valid(s.AgreementWriteSerializer, request)
        return self._respond(
            services.agreement_create(user=request.user, data=data), status.HTTP_201_CREATED
        )

    @extend_schema(request=s.AgreementWriteSerializer, responses=s.AgreementSerializer)
    def partial_update(self, request, pk=None):
        agreement = self._get(MANAGE)
        data = _valid(s.AgreementWriteSerializer, request, partial=True)
        return self._respond(
            services.agreement_update(agreement=agreement, user=request.user, data=data)
        )

    @extend_schema(request=s.DocumentOnlySerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD)
    def document(self, request, pk=None):
        agreement = self._get(MANAGE)
        upload = _valid(s.DocumentOnlySerializer, request)["file"]
        return self._respond(
            services.agreement_attach_document(
                agreement=agreement, user=request.user, upload=upload
            )
        )

    @extend_schema(responses=s.DOWNLOAD)
    @action(detail=True, methods=["get"], url_path="document/file")
    def document_file(self, request, pk=None):
        """The signed agreement, verified against its SHA-256, for a party or the regulator."""
        agreement = self._get()
        content, content_type = services.agreement_document_read(
            agreement=agreement, user=request.user
        )
        return file_response(content, content_type, agreement.document_name or "agreement.pdf")

    def _note(self, request, call, action=VIEW):
        agreement = self._get(action)  # 404 for outsiders before the body is looked at
        note = _valid(s.OperatorNoteSerializer, request).get("note", "")
        return self._respond(call(agreement, note))

    def _reason(self, request, call, action=VIEW):
        agreement = self._get(action)
        reason = _valid(s.ReasonSerializer, request)["reason"]
        call(agreement, reason)
        return self._respond(agreement)

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._note(
            request,
            lambda a, n: services.agreement_submit(agreement=a, user=request.user, note=n),
            MANAGE,
        )

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._note(
            request,
            lambda a, n: services.agreement_approve(agreement=a, reviewer=request.user, note=n),
        )

    @extend_schema(request=s.OperatorNoteSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._note(
            request,
            lambda a, n: services.agreement_resume(agreement=a, reviewer=request.user, note=n),
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._reason(
            request,
            lambda a, r: services.agreement_return(agreement=a, reviewer=request.user, reason=r),
        )

    @extend_schema(request=s.ReasonSerializer, responses={201: s.AgreementObjectionSerializer})
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        """Objection during public notice: the agreement goes back to review (and may
        no longer be visible to the objector, hence the objection is returned)."""
        agreement = self._get()
        reason = _valid(s.ReasonSerializer, request)["reason"]
        objection = services.agreement_object(agreement=agreement, user=request.user, reason=reason)
        return Response(
            s.AgreementObjectionSerializer(objection).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._reason(
            request,
            lambda a, r: services.agreement_suspend(agreement=a, reviewer=request.user, reason=r),
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._reason(
            request,
            lambda a, r: services.agreement_revoke(agreement=a, reviewer=request.user, reason=r),
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._reason(
            request,
            lambda a, r: services.agreement_terminate(agreement=a, user=request.user, reason=r),
            MANAGE,
        )

    @extend_schema(request=s.AgreementWriteSerializer, responses={201: s.AgreementSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        agreement = self._get(MANAGE)
        data = _valid(s.AgreementWriteSerializer, request, partial=True)
        return self._respond(
            services.agreement_amend(agreement=agreement, user=request.user, data=data),
            status.HTTP_201_CREATED,
        )

    @extend_schema(responses=s.DiffRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def diff(self, request, pk=None):
        """What this version changes against the version it amends (empty for version 1)."""
        agreement = self._get()
        rows = agreement_diff(agreement.amends, agreement) if agreement.amends_id else []
        return Response(s.DiffRowSerializer(rows, many=True).data)

    @extend_schema(responses=s.AgreementEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        events = self._get().history.select_related("actor")
        return Response(s.AgreementEventSerializer(events, many=True).data)

    @extend_schema(request=s.ScopeCheckSerializer, responses=s.ScopeDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="scope-check")
    def scope_check(self, request, pk=None):
        agreement = self._get()
        data = _valid(s.ScopeCheckSerializer, request)
        resource = get_object_for(request.user, DataResource, data.pop("resource"))
        decision = agreement_scope_check(agreement=agreement, resource=resource, **data)
        return Response(s.ScopeDecisionSerializer(decision).data)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReportSerializer

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def _get(self) -> AnnualReport:
        return get_object_for(self.request.user, AnnualReport, self.kwargs["pk"])

    @extend_schema(request=s.ReportWriteSerializer, responses={201: s.ReportSerializer})
    def create(self, request):
        data = _valid(s.ReportWriteSerializer, request)
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
        report = self._get()
        note = _valid(s.OperatorNoteSerializer, request).get("note", "")
        return Response(
            s.ReportSerializer(
                services.report_accept(report=report, reviewer=request.user, note=note)
            ).data
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self._get()
        reason = _valid(s.ReasonSerializer, request)["reason"]
        return Response(
            s.ReportSerializer(
                services.report_return(report=report, reviewer=request.user, reason=reason)
            ).data
        )


class DisclosureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public disclosure of the agreements in force: no sign-in needed."""

    serializer_class = s.DisclosureSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return selectors.disclosed_agreements().order_by("-id")
