"""Application and grant pages stand on the grants fixtures: a listed product of the
operator (tests/grants/conftest.py)."""

from tests.delivery.conftest import grant, key_client  # noqa: F401  (alert pages)
from tests.grants.conftest import (  # noqa: F401  (fixtures)
    _files_dir,
    draft_agreement,
    draft_application,
    draft_product,
    effective,
    in_review,
    listed,
    profile,
    resources,
)
