"""Checks of a product's content against its agreement and the catalog.

Each refusal is an InvalidInput with a stable code (the API's JSON `code`, a form error
on the web) and per-field details. Nothing here writes.
"""

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.catalog import literals
from apps.catalog.choices import FieldType, MaskingRule
from apps.catalog.masking import at_least_as_strong, effective_rule
from apps.catalog.models import DataResource, DatasetVersion, ResourceField
from apps.core.exceptions import InvalidInput
from apps.core.names import listing, local_name
from apps.operators.models import AuthorizationAgreement
from apps.operators.scope import agreement_scope_check
from apps.operators.services.agreement_rules import check_names
from apps.products.choices import CHARGED, DeliveryMode, FilterOp, PricingModel, UseType

MAX_CONDITIONS = 20
# A product's daily quotas, on the API and the web form alike.
MAX_ROWS_PER_DAY = 10**12
MAX_CALLS_PER_DAY = 2_000_000_000
MAX_IN_VALUES = 100

FEN = Decimal("0.01")


def _refuse(code: str, field: str, message) -> InvalidInput:
    return InvalidInput(message, code=code, details={field: [str(message)]})


def default_masking(field: ResourceField) -> str:
    """The field's own default, raised to its personal-information default if weaker."""
    return effective_rule(field.masking, field.personal_info)


# Values in the forms delivery binds in its casts (apps.catalog.literals, as a merchant's
# filter): DuckDB casts nothing else. A week date ('2026-W01-1'), a basic '20260101' or a
# number past DuckDB's widest integer or decimal (38 digits) passed Python's parsers and
# then failed every read of every grant of the product.
DECIMAL_DIGITS = 38


def _scalar(data_type: str, value):
    """The value as the field's type, or ValueError."""
    if value is None or isinstance(value, (list, dict)):
        raise ValueError
    if data_type == FieldType.STRING:
        # PostgreSQL's JSONB refuses NUL characters: refuse them here, not with a 500.
        if not isinstance(value, str) or len(value) > 500 or "\x00" in value:
            raise ValueError
        return value
    if data_type == FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError
        return value
    if isinstance(value, bool):
        raise ValueError
    if data_type == FieldType.INTEGER:
        if not isinstance(value, int) or not -(2**63) <= value < 2**63:
            raise ValueError
        return value
    if data_type == FieldType.DECIMAL:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError from None
        if not number.is_finite() or (number and number.adjusted() >= DECIMAL_DIGITS):
            raise ValueError
        return number
    if data_type == FieldType.DATE:
        if not isinstance(value, str) or not literals.ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    if not isinstance(value, str) or not literals.ISO_DATETIME.fullmatch(value):
        raise ValueError
    return datetime.fromisoformat(value)


def _condition(condition, types: dict[str, str]) -> dict:
    if not isinstance(condition, dict) or set(condition) != {"field", "op", "value"}:
        raise ValueError(_("Each condition is {field, op, value}."))
    name, op, value = condition["field"], condition["op"], condition["value"]
    # The web form's JSON reaches here untyped: a list or an object is no field name (and
    # cannot even be looked up: a TypeError, a 500).
    if not isinstance(name, str) or name not in types:
        raise ValueError(_("Unknown field: %s") % name)
    if op not in FilterOp.values:
        raise ValueError(_("Unknown operator: %s") % op)
    kind = types[name]
    try:
        if op in (FilterOp.EQ, FilterOp.NE):
            _scalar(kind, value)
        elif op == FilterOp.IN:
            if not isinstance(value, list) or not 0 < len(value) <= MAX_IN_VALUES:
                raise ValueError
            for item in value:
                _scalar(kind, item)
        elif op == FilterOp.RANGE:
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError
            low, high = (_scalar(kind, v) for v in value)
            if kind in (FieldType.STRING, FieldType.BOOLEAN) or low > high:
                raise ValueError
        elif op == FilterOp.PREFIX and (
            kind != FieldType.STRING or not isinstance(value, str) or not value
        ):
            raise ValueError
    except (ValueError, TypeError):
        raise ValueError(
            _("The value does not suit %(op)s on %(field)s (%(type)s).")
            % {"op": op, "field": name, "type": kind}
        ) from None
    return {"field": name, "op": op, "value": value}


def clean_row_filter(conditions, types: dict[str, str]) -> list[dict]:
    if conditions in (None, ""):
        return []
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        raise _refuse(
            "filter_invalid",
            "row_filter",
            _("The row filter is a list of at most %d conditions.") % MAX_CONDITIONS,
        )
    try:
        return [_condition(c, types) for c in conditions]
    except ValueError as problem:
        raise _refuse("filter_invalid", "row_filter", str(problem)) from None


def _exposed(entries, by_name: dict[str, ResourceField]) -> list[dict]:
    if not entries:
        raise _refuse("fields_required", "fields", _("Choose at least one field to expose."))
    exposed, seen = [], set()
    for entry in entries:
        name, rule = (
            (entry, None) if isinstance(entry, str) else (entry["name"], entry.get("masking"))
        )
        field = by_name.get(name)
        if field is None:
            raise _refuse("field_unknown", "fields", _("The resource has no field %s.") % name)
        if name in seen:
            continue
        seen.add(name)
        default = default_masking(field)
        rule = rule or default
        if rule not in MaskingRule.values:
            raise _refuse("masking_unknown", "masking", _("Unknown masking rule: %s") % rule)
        if not at_least_as_strong(rule, default):
            raise _refuse(
                "masking_too_weak",
                "masking",
                _("%(field)s needs masking at least as strict as %(default)s.")
                % {"field": name, "default": MaskingRule(default).label},
            )
        exposed.append({"name": name, "masking": rule})
    return exposed


def clean_source(agreement: AuthorizationAgreement, raw: dict, scenarios: list[str]) -> dict:
    """One source: in the agreement's scope, with its fields, masking and row filter."""
    resource = DataResource.objects.filter(pk=raw.get("resource")).first()
    if resource is None:
        raise _refuse("resource_not_in_scope", "sources", _("Unknown resource."))
    by_name = {f.name: f for f in resource.fields.all()}
    exposed = _exposed(raw.get("fields") or [], by_name)
    types = {name: f.data_type for name, f in by_name.items()}
    row_filter = clean_row_filter(raw.get("row_filter"), types)
    names = sorted({f["name"] for f in exposed} | {c["field"] for c in row_filter})
    for scenario in scenarios or [None]:
        decision = agreement_scope_check(
            agreement=agreement, resource=resource, fields=names, scenario=scenario
        )
        if not decision:
            field = "scenarios" if "scenario" in decision.reason_code else "sources"
            raise _refuse(decision.reason_code, field, decision.reason)
    version = None
    if raw.get("pinned_version"):
        version = DatasetVersion.objects.filter(pk=raw["pinned_version"], resource=resource).first()
        if version is None:
            raise _refuse(
                "version_not_of_resource",
                "sources",
                _("The pinned version is not a version of %s.") % local_name(resource),
            )
    return {"resource": resource, "pinned_version": version, "fields": exposed,
            "row_filter": row_filter}  # fmt: skip


def clean_scenarios(agreement: AuthorizationAgreement, scenarios) -> list[str]:
    check_names("scenarios", scenarios or [])
    scenarios = sorted(set(scenarios or []))
    if not scenarios:
        raise _refuse("scenarios_required", "scenarios", _("Name at least one scenario."))
    allowed = set(agreement.allowed_scenarios or [])
    outside = [s for s in scenarios if allowed and s not in allowed]
    if outside:
        raise _refuse(
            "scenario_not_allowed",
            "scenarios",
            _("Scenarios outside the agreement: %s") % listing(outside),
        )
    return scenarios


def clean_delivery(modes) -> list[str]:
    modes = sorted(set(modes or []))
    if not modes or any(m not in DeliveryMode.values for m in modes):
        raise _refuse("delivery_invalid", "delivery_modes", _("Choose the delivery modes."))
    return modes


def clean_pricing(agreement: AuthorizationAgreement, use_type, model, price) -> tuple:
    """Public welfare is free whatever was sent; industrial use is charged at or below
    the agreement's price cap."""
    if use_type not in UseType.values:
        raise _refuse("use_type_invalid", "use_type", _("Choose a use type."))
    if use_type == UseType.PUBLIC_WELFARE:
        return PricingModel.FREE, Decimal("0")
    if model not in CHARGED:
        raise _refuse(
            "pricing_required",
            "pricing_model",
            _("Industrial use is charged per call, per 1,000 rows or by subscription."),
        )
    try:
        price = Decimal(str(price))
    except InvalidOperation:
        price = Decimal("-1")
    if not price.is_finite() or price <= 0:
        raise _refuse("price_invalid", "price", _("Give a price above zero."))
    try:  # 0.001 would have been charged as 0.00
        whole_fen = price == price.quantize(FEN, rounding=ROUND_DOWN)
    except InvalidOperation:  # more digits than any price has
        whole_fen = False
    if not whole_fen:
        raise _refuse("price_invalid", "price", _("Give the price in yuan and fen (0.01)."))
    cap = agreement.price_cap
    if cap is not None and price > cap:
        raise _refuse(
            "price_above_cap",
            "price",
            _("The price is above the agreement's cap of %(cap)s yuan.") % {"cap": cap},
        )
    return model, price
