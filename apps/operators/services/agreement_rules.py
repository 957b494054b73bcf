"""Guards of authorization agreements: term, mode, scope, overlap, operator standing, the
signed document."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import DataResource
from apps.core.exceptions import InvalidInput, TransitionNotAllowed
from apps.operators.choices import IN_FORCE, AgreementMode, CreditStatus
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from apps.workflow.dates import add_years


def check_term(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            _("The term cannot end before it starts."),
            code="invalid_term",
            details={"term_end": [_("Must not be before the start.")]},
        )
    years = settings.OPERATORS_MAX_AGREEMENT_YEARS
    if end >= add_years(start, years):
        raise InvalidInput(
            _("An agreement lasts at most %(years)d years.") % {"years": years},
            code="term_too_long",
            details={
                "term_end": [_("At most %(years)d years after the start.") % {"years": years}]
            },
        )


# Scenarios and prohibited uses as the API takes them: an application's scenario column
# holds 100 characters, and a longer scenario typed on a web form failed there (a 500).
MAX_NAMES, NAME_CHARS = 50, 100


def check_names(key: str, names) -> None:
    """`names` (allowed scenarios, prohibited uses, a product's scenarios): a list of at
    most MAX_NAMES texts of at most NAME_CHARS characters each."""
    if (
        not isinstance(names, list | tuple)
        or len(names) > MAX_NAMES
        or any(not isinstance(name, str) or len(name) > NAME_CHARS for name in names)
    ):
        message = _("At most %(count)d names of at most %(n)d characters each.") % {
            "count": MAX_NAMES,
            "n": NAME_CHARS,
        }
        raise InvalidInput(message, code="names_invalid", details={key: [message]})


def check_mode(mode: str, domain: str, scenarios: list) -> None:
    if mode == AgreementMode.DOMAIN and not domain.strip():
        raise InvalidInput(details={"domain": [_("An authorization by domain names its domain.")]})
    if mode == AgreementMode.SCENARIO and not scenarios:
        raise InvalidInput(
            details={"allowed_scenarios": [_("An authorization by scenario lists its scenarios.")]}
        )


def clean_scope(rows: list[dict]) -> list[tuple[DataResource, list[str] | None]]:
    """Every resource must be registered and authorizable; field names must exist."""
    if not rows:
        raise InvalidInput(
            _("The scope names at least one resource."),
            code="scope_empty",
            details={"scope": [_("This field is required.")]},
        )
    ids = [row["resource"] for row in rows]
    if len(set(ids)) != len(ids):
        raise InvalidInput(details={"scope": [_("A resource appears twice.")]})
    resources = DataResource.objects.prefetch_related("fields").in_bulk(ids)
    out, problems = [], {}
    for row in rows:
        resource = resources.get(row["resource"])
        key = str(row["resource"])
        if resource is None:
            problems[key] = [_("No such resource.")]
        elif not resource.is_in_registry:
            problems[key] = [_("The resource is not in the registry.")]
        elif not resource.is_authorizable:
            problems[key] = [_("Core, prohibited or out-of-scope data cannot be authorized.")]
        else:
            fields = row.get("fields")
            if fields is not None:
                known = {f.name for f in resource.fields.all()}
                unknown = sorted(set(fields) - known)
                if unknown or not fields:
                    problems[key] = [
                        _("Unknown fields: %s") % ", ".join(unknown)
                        if unknown
                        else _("List at least one field, or none for all.")
                    ]
                fields = sorted(set(fields))
            out.append((resource, fields))
    if problems:
        raise InvalidInput(
            _("The scope contains resources that cannot be authorized."),
            code="scope_not_authorizable",
            details={"scope": problems},
        )
    return out


def check_document_attached(agreement: AuthorizationAgreement) -> None:
    """A version is reviewed, and approved, only with its signed agreement attached: the
    authority decides on what both parties signed (an amendment signs its own)."""
    if not agreement.document_path:
        raise InvalidInput(
            _("Attach the signed agreement before submitting it for review."),
            code="document_missing",
            details={"document": [_("The signed agreement (PDF or scan) is required.")]},
        )


def check_scope_still_valid(agreement: AuthorizationAgreement) -> None:
    clean_scope([{"resource": s.resource_id, "fields": s.fields} for s in agreement.scope.all()])


def check_operator_qualified(agreement: AuthorizationAgreement) -> None:
    profile = OperatorProfile.objects.filter(organization_id=agreement.operator_id).first()
    if profile is None or profile.status != Q.QUALIFIED:
        raise TransitionNotAllowed(
            _("Only a qualified operator can hold an effective agreement."),
            code="operator_not_qualified",
        )
    if profile.credit_status == CreditStatus.DISHONEST:
        raise TransitionNotAllowed(
            _("An operator listed as dishonest cannot take on a new agreement."),
            code="operator_dishonest",
        )


def check_no_overlap(agreement: AuthorizationAgreement) -> None:
    """Another agreement (another number) in force for the same operator, with an
    overlapping term and a shared resource, would make the scope ambiguous."""
    resources = list(agreement.scope.values_list("resource_id", flat=True))
    clash = (
        AuthorizationAgreement.objects.filter(
            operator_id=agreement.operator_id,
            status__in=IN_FORCE,
            term_start__lte=agreement.term_end,
            term_end__gte=agreement.term_start,
            scope__resource_id__in=resources,
        )
        .exclude(number=agreement.number)
        .first()
    )
    if clash:
        raise TransitionNotAllowed(
            _("Agreement %(number)s already covers these resources in an overlapping term.")
            % {"number": clash.number},
            code="overlapping_agreement",
            details={"agreement": clash.number},
        )


def check_term_not_over(agreement: AuthorizationAgreement) -> None:
    if agreement.term_end < timezone.localdate():
        raise InvalidInput(
            _("The term has already ended."),
            code="term_over",
            details={"term_end": [_("Must be in the future.")]},
        )


def _first_effective_day(agreement: AuthorizationAgreement) -> date | None:
    """The day the agreement (any version of its number) first took effect: the later
    of the first effective version's term start and the day it became effective."""
    first = (
        AuthorizationAgreement.objects.filter(number=agreement.number, effective_at__isnull=False)
        .exclude(pk=agreement.pk)
        .order_by("version")
        .first()
    )
    if first is None:
        return None
    return max(first.term_start, timezone.localtime(first.effective_at).date())


def check_version_term(agreement: AuthorizationAgreement) -> None:
    """A later version keeps the agreement within OPERATORS_MAX_AGREEMENT_YEARS counted
    from its first effective day, and starts no later than the day after the version it
    amends ends: one agreement number is one continuous term of at most five years."""
    if not agreement.amends_id:
        return
    previous = AuthorizationAgreement.objects.get(pk=agreement.amends_id)
    if agreement.term_start > previous.term_end + timedelta(days=1):
        raise InvalidInput(
            _("A new version must start by the day after version %(v)d ends (%(end)s).")
            % {"v": previous.version, "end": previous.term_end.isoformat()},
            code="version_gap",
            details={"term_start": [_("Leaves a gap after the previous version.")]},
        )
    first_day = _first_effective_day(agreement) or previous.term_start
    origin = min(first_day, agreement.term_start)
    years = settings.OPERATORS_MAX_AGREEMENT_YEARS
    if agreement.term_end >= add_years(origin, years):
        raise InvalidInput(
            _("An agreement lasts at most %(years)d years from its first effective day (%(day)s).")
            % {"years": years, "day": origin.isoformat()},
            code="term_too_long",
            details={
                "term_end": [
                    _("At most %(years)d years after %(day)s.")
                    % {"years": years, "day": origin.isoformat()}
                ]
            },
        )
