"""E-mail through the outbox: the message is a row committed with the change that causes
it and is sent by a worker with fail_silently=False, so a mail server outage leaves it
pending (retried with backoff) instead of losing it."""

from django.core.mail import send_mail

from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_add

MAIL_SEND = "mail.send"


def mail_send_later(
    *, subject: str, body: str, to: list[str], obj=None, key: str | None = None
) -> OutboxItem | None:
    """Queues one e-mail in the caller's transaction (once per key, when a key is given)."""
    return outbox_add(
        topic=MAIL_SEND,
        payload={"subject": str(subject), "body": str(body), "to": list(to)},
        obj=obj,
        key=key,
    )


def mail_send_handler(item: OutboxItem) -> None:
    payload = item.payload
    send_mail(payload["subject"], payload["body"], None, payload["to"], fail_silently=False)
