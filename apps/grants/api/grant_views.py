"""Thin DRF views over the grants' services: read, suspend/resume/revoke, bind keys,
renew and amend.

GET /api/v1/grants/{id}/ is the grant's own endpoint: a key bound to the grant may call
it (apps.grants.access.key_guard answers 403 with the reason when the grant is not
usable). A bound key manages nothing: every other action here refuses it with
`key_bound_to_grant`, so it can neither unbind itself (and become an unbound key of its
organization again) nor bind, renew or amend.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.authentication import KeyRefused
from apps.accounts.models import ApiKey
from apps.core.permissions import MANAGE, VIEW
from apps.grants import access, issuing, selectors
from apps.grants.api import serializers as s
from apps.grants.api.views import ID, validated
from apps.grants.applications import application_follow_up
from apps.grants.choices import ApplicationKind
from apps.grants.models import AccessApplication, Grant, GrantKey
from apps.workflow import policy
from apps.workflow.policy import DECIDE, get_object_for


class GrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Grants: the merchant reads its own and binds keys; the product's operator and the
    regulator read them and suspend, resume or revoke (a reason is required)."""

    serializer_class = s.GrantSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.auth
        if (
            self.action != "retrieve"
            and isinstance(key, ApiKey)
            and GrantKey.objects.filter(api_key_id=key.pk).exists()
        ):
            raise KeyRefused(
                "key_bound_to_grant", _("A key bound to a grant only reads that grant.")
            )

    @extend_schema(parameters=[s.GrantParamsSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Grant.objects.none()
        params = validated(s.GrantParamsSerializer, self.request.query_params)
        return selectors.grant_list(user=self.request.user, **params)

    def _get(self, action=VIEW) -> Grant:
        return get_object_for(self.request.user, Grant, self.kwargs["pk"], action)

    def get_object(self):
        return self._get()

    def _respond(self, grant, code=status.HTTP_200_OK):
        fresh = selectors.grant_list(user=self.request.user).get(pk=grant.pk)
        return Response(s.GrantSerializer(fresh).data, status=code)

    @extend_schema(request=s.GrantReasonSerializer, responses=s.GrantSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        grant = self._get(DECIDE)
        reason = validated(s.GrantReasonSerializer, request.data)["reason"]
        return self._respond(issuing.grant_suspend(grant=grant, user=request.user, reason=reason))

    @extend_schema(request=s.GrantsNoteSerializer, responses=s.GrantSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        grant = self._get(DECIDE)
        note = validated(s.GrantsNoteSerializer, request.data).get("note", "")
        return self._respond(issuing.grant_resume(grant=grant, user=request.user, note=note))

    @extend_schema(request=s.GrantReasonSerializer, responses=s.GrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        grant = self._get(DECIDE)
        reason = validated(s.GrantReasonSerializer, request.data)["reason"]
        return self._respond(issuing.grant_revoke(grant=grant, user=request.user, reason=reason))

    def _keys(self, grant):
        rows = grant.keys.select_related("api_key", "bound_by")
        return s.GrantKeySerializer(rows, many=True, context=self.get_serializer_context()).data

    @extend_schema(methods=["GET"], responses=s.GrantKeySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.BindSerializer, responses={201: s.GrantKeySerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def keys(self, request, pk=None):
        """The API keys bound to the grant. POST binds one of the organization's keys
        (administrators); the answer lists the grant's keys."""
        if request.method == "GET":
            return Response(self._keys(self._get()))
        grant = self._get(MANAGE)
        api_key = validated(s.BindSerializer, request.data)["api_key"]
        access.key_bind(grant=grant, user=request.user, api_key_id=api_key)
        return Response(self._keys(grant), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=rf"keys/(?P<api_key_id>{ID})")
    def unbind(self, request, pk=None, api_key_id=None):
        """Unbinds the key: it is an ordinary key of the organization again."""
        grant = self._get(MANAGE)
        access.key_unbind(grant=grant, user=request.user, api_key_id=int(api_key_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _follow_up(self, request, kind):
        grant = self._get()
        policy.require(request.user, MANAGE, AccessApplication)  # merchants apply, nobody else
        data = validated(s.ApplicationChangesSerializer, request.data, partial=True)
        application = application_follow_up(grant=grant, user=request.user, kind=kind, data=data)
        body = s.ApplicationSerializer(application, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ApplicationChangesSerializer, responses={201: s.ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """A renewal draft: a copy of the grant's application with the fields given (a
        new `requested_end`, say). Submit it like any application; the routing rules give
        it a shorter review, and the new version takes the keys over when it is issued."""
        return self._follow_up(request, ApplicationKind.RENEWAL)

    @extend_schema(request=s.ApplicationChangesSerializer, responses={201: s.ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """An amendment draft (other fields, volume...), as a renewal."""
        return self._follow_up(request, ApplicationKind.AMENDMENT)
