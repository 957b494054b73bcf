from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.catalog import services as catalog
from apps.operators import services
from apps.operators.credit_code import check_character
from tests.catalog.conftest import payload, register

PDF = b"%PDF-1.4\n% test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def credit_code(serial: int = 1) -> str:
    first = f"91450100{serial:08d}X"[:17]
    return first + check_character(first)


@pytest.fixture(autouse=True)
def _files_dir(settings, tmp_path):
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"


def pdf(name="licence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def profile_data(**overrides) -> dict:
    data = {
        "credit_code": credit_code(),
        "legal_representative": "张三",
        "registered_address": "南宁市青秀区民族大道1号",
        "protection_level": "3",
        "protection_expires_on": date.today() + timedelta(days=400),
        "crypto_assessed": True,
        "crypto_expires_on": date.today() + timedelta(days=400),
        "security_officer_name": "李四",
        "security_officer_contact": "0771-1234567",
    }
    data.update(overrides)
    return data


def qualify(operator_admin, regulator):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    services.document_upload(profile=profile, user=operator_admin, kind="licence", upload=pdf())
    services.qualification_apply(profile=profile, user=operator_admin)
    services.qualification_start_review(profile=profile, reviewer=regulator)
    return services.qualification_approve(profile=profile, reviewer=regulator)


@pytest.fixture
def profile(operator_admin, regulator):
    return qualify(operator_admin, regulator)


@pytest.fixture
def resources(provider, regulator):
    """Two registered, authorizable resources."""
    first = register(catalog.resource_create(user=provider, data=payload()), provider, regulator)
    second = register(
        catalog.resource_create(user=provider, data=payload(name="企业年报", name_en="Reports")),
        provider,
        regulator,
    )
    return [first, second]


@pytest.fixture
def core_resource(provider, regulator):
    data = payload(
        name="电子病历", classification="core", general_grade=None, open_type="prohibited"
    )
    return register(catalog.resource_create(user=provider, data=data), provider, regulator)


def agreement_data(regulator, resources, **overrides) -> dict:
    start = timezone.localdate()
    data = {
        "authority": regulator.organization_id,
        "title": "公共数据授权运营协议",
        "mode": "domain",
        "domain": "市场监管",
        "term_start": start,
        "term_end": start + timedelta(days=3 * 365),
        "max_revenue": "1000000.00",
        "price_cap": "5000.00",
        "security_obligations": "原始数据不出域",
        "allowed_scenarios": ["credit", "finance"],
        "prohibited_uses": ["marketing"],
        "scope": [
            {"resource": resources[0].pk, "fields": ["credit_code", "reg_capital"]},
            {"resource": resources[1].pk, "fields": None},
        ],
    }
    data.update(overrides)
    return data


def signed(agreement, user):
    """The agreement with its signed document attached (required to submit it)."""
    upload = pdf("agreement-signed.pdf")
    return services.agreement_attach_document(agreement=agreement, user=user, upload=upload)


def make_effective(agreement, user, regulator):
    if not agreement.document_path:
        agreement = signed(agreement, user)
    agreement = services.agreement_submit(agreement=agreement, user=user)
    agreement = services.agreement_approve(agreement=agreement, reviewer=regulator)
    return services.agreement_close_notice(agreement_id=agreement.pk, now=agreement.notice_ends_at)


@pytest.fixture
def draft_agreement(profile, operator_admin, regulator, resources):
    """A draft with its signed document attached, ready to submit."""
    data = agreement_data(regulator, resources)
    return signed(services.agreement_create(user=operator_admin, data=data), operator_admin)


@pytest.fixture
def effective(draft_agreement, operator_admin, regulator):
    return make_effective(draft_agreement, operator_admin, regulator)
