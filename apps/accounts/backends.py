"""Password sign-in (Django's ModelBackend) that also refuses the people of a
deactivated organization, at sign-in and on every request of an open session."""

from django.contrib.auth.backends import ModelBackend


class ActiveOrganizationBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        organization = user.organization
        return organization is None or organization.is_active
