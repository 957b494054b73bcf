import pytest

from apps.audit.choices import ActorType
from apps.audit.models import AuditEvent
from apps.audit.tasks import prune
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_event_written_by_a_celery_task_carries_the_system_actor(celery_worker_process):
    before = AuditEvent.objects.filter(action="audit.prune").count()
    prune.delay()
    wait_for(lambda: AuditEvent.objects.filter(action="audit.prune").count() > before)
    event = AuditEvent.objects.filter(action="audit.prune").order_by("-id").first()
    assert event.actor_type == ActorType.SYSTEM
    assert event.actor_label == "apps.audit.tasks.prune"
    assert event.actor_org_id is None
