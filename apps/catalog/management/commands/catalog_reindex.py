from django.core.management.base import BaseCommand

from apps.catalog.models import DataResource
from apps.catalog.search import resource_reindex


class Command(BaseCommand):
    help = "Rebuild the search terms of every data resource."

    def handle(self, *args, **options):
        count = 0
        for resource in DataResource.objects.prefetch_related("themes", "fields").iterator(
            chunk_size=500
        ):
            resource_reindex(resource=resource)
            count += 1
        self.stdout.write(f"Reindexed {count} resources.")
