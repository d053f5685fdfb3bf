"""Small per-process caches of the tables the intake path reads on every report (categories, units, SLA
targets).

An admin's change is seen at once in the process that made it (signals clear the cache) and within
``TTL_SECONDS`` in every other process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from aduan.models import Category, SlaTarget, Unit

TTL_SECONDS = 30.0

_lock = threading.Lock()
_categories: dict[str, tuple[float, Category | None]] = {}
_units: dict[str, tuple[float, Unit | None]] = {}
_sla_targets: dict[str, tuple[float, SlaTarget | None]] = {}

T = TypeVar("T")


def _cached(store: dict[str, tuple[float, T | None]], code: str, load: Callable[[], T | None]) -> T | None:
    hit = store.get(code)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = load()
    with _lock:
        store[code] = (time.monotonic() + TTL_SECONDS, value)
    return value


def active_category(code: str) -> Category | None:
    """The active category with this code (with its agency), or None."""
    return _cached(
        _categories,
        code,
        lambda: Category.objects.filter(code=code, active=True).select_related("agency").first(),
    )


def active_unit(code: str) -> Unit | None:
    """The active unit with this code, or None."""
    return _cached(
        _units, code, lambda: Unit.objects.filter(code=code, active=True).select_related("parent").first()
    )


def sla_target(category_id: int | None, jenis: str) -> SlaTarget | None:
    """The most specific SlaTarget row for the category and jenis: (category, jenis), else (none, jenis)."""

    def load() -> SlaTarget | None:
        wanted = Q(category__isnull=True)
        if category_id is not None:
            wanted |= Q(category_id=category_id)
        rows = SlaTarget.objects.filter(wanted, jenis=jenis)
        return min(rows, key=lambda row: row.category_id is None, default=None)

    return _cached(_sla_targets, f"{category_id}/{jenis}", load)


def clear(*args: Any, **kwargs: Any) -> None:
    with _lock:
        _categories.clear()
        _units.clear()
        _sla_targets.clear()


for _model in (Category, Unit, SlaTarget):
    post_save.connect(clear, sender=_model, dispatch_uid=f"aduan-lookups-{_model.__name__}-save")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"aduan-lookups-{_model.__name__}-delete")
