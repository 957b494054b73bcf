"""The key guard of alerts (registered with apps.accounts.authentication): a key that an
alert suspended is refused on its very next request, until the regulator lifts it."""

from django.utils.translation import gettext as _

from apps.accounts.authentication import KeyRefused
from apps.delivery.alerts.services import key_held


def key_guard(key, request) -> None:
    if key_held(key.pk):
        raise KeyRefused("key_suspended", _("This key is suspended after an anomaly alert."))
