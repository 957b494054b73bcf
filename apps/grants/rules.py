"""Who may read and edit routing rules and the holiday calendar (apps.workflow.policy):
regulator admins and reviewers edit; other regulator users read; every signed-in
organization reads the calendar (deadlines are counted with it)."""

from apps.core.permissions import MANAGE, VIEW
from apps.grants.models import Holiday, RoutingRule, RuleSet
from apps.workflow.policy import ALL, ANY_ORG, DECIDERS, REGULATOR, register

for model in (RuleSet, RoutingRule):
    register(model).allow(VIEW, to=ALL, kinds=REGULATOR).allow(
        MANAGE, to=ALL, kinds=REGULATOR, roles=DECIDERS
    )

register(Holiday).allow(VIEW, to=ALL, kinds=ANY_ORG).allow(
    MANAGE, to=ALL, kinds=REGULATOR, roles=DECIDERS
)
