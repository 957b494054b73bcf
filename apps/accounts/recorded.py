"""Saving and deleting an account object together with its audit event (what changed,
never a secret). The accounts and OTP services are built on these two helpers; call them
inside a transaction (the stored row is read under a lock)."""

from apps.audit.services import audit_record


def snapshot(obj, fields) -> dict:
    return {field: getattr(obj, field) for field in fields}


def stored(obj, fields) -> dict | None:
    """The row as the database holds it now (locked), or None for a new object."""
    if obj.pk is None:
        return None
    row = obj._meta.model._default_manager.select_for_update().filter(pk=obj.pk).first()
    return snapshot(row, fields) if row is not None else None


def save_recorded(obj, *, name: str, fields, actor, target_org=None, data=None, verb=None):
    """Saves `obj` and records `<name>.create` or `<name>.update` (or `<name>.<verb>`)
    with what changed; nothing when nothing changed."""
    before = stored(obj, fields)
    obj.save()
    after = snapshot(obj, fields)
    if before == after:
        return obj
    audit_record(
        actor=actor,
        action=f"{name}.{verb or ('create' if before is None else 'update')}",
        target=obj,
        target_org=target_org,
        before=before,
        after=after,
        data=data,
    )
    return obj


def delete_recorded(obj, *, name: str, before: dict, actor, target_org=None, data=None) -> None:
    target = (obj._meta.label_lower, obj.pk)
    if target_org is None:
        target_org = getattr(obj, "audit_org_id", None) or getattr(obj, "organization_id", None)
    obj.delete()
    audit_record(
        actor=actor,
        action=f"{name}.delete",
        target=target,
        target_org=target_org,
        before=before,
        data=data,
    )
