"""The Celery app of the test workers: config.celery's, and a ContentType cache that is
emptied before each task. Transactional tests flush the database between tests and the
content types come back with new ids; a worker that outlives a test would otherwise
write the old ids (a status history row of an application then fails its foreign key)."""

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]


@task_prerun.connect
def _forget_content_types(**_kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
