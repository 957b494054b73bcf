"""Thin DRF views over the applications' and the grants' services; objects only through
get_object_for (404 for hidden ids, the denial audited)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.pagination import CursorPagination
from apps.core.converters import IdConverter
from apps.core.exceptions import PermissionDeniedError
from apps.core.permissions import MANAGE, VIEW
from apps.grants import applications as services
from apps.grants import approval, selectors
from apps.grants.api import serializers as s
from apps.grants.models import AccessApplication
from apps.workflow import review
from apps.workflow.models import ReviewStep
from apps.workflow.policy import get_object_for

UPLOAD = [MultiPartParser, FormParser]
ID = IdConverter.regex  # ASCII digits only: anything else is a 404, never a database error


def validated(serializer_class, data, **kwargs) -> dict:
    payload = serializer_class(data=data, **kwargs)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Access applications: the merchant drafts, edits, submits and withdraws; every party
    messages; the step's reviewers decide."""

    serializer_class = s.ApplicationSerializer

    @extend_schema(parameters=[s.ApplicationParamsSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AccessApplication.objects.none()
        params = validated(s.ApplicationParamsSerializer, self.request.query_params)
        return selectors.application_list(user=self.request.user, **params)

    def _get(self, action=VIEW) -> AccessApplication:
        return get_object_for(self.request.user, AccessApplication, self.kwargs["pk"], action)

    def get_object(self):
        return self._get()

    def _respond(self, application, code=status.HTTP_200_OK):
        fresh = selectors.application_list(user=self.request.user).get(pk=application.pk)
        return Response(s.ApplicationSerializer(fresh, context=self.get_serializer_context()).data,
                        status=code)  # fmt: skip

    @extend_schema(request=s.ApplicationWriteSerializer, responses={201: s.ApplicationSerializer})
    def create(self, request):
        data = validated(s.ApplicationWriteSerializer, request.data)
        application = services.application_create(user=request.user, data=data)
        return self._respond(application, status.HTTP_201_CREATED)

    @extend_schema(request=s.ApplicationWriteSerializer, responses=s.ApplicationSerializer)
    def partial_update(self, request, pk=None):
        """Edits a draft or an application sent back for changes (`product` stays)."""
        application = self._get(MANAGE)
        data = validated(s.ApplicationChangesSerializer, request.data, partial=True)
        return self._respond(
            services.application_update(application=application, user=request.user, data=data)
        )

    def _note(self, request, call):
        application = self._get(MANAGE)  # 404 for outsiders before the body is looked at
        note = validated(s.GrantsNoteSerializer, request.data).get("note", "")
        return self._respond(call(application, note))

    @extend_schema(request=s.GrantsNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Draft or changes requested → submitted; the automated checks run in the
        background, then the routed review steps open (or the automatic path approves)."""
        return self._note(
            request,
            lambda a, n: services.application_submit(application=a, user=request.user, note=n),
        )

    @extend_schema(request=s.GrantsNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._note(
            request,
            lambda a, n: services.application_withdraw(application=a, user=request.user, note=n),
        )

    @extend_schema(methods=["GET"], responses=s.MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.MessageWriteSerializer, responses={201: s.MessageSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, pk=None):
        """The thread between the applicant and the reviewers, oldest first."""
        application = self._get()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = selectors.application_messages(application)
            return Response(s.MessageSerializer(rows, many=True, context=context).data)
        body = validated(s.MessageWriteSerializer, request.data)["body"]
        message = services.application_message(
            application=application, user=request.user, body=body
        )
        return Response(s.MessageSerializer(message, context=context).data, status=201)

    @extend_schema(methods=["GET"], responses=s.AttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.AttachmentUploadSerializer,
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=UPLOAD, pagination_class=None)
    def attachments(self, request, pk=None):
        """Files of the application (PDF, PNG, JPEG): the merchant adds them while it
        edits; the merchant, the operator and the regulator read the list."""
        if request.method == "GET":
            application = self._get()
            if not s.sees_contacts(request.user):
                raise PermissionDeniedError(
                    _("Attachments are shared with the operator and the regulator."),
                    code="attachments_not_shared",
                )
            return Response(s.AttachmentSerializer(application.attachments.all(), many=True).data)
        application = self._get(MANAGE)
        upload = validated(s.AttachmentUploadSerializer, request.data)["file"]
        attachment = services.application_attach(
            application=application, user=request.user, upload=upload
        )
        return Response(s.AttachmentSerializer(attachment).data, status=201)

    @extend_schema(responses=s.StepSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def steps(self, request, pk=None):
        """Every review step, oldest first: who decides, by when, and what was decided."""
        steps = review.steps_for(self._get())
        return Response(
            s.StepSerializer(steps, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(request=s.DecideSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Decides the open step `step`: approved, rejected or changes_requested, with a
        comment. Refusals: own_application, not_your_step, already_decided, no_review_step."""
        application = self._get()
        data = validated(s.DecideSerializer, request.data)
        approval.application_decide(
            application=application,
            user=request.user,
            step_id=data["step"],
            decision=data["decision"],
            comment=data["comment"],
        )
        return self._respond(application)

    @extend_schema(responses=s.ApplicationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        entries = selectors.application_history(user=request.user, application=self._get())
        return Response(
            s.ApplicationEventSerializer(
                entries, many=True, context=self.get_serializer_context()
            ).data
        )


class QueuePagination(CursorPagination):
    ordering = ("due_at", "id")


class ReviewQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The reviewer's work list: open review steps, oldest deadline first. `queue=mine`
    (default): the steps the caller may decide; `overdue`: those past their deadline
    (every one for the regulator); `all`: every open step the caller can read."""

    serializer_class = s.QueueEntrySerializer
    pagination_class = QueuePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewStep.objects.none()
        params = validated(s.QueueParamsSerializer, self.request.query_params)
        return selectors.review_queue(user=self.request.user, **params)

    @extend_schema(parameters=[s.QueueParamsSerializer])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {
            **self.get_serializer_context(),
            "applications": selectors.applications_of_steps(page),
        }
        return self.get_paginated_response(
            s.QueueEntrySerializer(page, many=True, context=context).data
        )
