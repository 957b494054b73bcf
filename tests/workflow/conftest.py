"""Test topics registered for one test at a time."""

import pytest

from apps.workflow import outbox


@pytest.fixture
def topic(monkeypatch):
    """register(name, func, **options) for this test only; returns the calls list."""

    def add(name, func, **options):
        monkeypatch.setitem(outbox.HANDLERS, name, outbox.Handler(name, func, **options))
        return name

    return add
