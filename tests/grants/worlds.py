"""Applications, a grant and a key bound to it, for the worlds of the permission matrix
and the API fuzzer (so their requests reach real objects)."""

from apps.accounts import services as accounts
from apps.grants import access
from apps.grants import applications as application_services
from apps.products import services as products
from tests.grants.conftest import application_data, issued, run_checks
from tests.products.conftest import product_data


def listed_product(operator, regulator, agreement, resources, name="授权产品"):
    product = products.product_create(
        user=operator, data=product_data(agreement, resources, name=name)
    )
    products.product_submit(product=product, user=operator)
    return products.product_approve(product=product, reviewer=regulator)


def grant_objects(*, operator, merchant, product) -> dict:
    """A draft, an application waiting for the operator's review (with an attachment),
    and a grant with a bound key (`bound_raw` is that key's secret), on `product`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = application_services.application_create(user=merchant, data=application_data(product))
    reviewing = application_services.application_create(
        user=merchant, data=application_data(product)
    )
    attachment = application_services.application_attach(
        application=reviewing,
        user=merchant,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    reviewing = application_services.application_submit(application=reviewing, user=merchant)
    run_checks(reviewing)
    grant = issued(product, merchant, operator)
    key, raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="bound to a grant"
    )
    access.key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    return {
        "listed_product": product,
        "attachment": attachment,
        "draft_application": draft,
        "application": reviewing,
        "grant": grant,
        "bound_key": key,
        "bound_raw": raw,
    }
