"""Per-source rate limits on intake: a fixed window counted in Django's cache."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(scope: str, source: str, per_minute: int, now: float | None = None) -> tuple[bool, int]:
    """Count one request of ``source`` in ``scope``; (allowed, seconds until the window resets).

    The default cache is per process; a deployment with several processes sets CACHES to Redis or the
    database so that the limit holds across them."""
    now = time.time() if now is None else now
    window = int(now // 60)
    key = f"aduan:rate:{scope}:{source}:{window}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
    return count <= per_minute, 60 - int(now % 60)
