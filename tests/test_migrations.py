"""The schema the migrations leave: the queue's indexes on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _report_indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "aduan_report")


def test_the_queue_reads_a_covering_index_by_holder_status_and_deadline() -> None:
    index = _report_indexes()["report_queue_idx"]
    assert index["columns"] == [
        "holder_id",
        "status",
        "completion_due_at",
        "created_at",
        "id",
        "overdue",
        "red_flag",
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_sqlite_counts_a_units_queue_from_the_index_alone() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT status, COUNT(status) FROM aduan_report "
            "WHERE holder_id = 1 AND status IN ('menunggu', 'diproses') GROUP BY status"
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX report_queue_idx" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_has_a_trigram_index_for_the_queues_text_search() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'report_description_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition and "upper(description)" in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_queues_icontains_search_can_use_the_trigram_index() -> None:
    from aduan.models import Report

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: force the planner to say
    plan = Report.objects.filter(description__icontains="jalan berlubang").order_by().explain()
    assert "report_description_trgm" in plan
