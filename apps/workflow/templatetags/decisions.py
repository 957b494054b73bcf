"""`{% with d=history|last_decision %}`: the latest move a regulator made (not the
applicant's submission, nor a timer's move, which has no actor), for the decision card
of a review page."""

from django import template

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
