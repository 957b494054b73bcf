from io import StringIO

from django.core.management import call_command

from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from apps.operators.scope import operator_scope_check


def test_seed_demo_gives_the_operator_an_effective_agreement(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("seed_demo", force=True, stdout=StringIO())  # idempotent
    profile = OperatorProfile.objects.get(organization__code="data-operator")
    assert profile.status == Q.QUALIFIED
    agreement = AuthorizationAgreement.objects.get(operator=profile.organization)
    assert agreement.status == A.EFFECTIVE
    resources = [s.resource for s in agreement.scope.select_related("resource")]
    assert len(resources) == 4 and all(r.is_authorizable for r in resources)
    decision, _ = operator_scope_check(operator_org=profile.organization, resource=resources[0])
    assert decision.allowed
