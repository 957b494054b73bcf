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


def test_seed_demo_refuses_where_demo_data_is_not_allowed(db, settings):
    # It creates users with a known password: never on a production configuration.
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError

    settings.DEBUG = False
    settings.DEMO_DATA_ALLOWED = False
    settings.SETTINGS_MODULE = "config.settings.production"
    try:
        call_command("seed_demo", stdout=StringIO())
    except CommandError as error:
        assert "seed_demo runs only on the embedded default" in str(error)
    else:
        raise AssertionError("seed_demo ran on a production configuration")
    assert not get_user_model().objects.exists()
    settings.DEMO_DATA_ALLOWED = True  # the embedded default (config.settings.local)
    call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.exists()
