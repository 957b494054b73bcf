"""Demo data for the whole platform: organizations, users and API keys, then the demo
catalog and operator. It lives in the top layer (console) because it seeds every app.
Idempotent: running it twice changes nothing."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts import services
from apps.accounts.choices import OrganizationKind as Kind
from apps.accounts.choices import Role
from apps.accounts.models import ApiKey, Organization, User

ORGANIZATIONS = [
    # code, kind, Chinese name, English name, [(username, role)]
    (
        "data-bureau",
        Kind.REGULATOR,
        "省数据局",
        "Provincial Data Administration",
        [("regulator", Role.ADMIN)],
    ),
    (
        "market-regulation",
        Kind.PROVIDER,
        "省市场监督管理局",
        "Market Regulation Administration",
        [("provider-market", Role.ADMIN)],
    ),
    (
        "transport",
        Kind.PROVIDER,
        "省交通运输厅",
        "Department of Transport",
        [("provider-transport", Role.ADMIN)],
    ),
    (
        "environment",
        Kind.PROVIDER,
        "省生态环境厅",
        "Department of Ecology and Environment",
        [("provider-environment", Role.ADMIN)],
    ),
    (
        "health",
        Kind.PROVIDER,
        "省卫生健康委员会",
        "Health Commission",
        [("provider-health", Role.ADMIN)],
    ),
    (
        "data-operator",
        Kind.OPERATOR,
        "省公共数据运营有限公司",
        "Provincial Public Data Operation Co.",
        [("operator", Role.ADMIN), ("operator-reviewer", Role.REVIEWER)],
    ),
    (
        "merchant-a",
        Kind.MERCHANT,
        "星图数据科技有限公司",
        "Startrace Data Technology Ltd.",
        [("merchant-a", Role.ADMIN)],
    ),
    (
        "merchant-b",
        Kind.MERCHANT,
        "惠民征信服务有限公司",
        "Huimin Credit Services Ltd.",
        [("merchant-b", Role.ADMIN)],
    ),
]
KEYED_ORGS = ("data-operator", "merchant-a", "merchant-b")


class Command(BaseCommand):
    help = "Create demo organizations, users and API keys (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="password for new demo users")
        parser.add_argument(
            "--force",
            action="store_true",
            help="allow outside the embedded default, DEBUG or tests",
        )

    @transaction.atomic
    def handle(self, *args, password=None, force=False, **options):
        if not (settings.DEBUG or settings.DEMO_DATA_ALLOWED or force):
            raise CommandError(
                "seed_demo runs only on the embedded default or with DEBUG on; "
                "pass --force if you mean it"
            )
        password = password or settings.DEMO_PASSWORD
        logins, new_keys = [], []
        for code, kind, name, name_en, people in ORGANIZATIONS:
            org = Organization.objects.filter(code=code).first() or services.organization_create(
                name=name, kind=kind, code=code, name_en=name_en
            )
            for username, role in people:
                if not User.objects.filter(username=username).exists():
                    services.user_create(
                        username=username,
                        password=password,
                        organization=org,
                        role=role,
                        email=f"{username}@example.org",
                    )
                logins.append((username, org.name, kind.label, role.label))
            if (
                code in KEYED_ORGS
                and not ApiKey.objects.filter(organization=org, name="demo").exists()
            ):
                admin = User.objects.get(username=people[0][0])
                _key, raw = services.api_key_create(organization=org, created_by=admin, name="demo")
                new_keys.append((org.name, raw))
        if not User.objects.filter(username="admin").exists():
            services.user_create(
                username="admin",
                password=password,
                email="admin@example.org",
                is_staff=True,
                is_superuser=True,
            )
        self._report(logins, new_keys, password)
        from apps.catalog import demo as catalog_demo

        catalog_demo.seed(stdout=self.stdout)
        from apps.operators import demo as operators_demo

        operators_demo.seed(stdout=self.stdout)
        from apps.products import demo as products_demo

        products_demo.seed(stdout=self.stdout)
        from apps.grants import demo as grants_demo

        grant, raw, reviewed = grants_demo.seed(stdout=self.stdout)
        from apps.delivery import demo as delivery_demo

        delivery_demo.seed(grant=grant, stdout=self.stdout)
        self._report_pages(grant, reviewed)
        self._report_grant(grant, raw)

    def _report_pages(self, grant, reviewed):
        """Where merchant-a sees its data in the portal (signed in as merchant-a)."""
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/portal/grants"
        out = self.stdout
        for held in (g for g in (grant, reviewed) if g is not None):
            modes = held.scope.get("delivery_modes") or []
            out.write(f"Grant {held.number} (merchant-a, {held.product.name}):")
            out.write(f"  grant page:   {base}/{held.pk}/")
            out.write(f"  data browser: {base}/{held.pk}/data/")
            if "bulk_export" in modes:
                out.write(f"  exports:      {base}/{held.pk}/exports/")
            if "sandbox_only" in modes:
                out.write(f"  sandbox:      {base}/{held.pk}/sandbox/")

    def _report_grant(self, grant, raw):
        """Last, so that the key and how to call with it are what the console ends on."""
        from apps.grants.demo import KEY_NAME

        if grant is None:
            return
        out = self.stdout
        port = os.environ.get("PORT", "8000")
        url = f"http://127.0.0.1:{port}/api/v1/grants/{grant.pk}/"
        out.write(f"Grant {grant.number} (merchant-a) has a bound API key, which reads only it:")
        if raw:
            out.write(f"  key (shown once): {raw}")
            out.write(f'  curl -H "Authorization: Bearer {raw}" {url}')
        else:
            out.write(f"  the key named {KEY_NAME!r} was shown when it was created")
            out.write(f'  curl -H "Authorization: Bearer <key>" {url}')

    def _report(self, logins, new_keys, password):
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data ready."))
        out.write(f"Demo users (password for newly created users: {password}):")
        for username, org, kind, role in logins:
            out.write(f"  {username:<20} {org} · {kind} · {role}")
        out.write("  admin                Django admin superuser (TOTP enrolment on first sign-in)")
        out.write("Regulators and superusers enrol a TOTP authenticator at first sign-in.")
        if new_keys:
            out.write("New API keys (shown once):")
            for org, raw in new_keys:
                out.write(f"  {org}: {raw}")
