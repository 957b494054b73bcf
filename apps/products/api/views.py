"""Thin DRF views over apps.products.services; objects only through get_object_for."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.core.permissions import MANAGE, VIEW
from apps.products import selectors, services
from apps.products.api import serializers as s
from apps.products.models import DataProduct
from apps.workflow.policy import DECIDE, get_object_for


def validated(serializer_class, data, **kwargs) -> dict:
    payload = serializer_class(data=data, **kwargs)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Data products: operators draft and submit, the regulator decides, everyone reads
    listed products (search and filters, cursor pages)."""

    serializer_class = s.ProductSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve", "terms", "history"):
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(parameters=[s.ListParamsSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DataProduct.objects.none()
        params = validated(s.ListParamsSerializer, self.request.query_params)
        q, mine = params.pop("q", ""), params.pop("mine", False)
        return selectors.product_list(user=self.request.user, q=q, filters=params, mine=mine)

    def _get(self, action=VIEW) -> DataProduct:
        return get_object_for(self.request.user, DataProduct, self.kwargs["pk"], action)

    def get_object(self):
        return self._get()  # 404 for hidden ids, with the denial recorded

    def _respond(self, product, code=status.HTTP_200_OK):
        fresh = selectors.product_list(user=self.request.user).get(pk=product.pk)
        return Response(s.ProductSerializer(fresh, context={"request": self.request}).data, code)

    @extend_schema(request=s.ProductWriteSerializer, responses={201: s.ProductSerializer})
    def create(self, request):
        data = validated(s.ProductWriteSerializer, request.data)
        product = services.product_create(user=request.user, data=data)
        return self._respond(product, status.HTTP_201_CREATED)

    @extend_schema(request=s.ProductWriteSerializer, responses=s.ProductSerializer)
    def partial_update(self, request, pk=None):
        product = self._get(MANAGE)
        data = validated(s.ProductWriteSerializer, request.data, partial=True)
        return self._respond(services.product_update(product=product, user=request.user, data=data))

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Deletes a draft that was never submitted (409 `not_deletable` otherwise)."""
        services.product_delete(product=self._get(MANAGE), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _note(self, request, call, action):
        product = self._get(action)  # 404 for outsiders before the body is looked at
        note = validated(s.ProductNoteSerializer, request.data).get("note", "")
        return self._respond(call(product, note))

    def _reason(self, request, call, action):
        product = self._get(action)
        reason = validated(s.ProductReasonSerializer, request.data)["reason"]
        return self._respond(call(product, reason))

    @extend_schema(request=s.ProductNoteSerializer, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.product_submit(product=p, user=request.user, note=n),
            MANAGE,
        )

    @extend_schema(request=s.ProductNoteSerializer, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.product_withdraw(product=p, user=request.user, note=n),
            MANAGE,
        )

    @extend_schema(request=s.ProductNoteSerializer, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._note(
            request,
            lambda p, n: services.product_approve(product=p, reviewer=request.user, note=n),
            DECIDE,
        )

    @extend_schema(request=s.ProductReasonSerializer, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._reason(
            request,
            lambda p, r: services.product_return(product=p, reviewer=request.user, reason=r),
            DECIDE,
        )

    @extend_schema(request=s.ProductReasonSerializer, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"])
    def delist(self, request, pk=None):
        action_ = DECIDE if request.user.is_regulator else MANAGE
        return self._reason(
            request,
            lambda p, r: services.product_delist(product=p, user=request.user, reason=r),
            action_,
        )

    @extend_schema(responses=s.TermsSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def terms(self, request, pk=None):
        """Every version of the terms of use, newest first."""
        terms = selectors.product_terms(product=self._get())
        return Response(s.TermsSerializer(terms, many=True).data)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        events = selectors.product_history(user=request.user, product=self._get())
        return Response(s.EventSerializer(events, many=True).data)


class DisclosedProductViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public disclosure: every operator's listed products with their prices."""

    serializer_class = s.DisclosedProductSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("operator", int, required=False, description="operator id")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DataProduct.objects.none()
        params = validated(s.ListParamsSerializer, self.request.query_params)
        return selectors.disclosed_products(operator_id=params.get("operator")).order_by("-id")
