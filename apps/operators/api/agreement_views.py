"""Thin DRF views over the agreement services; objects only through get_object_for."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.catalog.models import DataResource
from apps.core.http import file_response
from apps.core.permissions import MANAGE, VIEW
from apps.operators import selectors, services
from apps.operators.api import serializers as s
from apps.operators.api.views import UPLOAD, DecisionActionsMixin, validated
from apps.operators.files import download_name
from apps.operators.models import AuthorizationAgreement
from apps.operators.scope import agreement_scope_check
from apps.workflow.policy import get_object_for


class AgreementViewSet(
    DecisionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Authorization agreements: drafting, review, notice, versions, suspension."""

    serializer_class = s.AgreementSerializer

    def get_permissions(self):
        # Agreements under public notice are public (anyone may read them and object
        # after signing in); the policy shows anonymous callers nothing else, and the
        # serializer gives them (as every non-party) the disclosure's fields only.
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        params = self.request.query_params
        return selectors.agreement_list(
            user=self.request.user, status=params.get("status"), mine=params.get("mine") == "1"
        )

    def _get(self, action=VIEW) -> AuthorizationAgreement:
        return get_object_for(self.request.user, AuthorizationAgreement, self.kwargs["pk"], action)

    def get_object(self):
        # Retrieve too: 404 for hidden ids, with the denial recorded.
        return self._get()

    def _respond(self, agreement, code=status.HTTP_200_OK):
        fresh = selectors.agreement_list(user=self.request.user).get(pk=agreement.pk)
        data = s.AgreementSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(request=s.AgreementWriteSerializer, responses={201: s.AgreementSerializer})
    def create(self, request):
        data = validated(s.AgreementWriteSerializer, request)
        return self._respond(
            services.agreement_create(user=request.user, data=data), status.HTTP_201_CREATED
        )

    @extend_schema(request=s.AgreementWriteSerializer, responses=s.AgreementSerializer)
    def partial_update(self, request, pk=None):
        agreement = self._get(MANAGE)
        data = validated(s.AgreementWriteSerializer, request, partial=True)
        return self._respond(
            services.agreement_update(agreement=agreement, user=request.user, data=data)
        )

    @extend_schema(request=s.DocumentOnlySerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD)
    def document(self, request, pk=None):
        agreement = self._get(MANAGE)
        upload = validated(s.DocumentOnlySerializer, request)["file"]
        return self._respond(
            services.agreement_attach_document(
                agreement=agreement, user=request.user, upload=upload
            )
        )

    @extend_schema(responses=s.DOWNLOAD)
    @action(detail=True, methods=["get"], url_path="document/file")
    def document_file(self, request, pk=None):
        """The signed agreement, verified against its SHA-256, for a party or the regulator."""
        if request.method == "HEAD":  # it would record a read that delivers nothing
            raise exceptions.MethodNotAllowed(request.method)
        agreement = self._get()
        content, content_type = services.agreement_document_read(
            agreement=agreement, user=request.user
        )
        name = download_name(agreement.document_name or "agreement.pdf", content_type)
        return file_response(content, content_type, name)

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
        reason = validated(s.ReasonSerializer, request)["reason"]
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
        data = validated(s.AgreementWriteSerializer, request, partial=True)
        return self._respond(
            services.agreement_amend(agreement=agreement, user=request.user, data=data),
            status.HTTP_201_CREATED,
        )

    @extend_schema(responses=s.DiffRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def diff(self, request, pk=None):
        """What this version changes against the version it amends (empty for version 1)."""
        agreement = self._get()
        rows = selectors.agreement_changes(user=request.user, agreement=agreement) or []
        return Response(s.DiffRowSerializer(rows, many=True).data)

    @extend_schema(responses=s.AgreementEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        events = selectors.agreement_history(user=request.user, agreement=self._get())
        return Response(s.AgreementEventSerializer(events, many=True).data)

    @extend_schema(request=s.ScopeCheckSerializer, responses=s.ScopeDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="scope-check")
    def scope_check(self, request, pk=None):
        agreement = self._get()
        data = validated(s.ScopeCheckSerializer, request)
        resource = get_object_for(request.user, DataResource, data.pop("resource"))
        decision = agreement_scope_check(agreement=agreement, resource=resource, **data)
        return Response(s.ScopeDecisionSerializer(decision).data)


class DisclosureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public disclosure of the agreements in force: no sign-in needed."""

    serializer_class = s.DisclosureSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return selectors.disclosed_agreements().order_by("-id")
