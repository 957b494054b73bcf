"""The one scope check every downstream app asks: may this agreement (or operator)
use this resource, these fields, for this scenario, on this day?"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.catalog.models import DataResource
from apps.operators.choices import AgreementMode
from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import AuthorizationAgreement, OperatorProfile


@dataclass(frozen=True)
class ScopeDecision:
    allowed: bool
    reason_code: str
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


OK = ScopeDecision(True, "ok", gettext_lazy("Within the agreement's scope."))


def _no(code: str, reason: str) -> ScopeDecision:
    return ScopeDecision(False, code, reason)


def agreement_scope_check(
    *,
    agreement: AuthorizationAgreement,
    resource: DataResource,
    fields: list[str] | None = None,
    scenario: str | None = None,
    on: date | None = None,
) -> ScopeDecision:
    """Reads current rows (no cache), so a suspension shows on the very next request."""
    on = on or timezone.localdate()
    agreement = AuthorizationAgreement.objects.get(pk=agreement.pk)
    if agreement.status != A.EFFECTIVE:
        return _no(
            "agreement_not_effective",
            _("The agreement is %(status)s.") % {"status": agreement.get_status_display()},
        )
    profile_status = (
        OperatorProfile.objects.filter(organization_id=agreement.operator_id)
        .values_list("status", flat=True)
        .first()
    )
    if profile_status != Q.QUALIFIED:
        return _no("operator_not_qualified", _("The operator is not qualified."))
    if on < agreement.term_start:
        return _no(
            "term_not_started", _("The term starts on %(day)s.") % {"day": agreement.term_start}
        )
    if on > agreement.term_end:
        return _no("term_ended", _("The term ended on %(day)s.") % {"day": agreement.term_end})
    row = agreement.scope.filter(resource_id=resource.pk).first()
    if row is None:
        return _no("resource_not_in_scope", _("The resource is not in the agreement's scope."))
    resource = DataResource.objects.get(pk=resource.pk)
    if not resource.is_in_registry:
        return _no("resource_not_registered", _("The resource is no longer in the registry."))
    if not resource.is_authorizable:
        return _no("resource_not_authorizable", _("The resource may not be authorized."))
    if fields and row.fields is not None:
        outside = sorted(set(fields) - set(row.fields))
        if outside:
            return _no(
                "fields_not_in_scope",
                _("Fields outside the scope: %(fields)s") % {"fields": ", ".join(outside)},
            )
    if scenario is not None and scenario in agreement.prohibited_uses:
        return _no(
            "use_prohibited", _("The use '%(scenario)s' is prohibited.") % {"scenario": scenario}
        )
    if scenario is None and agreement.mode == AgreementMode.SCENARIO:
        return _no("scenario_required", _("This agreement authorizes named scenarios only."))
    if (
        scenario is not None
        and agreement.allowed_scenarios
        and scenario not in agreement.allowed_scenarios
    ):
        return _no(
            "scenario_not_allowed",
            _("The scenario '%(scenario)s' is not allowed.") % {"scenario": scenario},
        )
    return OK


def operator_scope_check(
    *,
    operator_org,
    resource: DataResource,
    fields: list[str] | None = None,
    scenario: str | None = None,
    on: date | None = None,
) -> tuple[ScopeDecision, AuthorizationAgreement | None]:
    """Over the operator's agreements in force that name the resource: the first that
    allows it, otherwise the refusal of the most relevant one."""
    candidates = AuthorizationAgreement.objects.filter(
        operator_id=getattr(operator_org, "pk", operator_org),
        status__in=[A.EFFECTIVE, A.SUSPENDED],
        scope__resource_id=resource.pk,
    ).order_by("status", "-version")  # effective before suspended
    refusal = None
    for agreement in candidates:
        decision = agreement_scope_check(
            agreement=agreement, resource=resource, fields=fields, scenario=scenario, on=on
        )
        if decision.allowed:
            return decision, agreement
        refusal = refusal or (decision, agreement)
    return refusal or (_no("no_agreement", "No agreement in force covers the resource."), None)
