import pytest

from tests.conftest import login_web

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/console/", "/console/organizations/"])
def test_non_regulators_are_refused_the_console(web, operator_admin, url):
    login_web(web, operator_admin)
    assert web.get(url).status_code == 403


def test_the_console_lists_every_organization(web, regulator, merchant, provider):
    login_web(web, regulator)
    page = web.get("/console/organizations/").content.decode()
    assert merchant.organization.name in page and provider.organization.name in page
