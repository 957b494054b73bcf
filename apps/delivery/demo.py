"""Demo data of delivery (seed_demo): a few metered calls on the demo grant today (it was
issued today: no earlier use), so its usage page and this month's provisional statement
have something to show. Idempotent: a grant already metered today is left alone."""

import uuid

from django.utils import timezone

from apps.delivery import quotas
from apps.delivery.models import UsageDay
from apps.delivery.statements import statements_refresh_current
from apps.grants.models import Grant

CALLS, ROWS = 12, 40


def seed(*, grant: Grant | None, stdout) -> None:
    if grant is None:
        return
    if not UsageDay.objects.filter(grant=grant, day=timezone.localdate()).exists():
        for _ in range(CALLS):
            quotas.meter(grant, request_id=f"demo-{uuid.uuid4().hex}", rows=ROWS, size=ROWS * 120)
    written = statements_refresh_current()
    stdout.write(f"Delivery: {grant.number} metered; {len(written)} provisional statements.")
