"""`{% with d=history|last_decision %}`: the latest move a regulator made (not the
applicant's submission, nor a timer's move, which has no actor), for the decision card
of a review page."""

from django import template
from django.utils.translation import gettext_lazy as _

from apps.workflow.system_notes import system_note as _system_note

register = template.Library()


@register.filter
def last_decision(history):
    decided = [
        row
        for row in history or []
        if getattr(row, "actor_id", None) and getattr(row.actor, "is_regulator", False)
    ]
    return decided[-1] if decided else None


@register.filter
def system_note(text):
    """A note the system wrote, in the reader's language (see apps.workflow.system_notes)."""
    return _system_note(text)


# Review stages are codes chosen by each service (catalog: "registration", ...); a stage
# not listed here is shown as its code.
STAGES = {
    "registration": _("Registration review"),
    "qualification": _("Qualification review"),
    "agreement": _("Agreement review"),
    "product": _("Product review"),
}


@register.filter
def stage_label(code: str) -> str:
    return STAGES.get(code, code)
