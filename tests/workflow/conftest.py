"""The kernel is exercised on real life cycles: catalog resources and agreements."""

from tests.catalog.conftest import draft, registered  # noqa: F401
from tests.operators.conftest import _files_dir, profile, resources  # noqa: F401
