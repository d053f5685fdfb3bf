"""Who-sees-what over 100,000 cases: services/access.py's queries timed on SQLite and PostgreSQL.

    .venv/bin/python bench/access_scope.py             # both databases
    .venv/bin/python bench/access_scope.py --explain   # also prints the query plans
    ADUAN_BENCH_POSTGRES= .venv/bin/python bench/access_scope.py   # SQLite only

For each database a child process migrates a fresh database (a temp SQLite file; PostgreSQL at
ADUAN_BENCH_POSTGRES, dropped and recreated), loads the regions and units, adds a dinas with a suku dinas
per kota, bulk-creates 100,000 cases with 3 events each on average (submitted to a kelurahan, a third
forwarded to a suku dinas, some copied to the kelurahan or escalated to the kecamatan), then times, as a
lurah, a camat (head), a kota supervisor, a suku dinas officer and the Biro: the first 50 open visible
cases by deadline, the count of visible cases, and can_view on cases inside and outside the scope.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

REPORTS = int(os.environ.get("ADUAN_BENCH_ACCESS_REPORTS", 100_000))
REPEATS = int(os.environ.get("ADUAN_BENCH_ACCESS_REPEATS", 30))
SEED = 20260302


def child(explain: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from aduan.domain.lifecycle import OPEN_STATUSES, UnitKind
    from aduan.models import Agency, Officer, Report, ReportEvent, Unit
    from aduan.services import access, masterdata

    call_command("migrate", verbosity=0)
    masterdata.load_regions()
    masterdata.build_units()
    biro = Unit.objects.get(code="BIROPEM")
    agency = Agency.objects.create(code="BENCHDINAS", name="Dinas Bench", kind="dinas", has_suku_dinas=True)
    dinas = Unit.objects.create(code="BENCHDINAS", name="Dinas Bench", kind=UnitKind.DINAS, parent=biro)
    sudin = [
        Unit.objects.create(
            code=f"BENCHDINAS-{kota.region.code}",
            name=f"Suku Dinas Bench {kota.name}",
            kind=UnitKind.SUKU_DINAS,
            agency=agency,
            parent=dinas,
        )
        for kota in Unit.objects.filter(kind=UnitKind.KOTA).select_related("region")
    ]
    # Jakarta Pusat's kelurahan first: the ten busiest are there (and the timed officers with them).
    kelurahan = sorted(
        Unit.objects.filter(kind=UnitKind.KELURAHAN).select_related("parent"),
        key=lambda u: (not u.code.startswith("KEL-31.71."), u.code),
    )
    rng = random.Random(SEED)
    # A few busy kelurahan carry much of the load, as in Jakarta.
    weights = [40 if i < 10 else 3 for i in range(len(kelurahan))]
    open_statuses = [s.value for s in OPEN_STATUSES]
    now = timezone.now()
    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, REPORTS, batch):
        rows = []
        plans = []
        for n in range(start, min(start + batch, REPORTS)):
            first = rng.choices(kelurahan, weights)[0]
            forwarded = rng.random() < 0.33
            holder = rng.choice(sudin) if forwarded else first
            status = rng.choice(open_statuses) if rng.random() < 0.25 else "selesai"
            escalated = first.parent if rng.random() < 0.05 else None
            rows.append(
                Report(
                    ticket=f"B{n:07d}",
                    description="Saluran air tersumbat",
                    status=status,
                    holder=holder,
                    first_holder=first,
                    channel="web",
                    escalated_to=escalated,
                    completion_due_at=now + timedelta(hours=rng.randint(-200, 400)),
                )
            )
            plans.append((first, holder, forwarded, rng.random() < 0.05))
        created = Report.objects.bulk_create(rows)
        events = []
        copies = []
        for report, (first, holder, forwarded, copied) in zip(created, plans, strict=True):
            events.append(
                ReportEvent(
                    report=report, action="submit", actor_kind="system", to_status="menunggu", holder=first
                )
            )
            events.append(
                ReportEvent(
                    report=report,
                    action="accept",
                    actor_kind="officer",
                    actor_unit=first,
                    from_status="menunggu",
                    to_status="proses",
                    holder=first,
                )
            )
            if forwarded:
                events.append(
                    ReportEvent(
                        report=report,
                        action="koordinasi",
                        actor_kind="officer",
                        actor_unit=first,
                        target=holder,
                        from_status="proses",
                        to_status="koordinasi",
                        holder=holder,
                    )
                )
            if copied:
                copies.append(Report.copied_units.through(report_id=report.pk, unit_id=first.pk))
        ReportEvent.objects.bulk_create(events)
        Report.copied_units.through.objects.bulk_create(copies)
    load_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a running database would have

    user_model = get_user_model()
    busiest = kelurahan[0]

    def officer(name: str, unit: Unit, role: str) -> Officer:
        return Officer.objects.create(user=user_model.objects.create(username=name), unit=unit, role=role)

    officers = {
        "lurah (busy kelurahan)": officer("lurah", busiest, Officer.Role.OFFICER),
        "camat (head)": officer("camat", busiest.parent, Officer.Role.HEAD),
        "kota supervisor": officer("pengawas", busiest.parent.parent, Officer.Role.SUPERVISOR),
        "suku dinas officer": officer("sudin", sudin[0], Officer.Role.OFFICER),
        "Biro (all)": officer("biro", biro, Officer.Role.OFFICER),
    }
    sample = list(Report.objects.order_by("?").values_list("pk", flat=True)[:REPEATS])
    result: dict[str, Any] = {
        "database": connection.vendor,
        "reports": Report.objects.count(),
        "events": ReportEvent.objects.count(),
        "load_s": round(load_s, 1),
        "officers": {},
    }

    def timed(call: Callable[[], Any]) -> dict[str, float]:
        call()
        runs = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            call()
            runs.append((time.perf_counter() - t) * 1000)
        runs.sort()
        return {
            "p50_ms": round(statistics.median(runs), 2),
            "p99_ms": round(runs[int(len(runs) * 0.99) - 1], 2),
        }

    cases = list(Report.objects.filter(pk__in=sample))
    for label, who in officers.items():
        who = Officer.objects.select_related("unit").get(pk=who.pk)  # a request's fresh officer

        def first_page(who: Officer = who) -> list[Report]:
            visible = access.visible_reports(who).filter(status__in=open_statuses)
            return list(visible.order_by("completion_due_at", "id")[:50])

        row = {
            "scope_units": len(access.scope_unit_ids(who)) if not access.sees_everything(who) else "all",
            "visible": access.visible_reports(who).count(),
            "first_50_open_by_deadline": timed(first_page),
            "count_visible": timed(lambda who=who: access.visible_reports(who).count()),
            "can_view_30_cases": timed(lambda who=who: [access.can_view(who, r) for r in cases]),
            "scope_walk": timed(lambda who=who: access.subtree_ids(who.unit_id)),
        }
        result["officers"][label] = row
        if explain and label == "camat (head)":
            qs = (
                access.visible_reports(who)
                .filter(status__in=open_statuses)
                .order_by("completion_due_at", "id")[:50]
            )
            result["plan"] = qs.explain()
            result["sql"] = str(qs.query)
    return result


def run(url: str | None, explain: bool) -> dict[str, Any]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="aduan.settings")
    with tempfile.TemporaryDirectory() as tmp:
        env["ADUAN_VAR_DIR"] = tmp
        env["ADUAN_DATABASE_URL"] = url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if url:
            import psycopg

            base, name = url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        out = subprocess.run(
            [sys.executable, __file__, "--child", *(["--explain"] if explain else [])],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.explain)))
        return
    targets: list[str | None] = [None]
    postgres = os.environ.get(
        "ADUAN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/aduan_bench_access"
    )
    if postgres:
        targets.append(postgres)
    for url in targets:
        result = run(url, args.explain)
        plan = result.pop("plan", None)
        sql = result.pop("sql", None)
        print(json.dumps(result, indent=2))
        if plan:
            print(sql)
            print(plan)


if __name__ == "__main__":
    main()
