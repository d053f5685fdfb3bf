"""Small per-process caches of the tables the intake path reads on every report (categories, units).

An admin's change is seen at once in the process that made it (signals clear the cache) and within
``TTL_SECONDS`` in every other process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save

from aduan.models import Category, Unit

TTL_SECONDS = 30.0

_lock = threading.Lock()
_categories: dict[str, tuple[float, Category | None]] = {}
_units: dict[str, tuple[float, Unit | None]] = {}

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


def clear(*args: Any, **kwargs: Any) -> None:
    with _lock:
        _categories.clear()
        _units.clear()


for _model in (Category, Unit):
    post_save.connect(clear, sender=_model, dispatch_uid=f"aduan-lookups-{_model.__name__}-save")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"aduan-lookups-{_model.__name__}-delete")
