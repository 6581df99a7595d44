"""Fixtures of the numbering tests. The plan and the operators table are global data (they
belong to no account), so a test imports the plan it needs and restores what it edits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smscd.numbering import store
from tests.numbering.helpers import import_standard, started


@pytest.fixture
def standard_plan(backend: Any) -> Any:
    return import_standard(backend.engine)


@pytest.fixture
def api(backend: Any, clock: Any, standard_plan: Any) -> Iterator[Any]:
    """A client of an app started after the standard plan was imported."""
    with started(backend, clock) as client:
        yield client


@pytest.fixture
def operators_restored(backend: Any) -> Iterator[None]:
    """Put the operators table back as it was after a test that edits it."""
    with backend.engine.connect() as conn:
        saved = store.list_operators(conn)
    yield
    with backend.engine.begin() as conn:
        store.replace_operators(conn, saved)
