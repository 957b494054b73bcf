"""A readable diff between two versions of an agreement (terms and scope)."""

from apps.core.names import listing, local_name
from apps.operators.models import AuthorizationAgreement
from apps.operators.services.agreements import TERMS


def _scope(agreement: AuthorizationAgreement) -> dict[int, dict]:
    return {
        s.resource_id: {"name": local_name(s.resource), "fields": s.fields}
        for s in agreement.scope.select_related("resource")
    }


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return listing(value) or "—"
    return str(value)


def agreement_diff(old: AuthorizationAgreement, new: AuthorizationAgreement) -> list[dict]:
    """[{field, label, before, after}] for every term that differs, then one row per
    resource added, removed or restricted differently. Values are display strings."""
    rows = []
    for key in TERMS:
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            label = str(AuthorizationAgreement._meta.get_field(key).verbose_name)
            if key == "mode":
                before, after = old.get_mode_display(), new.get_mode_display()
            rows.append(
                {"field": key, "label": label, "before": _text(before), "after": _text(after)}
            )
    a, b = _scope(old), _scope(new)
    all_fields = "*"
    for pk in sorted(set(a) | set(b)):
        before, after = a.get(pk), b.get(pk)
        if before == after:
            continue
        name = (after or before)["name"]
        rows.append(
            {
                "field": f"scope.{pk}",
                "label": name,
                "before": _text(before["fields"] or all_fields) if before else "—",
                "after": _text(after["fields"] or all_fields) if after else "—",
            }
        )
    return rows
