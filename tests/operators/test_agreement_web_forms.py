"""The agreement pages offer only what can be authorized and take the signed document."""

import pytest
from django.test import Client

from tests.conftest import login_web
from tests.operators.conftest import pdf

pytestmark = pytest.mark.django_db


def test_the_agreement_scope_offers_only_resources_that_can_be_authorized(
    profile, operator_admin, resources, core_resource
):
    client = login_web(Client(), operator_admin)
    form = client.get("/portal/agreements/new/").context["form"]
    offered = set(form.fields["resources"].queryset)
    assert set(resources) <= offered and core_resource not in offered


def test_the_signed_agreement_is_uploaded_on_the_web(draft_agreement, operator_admin, regulator):
    client = login_web(Client(), operator_admin)
    page = client.get(f"/portal/agreements/{draft_agreement.pk}/").content.decode()
    assert 'id="signed-document"' in page
    url = f"/portal/agreements/{draft_agreement.pk}/signed-document/"
    response = client.post(url, {"file": pdf("协议.pdf")})
    assert response["Location"] == f"/portal/agreements/{draft_agreement.pk}/"
    draft_agreement.refresh_from_db()
    assert draft_agreement.document_name == "协议.pdf" and draft_agreement.document_sha256
    console = login_web(Client(), regulator)
    response = console.post(url, {"file": pdf("签署版.pdf")})
    assert response["Location"] == f"/console/agreements/{draft_agreement.pk}/"
