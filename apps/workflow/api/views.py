"""The caller's own notifications: list (filter unread/category), unread count, mark one
or all read. An API key acts for the user who created it."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.serializers import body_without_fields
from apps.core.permissions import VIEW
from apps.workflow import notifications as service
from apps.workflow.api import serializers as s
from apps.workflow.models import Notification
from apps.workflow.policy import get_object_for


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.NotificationSerializer

    def get_queryset(self):
        if self.action != "list":
            return service.notification_list(user=self.request.user)
        query = s.NotificationFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        rows = service.notification_list(
            user=self.request.user, unread=query.validated_data["unread"]
        )
        if category := query.validated_data.get("category"):
            rows = rows.filter(category=category)
        return rows.select_related("content_type")

    def get_object(self):
        return get_object_for(self.request.user, Notification, self.kwargs["pk"], VIEW)

    @extend_schema(parameters=[s.NotificationFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=s.UnreadCountSerializer)
    @action(detail=False, url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": service.unread_count(user=request.user)})

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        self.get_object()  # 404 for another's, before the body is looked at
        body_without_fields(request)
        notification = service.notification_mark_read(user=request.user, notification_id=pk)
        return Response(s.NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=s.MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        body_without_fields(request)
        return Response({"marked": service.notification_mark_all_read(user=request.user)})
