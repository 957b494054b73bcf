"""The kernel is exercised on real life cycles (catalog resources and agreements); outbox
test topics are registered for one test at a time."""

import pytest

from apps.workflow import outbox
from tests.catalog.conftest import draft, registered  # noqa: F401
from tests.operators.conftest import _files_dir, profile, resources  # noqa: F401
from tests.workflow.worker import private_queues  # noqa: F401  (a fixture)


@pytest.fixture
def topic(monkeypatch):
    """register(name, func, **options) for this test only; returns the calls list."""

    def add(name, func, **options):
        monkeypatch.setitem(outbox.HANDLERS, name, outbox.Handler(name, func, **options))
        return name

    return add
