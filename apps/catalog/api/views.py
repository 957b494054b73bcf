from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from apps.catalog import selectors, services
from apps.catalog.api import serializers as s
from apps.catalog.models import DataResource
from apps.core.api.serializers import body_without_fields
from apps.core.permissions import MANAGE, VIEW
from apps.workflow.policy import DECIDE, get_object_for


class ResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Data resources and their registration life cycle. Reads are open to what
    `DataResource.objects.restrict` allows; writes call apps.catalog.services."""

    serializer_class = s.ResourceSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.resource_list(
            user=self.request.user, status=params.get("status"), mine=params.get("mine") == "1"
        )

    def get_object(self, action: str = VIEW) -> DataResource:
        return get_object_for(self.request.user, DataResource, self.kwargs["pk"], action)

    def _respond(self, resource, code=status.HTTP_200_OK):
        fresh = selectors.resource_list(user=self.request.user).get(pk=resource.pk)
        return Response(s.ResourceSerializer(fresh).data, status=code)

    @extend_schema(request=s.ResourceWriteSerializer, responses={201: s.ResourceSerializer})
    def create(self, request):
        payload = s.ResourceWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        resource = services.resource_create(user=request.user, data=payload.validated_data)
        return self._respond(resource, status.HTTP_201_CREATED)

    @extend_schema(request=s.ResourceWriteSerializer, responses=s.ResourceSerializer)
    def partial_update(self, request, pk=None):
        resource = self.get_object(MANAGE)
        payload = s.ResourceWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        resource = services.resource_update(
            resource=resource, user=request.user, data=payload.validated_data
        )
        return self._respond(resource)

    def _transition(self, request, service, action=VIEW, **kwargs):
        resource = self.get_object(action)
        payload = s.NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        note = payload.validated_data.get("note", "")
        return self._respond(service(resource=resource, note=note, **kwargs))

    @extend_schema(request=s.NoteSerializer, responses=s.ResourceSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.resource_submit, MANAGE, user=request.user)

    @extend_schema(request=s.NoteSerializer, responses=s.ResourceSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, services.resource_withdraw, MANAGE, user=request.user)

    @extend_schema(request=None, responses=s.ResourceSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        resource = self.get_object(DECIDE)
        body_without_fields(request)
        return self._respond(
            services.resource_start_review(resource=resource, reviewer=request.user)
        )

    @extend_schema(request=s.NoteSerializer, responses=s.ResourceSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._transition(request, services.resource_return, DECIDE, reviewer=request.user)

    @extend_schema(request=s.NoteSerializer, responses=s.ResourceSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, services.resource_approve, DECIDE, reviewer=request.user)

    @extend_schema(request=s.FollowUpSerializer, responses=s.ResourceSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        resource = self.get_object(MANAGE)
        payload = s.FollowUpSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data.get("data") or {})
        resource = services.resource_open_follow_up(
            resource=resource,
            user=request.user,
            kind=payload.validated_data["kind"],
            data=data,
            note=payload.validated_data.get("note", ""),
        )
        return self._respond(resource)

    @extend_schema(methods=["GET"], responses=s.ObjectionSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.ObjectionCreateSerializer,
        responses={201: s.ObjectionSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def objections(self, request, pk=None):
        resource = self.get_object()
        if request.method == "POST":
            payload = s.ObjectionCreateSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            objection = services.resource_object(
                resource=resource, user=request.user, reason=payload.validated_data["reason"]
            )
            return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)
        return Response(
            s.ObjectionSerializer(
                selectors.objection_list(user=request.user, resource=resource), many=True
            ).data
        )

    @extend_schema(responses=s.HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        resource = self.get_object()
        entries = selectors.resource_history(user=request.user, resource=resource)
        return Response(s.HistorySerializer(entries, many=True).data)
