"""The API's router: DRF's SimpleRouter with object ids in paths taken as every other
route of the platform takes them (`<id:...>`, apps.core.converters): 1 to 18 ASCII digits.
DRF's default lookup (`[^/.]+`) and `\\d`, which matches the digits of any script, served
one object at many addresses (`/api/v1/api-keys/١/` was key 1: Django reads '١' as 1)."""

from rest_framework.routers import SimpleRouter

from apps.core.converters import IdConverter


class Router(SimpleRouter):
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup = getattr(viewset, "lookup_url_kwarg", None) or getattr(
            viewset, "lookup_field", "pk"
        )
        return f"(?P<{lookup_prefix}{lookup}>{IdConverter.regex})"
