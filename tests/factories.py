import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import Membership, Organization, User

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"机构{n}")
    name_en = factory.Sequence(lambda n: f"Organization {n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganizationKind.MERCHANT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(
    kind: OrganizationKind, role: Role = Role.ADMIN, organization=None, **user_kwargs
) -> User:
    """A user in an organization of the given kind (a new one unless given)."""
    org = organization or OrganizationFactory(kind=kind)
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, organization=org, role=role)
    return User.objects.get(pk=user.pk)


def totp_device(user: User, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)
