"""Masking only gets stricter (issue 8, §3.5): no personal field takes a rule weaker than
its default, short addresses are masked too, and pseudonyms have their own key."""

import pytest

from apps.catalog import services
from apps.catalog.ingest import selectors
from apps.catalog.masking import mask_value
from apps.core.exceptions import InvalidInput
from tests.catalog.conftest import payload
from tests.catalog.ingest.conftest import ROWS, csv_bytes, ingest

pytestmark = pytest.mark.django_db


def with_field(**field) -> dict:
    return payload(fields=[{"name": "person", "label": "人", **field}])


@pytest.mark.parametrize("weaker", ["partial", "name", "address", "hash"])
def test_a_sensitive_field_refuses_a_mask_weaker_than_removal(provider, weaker):
    with pytest.raises(InvalidInput) as error:
        services.resource_create(
            user=provider, data=with_field(personal_info="sensitive", masking=weaker)
        )
    assert "fields" in error.value.details


def test_a_sensitive_field_keeps_removal(provider):
    resource = services.resource_create(
        user=provider, data=with_field(personal_info="sensitive", masking="redact")
    )
    assert resource.fields.get().masking == "redact"


@pytest.mark.parametrize("rule", ["partial", "mobile", "hash", "redact"])
def test_a_personal_field_takes_its_default_or_anything_stronger(provider, rule):
    resource = services.resource_create(
        user=provider, data=with_field(personal_info="personal", masking=rule)
    )
    assert resource.fields.get().masking == rule


def test_a_sensitive_field_cannot_be_weakened_by_an_edit(provider):
    resource = services.resource_create(
        user=provider, data=with_field(personal_info="sensitive", masking="redact")
    )
    with pytest.raises(InvalidInput):
        services.resource_update(
            resource=resource,
            user=provider,
            data=with_field(personal_info="sensitive", masking="partial"),
        )


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("北京", "北****"),
        ("东城区1号", "东城****"),
        ("北京市东城区", "北京市****"),
        ("北京市东城区1号", "北京市东****"),
        ("北京市东城区东华门街道1号", "北京市东城区****"),
    ],
)
def test_an_address_never_shows_more_than_half_of_itself(address, masked):
    assert mask_value("address", address) == masked


def test_the_preview_pseudonymizes_with_the_pseudonym_key_not_the_secret_key(
    provider, resource, settings
):
    resource.fields.filter(name="mobile").update(masking="hash")
    ingest(resource, provider, csv_bytes(ROWS))
    resource.refresh_from_db()

    def mobile_column():
        preview = selectors.dataset_preview(resource=resource, user=provider)
        names = [c["name"] for c in preview["columns"]]
        return preview["rows"][0][names.index("mobile")]

    before = mobile_column()
    settings.SECRET_KEY = "a-rotated-site-secret"
    assert mobile_column() == before
    assert before.startswith(f"h1:{settings.CATALOG_PSEUDONYM_KEY_ID}:")
    settings.CATALOG_PSEUDONYM_KEYS = {"k2": "another-pseudonym-key"}
    settings.CATALOG_PSEUDONYM_KEY_ID = "k2"
    assert mobile_column().startswith("h1:k2:")


def test_a_field_saved_with_a_weaker_mask_before_the_rule_is_read_with_its_default(
    provider, resource
):
    # Written around the validation, as rows saved before it was enforced were.
    resource.fields.filter(name="mobile").update(personal_info="sensitive", masking="partial")
    ingest(resource, provider, csv_bytes(ROWS))
    resource.refresh_from_db()
    preview = selectors.dataset_preview(resource=resource, user=provider)
    assert "mobile" not in [c["name"] for c in preview["columns"]]
