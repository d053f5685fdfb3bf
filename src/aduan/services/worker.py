"""The background loop of `aduan worker`: inbox retries, outbox delivery, channel polls and deadlines."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from aduan.channels.base import PayloadError
from aduan.channels.registry import UnknownChannel, channel
from aduan.services import deadlines, intake, outbox

log = logging.getLogger("aduan.worker")

# The deadline sweep runs at most once a minute (deadlines are minutes apart at the finest), for at most
# SWEEP_BUDGET_S seconds: a large backlog (the first sweep after an upgrade) is worked off over several
# minutes while the inbox and the outbox keep moving.
SWEEP_INTERVAL_S = 60.0
SWEEP_BUDGET_S = 20.0
_SWEEP = "@sweep"  # its slot in the Poller, beside the kanal names

# SQLite plans from the statistics ANALYZE leaves, and Django never runs it: without them a queue filtered
# by category reads that category's cases city-wide instead of the unit's (docs/benchmarks.md). SQLite's
# advice is `PRAGMA optimize` every few hours on a long-lived connection, bounded by analysis_limit.
# PostgreSQL's autovacuum keeps its own statistics.
OPTIMIZE_INTERVAL_S = 6 * 3600.0
_OPTIMIZE = "@optimize"


@dataclass
class Tick:
    """What one round of the worker did."""

    processed: int = 0
    sent: int = 0
    polled: dict[str, int] = field(default_factory=dict)
    swept: deadlines.SweepResult | None = None
    optimized: bool = False


@dataclass
class Poller:
    """Remembers when each polling channel (LAPOR!) was last asked, so polls run at their own interval."""

    last: dict[str, datetime] = field(default_factory=dict)

    def due(self, kanal: str, interval_s: float, now: datetime) -> bool:
        before = self.last.get(kanal)
        if before is not None and now - before < timedelta(seconds=interval_s):
            return False
        self.last[kanal] = now
        return True


def tick(
    now: datetime | None = None, client: httpx.Client | None = None, poller: Poller | None = None
) -> Tick:
    """One round: poll channels that pull (when due), process the inbox, deliver the outbox. Idempotent:
    killing the worker at any point and running it again loses and duplicates nothing."""
    now = now or timezone.now()
    result = Tick()
    if poller is not None and client is not None:
        for kanal, config in settings.ADUAN_CHANNELS.items():
            interval = config.get("poll_interval_s")
            if not config.get("enabled", True) or not interval:
                continue
            if not poller.due(kanal, float(str(interval)), now):
                continue
            try:
                adapter = channel(kanal, settings.ADUAN_CHANNELS)
                items = adapter.poll(client)
                result.polled[kanal] = len(intake.store(kanal, items, "poll").new)
            except (UnknownChannel, PayloadError, httpx.HTTPError, OSError) as error:
                # An unreadable page or record at the provider: logged, nothing stored, asked again next time.
                log.warning("poll %s failed: %s", kanal, error)
    result.processed = intake.process_due(now)
    result.sent = outbox.deliver_due(now, client=client)
    if poller is None or poller.due(_SWEEP, SWEEP_INTERVAL_S, now):
        try:
            result.swept = deadlines.sweep(now, budget_s=SWEEP_BUDGET_S)
        except DatabaseError as error:  # logged; the next minute's sweep does what this one did not
            log.warning("deadline sweep failed: %s", error)
    if poller is not None and poller.due(_OPTIMIZE, OPTIMIZE_INTERVAL_S, now):
        result.optimized = optimize_statistics()
    return result


def optimize_statistics() -> bool:
    """Refresh SQLite's planner statistics where they are missing or stale; True if it ran (on SQLite)."""
    if connection.vendor != "sqlite":
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=1000")
            # 0x10002: every table, also those this connection has not used yet (a worker's first round).
            cursor.execute("PRAGMA optimize=0x10002")
    except DatabaseError as error:  # busy or read-only: the statistics wait for the next interval
        log.warning("PRAGMA optimize failed: %s", error)
        return False
    return True
