from io import StringIO

from django.core.management import call_command

from apps.catalog.choices import OpenType, PersonalInfo
from apps.products.choices import ProductStatus as P
from apps.products.models import DataProduct


def test_seed_demo_lists_a_free_open_product_and_a_masked_industrial_one(db):
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    call_command("seed_demo", force=True, stdout=StringIO())  # idempotent
    products = DataProduct.objects.filter(operator__code="data-operator")
    assert products.count() == 2 and {p.status for p in products} == {P.LISTED}
    free = products.get(use_type="public_welfare")
    assert (free.pricing_model, free.price) == ("free", 0)
    source = free.sources.select_related("resource").get()
    assert source.resource.open_type == OpenType.UNCONDITIONAL
    personal = source.resource.fields.filter(name__in=source.field_names)
    assert not personal.exclude(personal_info=PersonalInfo.NONE).exists()
    charged = products.get(use_type="industrial")
    assert charged.price <= charged.agreement.price_cap
    masked = {f["name"]: f["masking"] for f in charged.sources.get().fields}
    fields = charged.sources.get().resource.fields.filter(personal_info=PersonalInfo.PERSONAL)
    assert fields.exists()
    assert all(masked[f.name] != "none" for f in fields if f.name in masked)
    assert "listed" in out.getvalue()
