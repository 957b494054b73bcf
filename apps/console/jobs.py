"""The console's long jobs, run by workers through the outbox: verifying the audit chain
(topic `audit.verify`). The page shows progress and the stored result."""

from apps.accounts.models import User
from apps.audit.choices import Retention
from apps.audit.sealer import seal_pending
from apps.audit.services import audit_record
from apps.audit.verify import verify_chain
from apps.workflow.models import OutboxItem, OutboxStatus
from apps.workflow.outbox import lease_kept, lease_renew, outbox_add

AUDIT_VERIFY = "audit.verify"


def audit_verify_start(*, user: User) -> OutboxItem:
    """Queues a verification, or returns the one already waiting or running."""
    unfinished = OutboxItem.objects.filter(
        topic=AUDIT_VERIFY, status__in=[OutboxStatus.PENDING, OutboxStatus.RUNNING]
    ).first()
    if unfinished is not None:
        return unfinished
    return outbox_add(topic=AUDIT_VERIFY, payload={"requested_by": user.pk})


def audit_verify_job(item: OutboxItem) -> None:
    """Seals what is queued, verifies the whole chain and stores the verdict on the item."""
    lease_renew(item, progress=0.05)
    with lease_kept(item):
        seal_pending()
    lease_renew(item, progress=0.3)
    with lease_kept(item):
        result = verify_chain()
    item.result = {
        "ok": result.ok,
        "count": result.count,
        "head_seq": result.head_seq,
        "head_hash": result.head_hash.hex(),
        "first_bad_seq": result.first_bad_seq,
        "problem": result.problem,
        "code": result.code,
        "checkpoints": result.checkpoints,
    }
    requester = User.objects.filter(pk=item.payload.get("requested_by")).first()
    audit_record(
        actor=requester,
        action="audit.verify",
        data={"ok": result.ok, "head_seq": result.head_seq, "first_bad_seq": result.first_bad_seq},
        retention=Retention.ACCESS,
    )


def last_verification() -> OutboxItem | None:
    return OutboxItem.objects.filter(topic=AUDIT_VERIFY).order_by("-pk").first()
