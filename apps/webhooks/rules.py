"""Who may do what with webhook endpoints and deliveries (see apps.workflow.policy).

Operators and merchants register endpoints: the organization's admins manage them and
send deliveries again, its members read them; the regulator reads all of them (never
the secrets, which are not readable at all after creation); nobody else sees any."""

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import MANAGE, VIEW
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.workflow.policy import ADMINS, ALL, OWN, REGULATOR, register

WEBHOOK_KINDS = frozenset({OrganizationKind.OPERATOR, OrganizationKind.MERCHANT})

for model in (WebhookEndpoint, WebhookDelivery):
    (
        register(model, owner="organization_id")
        .allow(VIEW, to=OWN, kinds=WEBHOOK_KINDS)
        .allow(MANAGE, to=OWN, kinds=WEBHOOK_KINDS, roles=ADMINS)
        .allow(VIEW, to=ALL, kinds=REGULATOR)
    )
