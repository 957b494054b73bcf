"""The rows an API key request reads first: the key, its organization, its creator and
the creator's membership, in one query, kept per process while unchanged
(apps.core.rowcache)."""

from apps.accounts.models import ApiKey, Membership, Organization, User
from apps.core.rowcache import RowCache, read_together, stamps_read, with_stamps


def _key_rows_sql(stamps: str) -> str:
    key, org, user, member = _keys.tables
    return (
        f'SELECT {stamps} FROM "{key}" JOIN "{org}" ON "{org}".id = "{key}".organization_id '  # noqa: S608
        f'JOIN "{user}" ON "{user}".id = "{key}".created_by_id '
        f'LEFT JOIN "{member}" ON "{member}".user_id = "{user}".id WHERE "{key}".prefix = %s'
    )


# The key, its organization, its creator and the creator's membership: the rows every
# request with a key reads, kept while unchanged (apps.core.rowcache).
_keys = RowCache(
    tuple(model._meta.db_table for model in (ApiKey, Organization, User, Membership)),
    _key_rows_sql,
)


def key_with_prefix(prefix: str, also=()) -> ApiKey | None:
    """The key with this prefix. `also`: callables `(key id) -> [Check]` naming the rows
    the request checks next, read in the same SELECT as the key's stamps."""
    kept = _keys.kept(prefix) if also else None
    if kept is not None:
        try:
            checks = [c for more in also for c in more(kept.pk)]
        except (AttributeError, KeyError, TypeError, ValueError):  # kept rows it cannot read
            checks = []  # ahead: each check then asks for itself, as it would anyway
        read_together([_keys.check(prefix, [prefix]), *checks])

    def load(stamps):
        rows = ApiKey.objects.select_related("organization", "created_by__membership")
        key = with_stamps(rows, stamps).filter(prefix=prefix).first()
        return key, stamps_read(key)

    return _keys.get(prefix, [prefix], load)
