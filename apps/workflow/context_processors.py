"""The unread count in the header: one COUNT, for signed-in users only."""

from apps.workflow.notifications import unread_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
