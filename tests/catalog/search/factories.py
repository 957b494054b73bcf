"""Resources made directly with the ORM and indexed the way the write services will."""

import itertools

from apps.catalog.models import DataResource, ResourceField, Theme
from apps.catalog.search import resource_reindex

_codes = itertools.count(1)


def make_resource(user, name: str, *, status: str = "registered", fields=(), themes=(), **kw):
    resource = DataResource.objects.create(
        provider=user.organization,
        created_by=user,
        name=name,
        status=status,
        registry_code=f"REG-{next(_codes):06d}" if status == "registered" else None,
        **kw,
    )
    for position, (field_name, label, *description) in enumerate(fields):
        ResourceField.objects.create(
            resource=resource,
            position=position,
            name=field_name,
            label=label,
            description=description[0] if description else "",
        )
    if themes:
        resource.themes.set(Theme.objects.filter(code__in=themes))
    resource_reindex(resource=resource)
    return resource
