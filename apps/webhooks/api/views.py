"""Thin DRF views over apps.webhooks.services; objects only through get_object_for."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import body_without_fields
from apps.core.permissions import MANAGE, VIEW
from apps.webhooks import selectors, services
from apps.webhooks.api import serializers as s
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.workflow import events
from apps.workflow.policy import get_object_for


def validated(serializer_class, data, **kwargs) -> dict:
    payload = serializer_class(data=data, **kwargs)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class EndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The organization's webhook endpoints: admins manage them, members read them."""

    serializer_class = s.EndpointSerializer

    def get_queryset(self):
        return selectors.endpoint_list(user=self.request.user)

    def _get(self, action=VIEW) -> WebhookEndpoint:
        return get_object_for(self.request.user, WebhookEndpoint, self.kwargs["pk"], action)

    def get_object(self):
        return self._get()

    @extend_schema(parameters=[s.PageSerializer])
    def list(self, request, *args, **kwargs):
        validated(s.PageSerializer, request.query_params)
        return super().list(request, *args, **kwargs)

    def _with_secret(self, endpoint, secret, code=status.HTTP_200_OK):
        endpoint.secret = secret
        return Response(s.EndpointWithSecretSerializer(endpoint).data, status=code)

    @extend_schema(
        request=s.EndpointWriteSerializer, responses={201: s.EndpointWithSecretSerializer}
    )
    def create(self, request):
        data = validated(s.EndpointWriteSerializer, request.data)
        endpoint, secret = services.endpoint_create(user=request.user, **data)
        return self._with_secret(endpoint, secret, status.HTTP_201_CREATED)

    @extend_schema(request=s.EndpointWriteSerializer, responses=s.EndpointSerializer)
    def partial_update(self, request, pk=None):
        endpoint = self._get(MANAGE)
        data = validated(s.EndpointWriteSerializer, request.data, partial=True)
        endpoint = services.endpoint_update(endpoint=endpoint, user=request.user, data=data)
        return Response(s.EndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, pk=None):
        services.endpoint_delete(endpoint=self._get(MANAGE), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.EndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret (shown once); the old one keeps signing for the grace period."""
        endpoint = self._get(MANAGE)
        body_without_fields(request)
        endpoint, secret = services.endpoint_rotate_secret(endpoint=endpoint, user=request.user)
        return self._with_secret(endpoint, secret)

    @extend_schema(request=None, responses={202: s.DeliverySerializer})
    @action(detail=True, methods=["post"], url_path="test-ping")
    def test_ping(self, request, pk=None):
        endpoint = self._get(MANAGE)
        body_without_fields(request)
        delivery = services.endpoint_ping(endpoint=endpoint, user=request.user)
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The delivery log: every event sent to the organization's endpoints."""

    serializer_class = s.DeliverySerializer

    def get_serializer_class(self):
        return s.DeliveryDetailSerializer if self.action == "retrieve" else s.DeliverySerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.delivery_list(user=self.request.user)
        params = validated(s.DeliveryFilterSerializer, self.request.query_params)
        return selectors.delivery_list(
            user=self.request.user, endpoint=params.get("endpoint"), status=params.get("status")
        )

    def get_object(self):
        delivery = get_object_for(self.request.user, WebhookDelivery, self.kwargs["pk"])
        return WebhookDelivery.objects.prefetch_related("log").get(pk=delivery.pk)

    @extend_schema(parameters=[s.DeliveryFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={202: s.DeliverySerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Sends the delivery again as new attempts (refused while it is pending)."""
        delivery = get_object_for(request.user, WebhookDelivery, pk, MANAGE)
        body_without_fields(request)
        delivery = services.delivery_resend(delivery=delivery, user=request.user)
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class EventTypeList(APIView):
    """The event types an endpoint can subscribe to."""

    @extend_schema(responses=s.EventTypeSerializer(many=True))
    def get(self, request):
        types = [{"name": n, "label": str(label)} for n, label in events.event_types().items()]
        return Response(s.EventTypeSerializer(types, many=True).data)
