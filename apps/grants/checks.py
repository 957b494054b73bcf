"""The automated checks of a submitted application and its routing, run by the outbox
(topic `grants.application.check`, registered in GrantsConfig.ready).

The job is an idempotent nudge: it acts only on the submission it was queued for
(`round`) and only while the application is submitted or checking, under a row lock,
so a second delivery, a worker killed halfway or a Redis restart change nothing twice.

    submitted --(commit)--> checking --(commit)--> rejected | approved (automatic) | in review
"""

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.choices import Classification, OpenType
from apps.grants import approval, facts
from apps.grants.applications import application_move
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus
from apps.grants.guards import issue_refusal
from apps.grants.models import AccessApplication
from apps.grants.selectors import route_now
from apps.operators.choices import AgreementStatus, CreditStatus, QualificationStatus
from apps.operators.models import OperatorProfile
from apps.products.choices import ProductStatus
from apps.products.services import check_still_in_scope


@dataclass(frozen=True)
class Check:
    check: str
    ok: bool
    message: str


def _ok(name: str) -> Check:
    return Check(name, True, "")


def run_checks(application: AccessApplication) -> list[Check]:
    """Every check, each with its own verdict (all are run, so the merchant sees every
    problem at once)."""
    product = application.product
    agreement = product.agreement
    merchant = application.merchant
    results = []

    results.append(
        _ok("merchant_in_good_standing")
        if merchant.is_active
        else Check("merchant_in_good_standing", False, _("Your organization is not active."))
    )
    results.append(
        _ok("product_listed")
        if product.status == ProductStatus.LISTED
        else Check("product_listed", False, _("The product is not listed."))
    )
    profile = OperatorProfile.objects.filter(organization_id=product.operator_id).first()
    if profile is None or profile.status != QualificationStatus.QUALIFIED:
        results.append(Check("operator_qualified", False, _("The operator is not qualified.")))
    elif profile.credit_status == CreditStatus.DISHONEST:
        results.append(
            Check("operator_qualified", False, _("The operator is listed as dishonest."))
        )
    else:
        results.append(_ok("operator_qualified"))

    problem = ""
    if agreement.status != AgreementStatus.EFFECTIVE:
        problem = _("The operator's agreement is not in force.")
    elif agreement.term_end < application.requested_end:
        problem = _("The agreement ends on %(day)s, before the requested end.") % {
            "day": agreement.term_end
        }
    else:
        try:
            check_still_in_scope(product)
        except Exception as error:  # a DomainError says which part left the scope
            problem = getattr(error, "message", str(error))
    results.append(Check("agreement_covers", not problem, problem))

    resources = [s.resource for s in product.sources.select_related("resource")]
    barred = [
        r.name
        for r in resources
        if r.classification == Classification.CORE or r.open_type == OpenType.PROHIBITED
    ]
    results.append(
        Check(
            "no_core_or_prohibited_data",
            not barred,
            _("Core or non-open data: %(names)s") % {"names": ", ".join(barred)} if barred else "",
        )
    )

    over = []
    for value, limit in (
        (application.expected_calls_per_day, product.max_calls_per_day),
        (application.expected_rows_per_day, product.max_rows_per_day),
    ):
        if value is not None and limit is not None and value > limit:
            over.append(f"{value:,} > {limit:,}")
    results.append(
        Check(
            "volume_within_limits",
            not over,
            _("Expected volume above the product's limits: %(v)s") % {"v": "; ".join(over)}
            if over
            else "",
        )
    )
    known = facts.product_fields(product)
    missing = [f for f in application.fields if f not in known]
    results.append(
        Check(
            "fields_offered",
            not missing,
            _("No longer offered: %(f)s") % {"f": ", ".join(missing)} if missing else "",
        )
    )
    previous = application.previous_grant
    if previous is not None:
        results.append(
            _ok("previous_grant_active")
            if previous.status == GrantStatus.ACTIVE
            else Check("previous_grant_active", False, _("The grant to renew is not active."))
        )
    refusal = issue_refusal(application)
    results.append(Check(refusal[0], False, refusal[1]) if refusal else _ok("issue_allowed"))
    return results


def _start(application_id: int, round_: int) -> bool:
    """submitted → checking, in its own transaction. False: nothing to do."""
    with transaction.atomic():
        application = (
            AccessApplication.objects.select_for_update().filter(pk=application_id).first()
        )
        if application is None or application.round != round_:
            return False
        if application.status == A.SUBMITTED:
            application_move(application, A.CHECKING, actor=None)
            application.save(update_fields=["status", "updated_at"])
        return application.status == A.CHECKING


@transaction.atomic
def _decide(application_id: int, round_: int) -> None:
    application = (
        AccessApplication.objects.select_for_update(of=("self",))
        .select_related("product", "product__agreement", "merchant", "previous_grant")
        .get(pk=application_id)
    )
    if application.round != round_ or application.status != A.CHECKING:
        return
    results = run_checks(application)
    ruleset, route = route_now(facts.facts_for(application))
    application.checks = [asdict(r) for r in results]
    application.route = {
        "ruleset": ruleset.version if ruleset else None,
        "automatic": route.automatic,
        "fallback": route.fallback,
        "steps": [{"kind": s.kind, "days": s.days, "rule": s.rule} for s in route.steps],
        "rules": list(route.rule_names),
        "at": timezone.now().isoformat(),
    }
    failed = [r for r in results if not r.ok]
    if failed:
        note = "; ".join(r.message for r in failed)
        approval.finish(application, A.REJECTED, actor=None, note=note)
    elif route.automatic:
        approval.finish(application, A.APPROVED, actor=None, note=_("Approved by the checks."))
    else:
        application_move(application, A.IN_REVIEW, actor=None, note=_("Checks passed."))
        application.save()
        approval.open_next_step(application)


def application_check_job(item) -> None:
    """Outbox handler of `grants.application.check`."""
    application_id, round_ = item.payload["application"], item.payload["round"]
    if _start(application_id, round_):
        _decide(application_id, round_)
