"""Fixtures for the service tests."""

from __future__ import annotations

import pytest

from aduan.models import Unit
from tests.factories import DinasFactory, SukuDinasFactory


@pytest.fixture
def dinas() -> Unit:
    """A dinas (under the Biro) with a suku dinas in Jakarta Pusat, made here so the tests do not need
    ../shared/data: UJIDINAS and UJIDINAS-31.71."""
    unit = DinasFactory(code="UJIDINAS", name="Dinas Uji")
    SukuDinasFactory(parent=unit, name="Suku Dinas Uji Jakarta Pusat")
    return unit
