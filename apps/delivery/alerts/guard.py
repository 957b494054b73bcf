"""The key guard of alerts (registered with apps.accounts.authentication): a key that an
alert suspended is refused on its very next request, until the regulator lifts it."""

from django.utils.translation import gettext as _

from apps.accounts.authentication import KeyRefused
from apps.delivery.alerts.services import held_check, key_held
from apps.delivery.sources import source_checks
from apps.grants.access import binding_kept


def key_checks(key_id: int) -> list:
    """What a request with this key checks in delivery, read with the key's stamps: this
    guard's lookup and, for a bound key, the stamps of its grant's sources (the record
    API reads one of them)."""
    binding = binding_kept(key_id)
    return [held_check(key_id), *(source_checks(binding.grant) if binding else [])]


def key_guard(key, request) -> None:
    if key_held(key.pk):
        raise KeyRefused("key_suspended", _("This key is suspended after an anomaly alert."))
