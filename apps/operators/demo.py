"""Demo operator for `manage.py seed_demo`: a qualified profile and an effective agreement
over the demo catalog's authorizable resources, made through the real services."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organization, User
from apps.catalog.models import DataResource
from apps.operators import services
from apps.operators.choices import IN_FORCE
from apps.operators.choices import QualificationStatus as Q
from apps.operators.credit_code import check_character
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from apps.workflow import notice

DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _demo_credit_code() -> str:
    first = "91450100MA5DE1X01"
    return first + check_character(first)


def _qualified_profile(admin: User, regulator: User) -> OperatorProfile:
    profile = OperatorProfile.objects.filter(organization=admin.organization).first()
    if profile is None:
        today = timezone.localdate()
        profile = services.profile_save(
            user=admin,
            data={
                "credit_code": _demo_credit_code(),
                "legal_representative": "陈明",
                "registered_address": "广西南宁市青秀区金湖路59号",
                "protection_level": "3",
                "protection_expires_on": today + timedelta(days=700),
                "crypto_assessed": True,
                "crypto_expires_on": today + timedelta(days=500),
                "security_officer_name": "刘安",
                "security_officer_contact": "0771-5550100",
            },
        )
        upload = SimpleUploadedFile("营业执照.pdf", DEMO_PDF, content_type="application/pdf")
        services.document_upload(profile=profile, user=admin, kind="licence", upload=upload)
    if profile.status == Q.DRAFT:
        services.qualification_apply(profile=profile, user=admin)
        services.qualification_start_review(profile=profile, reviewer=regulator)
        profile = services.qualification_approve(profile=profile, reviewer=regulator)
    return profile


@transaction.atomic
def seed(*, stdout) -> AuthorizationAgreement | None:
    operator_org = Organization.objects.get(code="data-operator")
    admin = User.objects.get(username="operator")
    regulator = User.objects.get(username="regulator")
    _qualified_profile(admin, regulator)
    existing = AuthorizationAgreement.objects.filter(operator=operator_org, status__in=IN_FORCE)
    if existing.exists():
        stdout.write(f"Operators: agreement {existing.first().number} already in force.")
        return existing.first()
    resources = [r for r in DataResource.objects.public().order_by("id") if r.is_authorizable]
    start = timezone.localdate()
    agreement = services.agreement_create(
        user=regulator,
        data={
            "operator": operator_org.pk,
            "title": "省公共数据资源授权运营协议",
            "mode": "overall",
            "term_start": start,
            "term_end": start + timedelta(days=3 * 365),
            "max_revenue": "50000000.00",
            "price_cap": "20000.00",
            "security_obligations": "原始数据不出域；数据可用不可见；全流程留痕。",
            "allowed_scenarios": ["普惠金融", "交通出行", "环境监测", "医疗服务"],
            "prohibited_uses": ["精准营销", "个人画像"],
            "scope": [{"resource": r.pk, "fields": None} for r in resources],
        },
    )
    signed = SimpleUploadedFile(
        "授权运营协议（签署版）.pdf", DEMO_PDF, content_type="application/pdf"
    )
    services.agreement_attach_document(agreement=agreement, user=admin, upload=signed)
    services.agreement_submit(agreement=agreement, user=admin)
    agreement = services.agreement_approve(agreement=agreement, reviewer=regulator)
    # The demo's notice ends now (not days ahead): nothing is dated in the future.
    ends = notice.notice_end_now(agreement)
    AuthorizationAgreement.objects.filter(pk=agreement.pk).update(notice_ends_at=ends)
    agreement = services.agreement_close_notice(agreement_id=agreement.pk, now=ends)
    stdout.write(
        f"Operators: {operator_org.name} qualified; agreement {agreement.number} effective "
        f"over {len(resources)} resources."
    )
    return agreement
