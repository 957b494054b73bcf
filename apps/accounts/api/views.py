from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors, services
from apps.accounts.api import serializers as s
from apps.accounts.models import ApiKey, Organization
from apps.core.permissions import MANAGE


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "email": user.email,
            "role": user.role,
            "organization": user.organization,
            "authenticated_by": "api_key" if isinstance(request.auth, ApiKey) else "session",
        }
        return Response(s.MeSerializer(data).data)


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganizationSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.organization_list(user=self.request.user)

    def get_object(self):
        return Organization.access_policy.get_object_for(self.request.user, self.kwargs["pk"])


class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ApiKeySerializer

    def get_queryset(self):
        return selectors.api_key_list(user=self.request.user)

    def get_object(self):
        return ApiKey.access_policy.get_object_for(self.request.user, self.kwargs["pk"])

    @extend_schema(request=s.ApiKeyCreateSerializer, responses={201: s.ApiKeyCreatedSerializer})
    def create(self, request):
        payload = s.ApiKeyCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        key, raw = services.api_key_create(
            organization=request.user.organization,
            created_by=request.user,
            by_key=request.auth,
            **payload.validated_data,
        )
        key.key = raw
        return Response(s.ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RevokeSerializer, responses=s.ApiKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = ApiKey.access_policy.get_object_for(request.user, pk, MANAGE)
        payload = s.RevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        key = services.api_key_revoke(
            api_key=key, actor=request.user, reason=payload.validated_data.get("reason", "")
        )
        return Response(s.ApiKeySerializer(key).data)
