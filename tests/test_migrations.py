"""The schema the migrations leave: the queue's indexes on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tests.conftest import run_aduan

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_a_role_that_may_not_create_pg_trgm_still_migrates_without_the_trigram_index() -> None:
    import psycopg

    params = connection.settings_dict
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    role, database = f"aduan_plain_{os.getpid()}", f"aduan_notrgm_{os.getpid()}"
    server_url = f"postgresql://{params.get('USER') or 'postgres'}@{host}:{port}"
    admin, scratch = f"{server_url}/postgres", f"{server_url}/{database}"
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {database}")
        server.execute(f"DROP ROLE IF EXISTS {role}")
        server.execute(f"CREATE ROLE {role} LOGIN")
        server.execute(f"CREATE DATABASE {database}")  # owned by the admin: the role may not add extensions
    try:
        with psycopg.connect(scratch, autocommit=True) as db:
            db.execute(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}")
        migrated = run_aduan(
            "migrate", "aduan", ADUAN_DATABASE_URL=f"postgresql://{role}@{host}:{port}/{database}"
        )
        assert migrated.returncode == 0, migrated.stderr
        assert "pg_trgm is not available" in migrated.stdout
        with psycopg.connect(scratch) as db:
            names = {row[0] for row in db.execute("SELECT indexname FROM pg_indexes").fetchall()}
        assert "report_queue_idx" in names and "report_description_trgm" not in names
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            server.execute(f"DROP ROLE IF EXISTS {role}")
