"""What an application asks for, checked against its product: the product's field
identifiers, the clean form of an application's input, and the routing facts.

A field is named by its name when only one source of the product has it, else
"<resource id>.<name>" (both forms are accepted where the name is unique).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.choices import PersonalInfo
from apps.catalog.models import ResourceField
from apps.core.exceptions import InvalidInput
from apps.grants.models import AccessApplication
from apps.grants.routing import ApplicationFacts
from apps.products.models import DataProduct, ProductSource


@dataclass(frozen=True)
class ProductField:
    ident: str
    source: ProductSource
    name: str
    masking: str
    personal_info: str
    label: str
    label_en: str = ""


SCENARIO_CHARS = AccessApplication._meta.get_field("scenario").max_length


def _refuse(code: str, field: str, message) -> InvalidInput:
    return InvalidInput(message, code=code, details={field: [message]})


def product_fields(product: DataProduct) -> dict[str, ProductField]:
    """Every exposed field of the product by its identifier (product order)."""
    sources = list(product.sources.select_related("resource").all())
    meta = {
        (f.resource_id, f.name): f
        for f in ResourceField.objects.filter(resource_id__in=[s.resource_id for s in sources])
    }
    counts: dict[str, int] = {}
    for source in sources:
        for entry in source.fields:
            counts[entry["name"]] = counts.get(entry["name"], 0) + 1
    out: dict[str, ProductField] = {}
    for source in sources:
        for entry in source.fields:
            name = entry["name"]
            field = meta.get((source.resource_id, name))
            ident = name if counts[name] == 1 else f"{source.resource_id}.{name}"
            out[ident] = ProductField(
                ident=ident,
                source=source,
                name=name,
                masking=entry.get("masking") or "none",
                personal_info=field.personal_info if field else PersonalInfo.NONE,
                label=field.label if field else name,
                label_en=field.label_en if field else "",
            )
    return out


def clean_fields(product: DataProduct, requested) -> list[str]:
    """The requested identifiers, in product order; unknown ones are refused."""
    if not isinstance(requested, list | tuple) or not requested:
        raise _refuse("fields_required", "fields", _("Choose at least one field."))
    known = product_fields(product)
    aliases = {f"{f.source.resource_id}.{f.name}": ident for ident, f in known.items()}
    wanted = set()
    for raw in requested:
        ident = str(raw).strip()
        ident = ident if ident in known else aliases.get(ident, ident)
        if ident not in known:
            raise InvalidInput(
                _("The product does not offer the field %(name)s.") % {"name": str(raw)[:64]},
                code="field_not_in_product",
                details={"fields": [_("Not offered: %(name)s") % {"name": str(raw)[:64]}]},
            )
        wanted.add(ident)
    return [ident for ident in known if ident in wanted]


def clean_scenario(product: DataProduct, scenario) -> str:
    value = str(scenario or "").strip()
    # A scenario longer than the application's column (a product written before the
    # products' scenarios were bounded) is refused, not a database error.
    if value not in product.scenarios or len(value) > SCENARIO_CHARS:
        raise _refuse(
            "scenario_not_in_product",
            "scenario",
            _("Choose one of the product's application scenarios."),
        )
    return value


def clean_end(product: DataProduct, end) -> date:
    """The requested end: after today and within the agreement's term."""
    if not isinstance(end, date):
        raise _refuse("requested_end_required", "requested_end", _("Give the requested end."))
    if end <= timezone.localdate():
        raise _refuse("requested_end_past", "requested_end", _("The end must be in the future."))
    agreement = product.agreement
    if end > agreement.term_end:
        raise InvalidInput(
            _("The agreement behind this product ends on %(day)s.") % {"day": agreement.term_end},
            code="term_beyond_agreement",
            details={"requested_end": [_("At the latest %(day)s.") % {"day": agreement.term_end}]},
        )
    return end


def clean_volume(product: DataProduct, calls, rows) -> None:
    for value, limit, name in (
        (calls, product.max_calls_per_day, "expected_calls_per_day"),
        (rows, product.max_rows_per_day, "expected_rows_per_day"),
    ):
        if value is not None and limit is not None and value > limit:
            raise InvalidInput(
                _("The product allows at most %(limit)s per day.") % {"limit": f"{limit:,}"},
                code="volume_over_limit",
                details={name: [_("At most %(limit)s.") % {"limit": f"{limit:,}"}]},
            )


def facts_for(application) -> ApplicationFacts:
    """The routing facts of an application (classification and open type of the product's
    sources, personal data among the requested fields, use and delivery)."""
    product = application.product
    known = product_fields(product)
    chosen = [known[i] for i in application.fields if i in known]
    resources = [s.resource for s in product.sources.select_related("resource")]
    return ApplicationFacts(
        classifications=frozenset(r.classification for r in resources),
        open_types=frozenset(r.open_type for r in resources),
        personal=any(f.personal_info != PersonalInfo.NONE for f in chosen),
        sensitive=any(f.personal_info == PersonalInfo.SENSITIVE for f in chosen),
        use_type=product.use_type,
        delivery_modes=frozenset(product.delivery_modes),
        kind=application.kind,
    )
