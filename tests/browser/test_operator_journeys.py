import pytest

from apps.catalog import services as catalog
from apps.operators import services
from apps.operators.models import AuthorizationAgreement
from tests.browser.test_sign_in_journeys import sign_in
from tests.catalog.conftest import payload, register
from tests.conftest import current_totp
from tests.factories import PASSWORD
from tests.operators.conftest import agreement_data, make_effective, qualify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _operator_files(settings, tmp_path):
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"


def test_suspending_an_operator_takes_its_agreement_off_disclosure_and_lifting_restores_it(
    page, operator_admin, provider, regulator
):
    # given a qualified operator with an effective agreement, disclosed to the public
    profile = qualify(operator_admin, regulator)
    resources = [
        register(
            catalog.resource_create(user=provider, data=payload(name=name)), provider, regulator
        )
        for name in ("企业登记信息", "企业年报")
    ]
    draft = services.agreement_create(
        user=operator_admin, data=agreement_data(regulator, resources)
    )
    agreement = make_effective(draft, operator_admin, regulator)
    page.goto("/disclosure/")
    assert agreement.number in page.content()
    # when the regulator suspends the operator in the console, with a reason
    sign_in(page, regulator.username, PASSWORD)
    page.fill("#id_token", current_totp(regulator))
    page.click("button.primary")
    page.wait_for_url("**/console/")
    page.goto(f"/console/operators/{profile.pk}/")
    page.fill("form:has(#suspend) textarea", "安全评估过期")
    with page.expect_navigation():
        page.click("#suspend")
    # then its agreement is suspended at once and gone from the public disclosure
    assert AuthorizationAgreement.objects.get(pk=agreement.pk).status == "suspended"
    page.goto("/disclosure/")
    assert agreement.number not in page.content()
    # and lifting the suspension restores exactly that agreement
    page.goto(f"/console/operators/{profile.pk}/")
    with page.expect_navigation():
        page.click("#reinstate")
    assert AuthorizationAgreement.objects.get(pk=agreement.pk).status == "effective"
    page.goto("/disclosure/")
    assert agreement.number in page.content()
