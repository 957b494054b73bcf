"""GET /api/v1/catalog/search/: anonymous-readable, scoped by restrict(), with facets."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from apps.catalog import selectors
from apps.catalog.api import search_serializers as s
from apps.core.api.negotiation import FirstRendererNegotiation


class CatalogSearchView(APIView):
    permission_classes = [AllowAny]
    content_negotiation_class = FirstRendererNegotiation  # `format` is a search filter here

    @extend_schema(parameters=[s.SearchParamsSerializer], responses=s.SearchResponseSerializer)
    def get(self, request):
        params = s.SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        q = data.get("q", "")
        filters = {key: data[key] for key in selectors.FILTERS if key in data}
        queryset = selectors.resource_search(user=request.user, q=q, filters=filters)
        page, cursor = selectors.resource_search_page(
            queryset=queryset, q=q, cursor=data.get("cursor"), size=data["page_size"]
        )
        next_url = None
        if cursor:
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", cursor)
        facets = selectors.resource_facets(queryset=queryset)
        body = {
            "next": next_url,
            "results": s.SearchResultSerializer(page, many=True).data,
            "facets": facets,
            "facets_exact": facets.exact,
        }
        return Response(body)
