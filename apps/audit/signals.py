"""Sign-in events and the system actor of Celery tasks.

Login signals are acceptable here (unlike model signals) because they fire inside the
request that did the work; everything else calls audit_record explicitly.
"""

from axes.signals import user_locked_out
from celery.signals import task_postrun, task_prerun
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit.choices import Retention
from apps.audit.context import current_job
from apps.audit.services import audit_record, audit_record_denial


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    audit_record(
        actor=user,
        action="auth.login",
        target=user,
        target_org=user.organization_id,
        request=request,
        retention=Retention.ACCESS,
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=user,
            action="auth.logout",
            target=user,
            target_org=user.organization_id,
            request=request,
            retention=Retention.ACCESS,
        )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: Django masks the password, and we never keep it anyway.
    audit_record_denial(
        action="auth.login",
        reason="bad_credentials",
        data={"username": str(credentials.get("username", ""))[:150]},
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record_denial(
        action="auth.lockout",
        reason="locked_out",
        data={"username": str(username or "")[:150]},
        request=request,
    )


@task_prerun.connect(dispatch_uid="audit_task_actor")
def on_task_start(task=None, **kwargs):
    # prefork workers run one task at a time per process, so a plain set is enough.
    current_job.set(getattr(task, "name", "celery"))


@task_postrun.connect(dispatch_uid="audit_task_actor_end")
def on_task_end(**kwargs):
    current_job.set(None)
