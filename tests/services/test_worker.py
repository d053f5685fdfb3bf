"""The worker's upkeep of the database: SQLite's planner statistics, refreshed every few hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from aduan.services import worker

pytestmark = pytest.mark.django_db


def _analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its statistics (autovacuum)")
def test_the_worker_gives_sqlite_planner_statistics_and_refreshes_them_every_few_hours() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")  # as Django leaves a new database
    assert "aduan_unit" not in _analysed_tables()

    now = timezone.now()
    poller = worker.Poller()
    assert worker.tick(now, poller=poller).optimized
    assert "aduan_unit" in _analysed_tables()  # the master data's tables: the planner now knows them

    assert not worker.tick(now + timedelta(hours=1), poller=poller).optimized
    assert worker.tick(now + timedelta(seconds=worker.OPTIMIZE_INTERVAL_S + 1), poller=poller).optimized


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")
def test_a_single_tick_without_a_poller_leaves_the_statistics_alone() -> None:
    # `aduan sweep` and the tests call tick() alone; only the long-running worker keeps time.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert not worker.tick(timezone.now()).optimized
    assert _analysed_tables() == set()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the PostgreSQL branch")
def test_on_postgresql_the_worker_leaves_statistics_to_autovacuum() -> None:
    assert worker.optimize_statistics() is False
