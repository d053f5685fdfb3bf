"""The deadline sweep over 100,000 cases, on SQLite and PostgreSQL: the catch-up and the steady state.

    .venv/bin/python bench/sweep.py                 # both databases
    ADUAN_BENCH_POSTGRES= .venv/bin/python bench/sweep.py    # SQLite only
    .venv/bin/python bench/sweep.py --explain       # also prints the plans of the candidate queries

For each database a child process migrates a fresh database (a temp SQLite file; PostgreSQL at
ADUAN_BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432/aduan_bench_sweep, dropped and
recreated), runs `aduan setup`, bulk-creates the reports (a quarter
open, aged like a real backlog: most open cases are days old, some months; due dates from the defaults
of DESIGN.md §7) and then times:
- ``backfill``: due dates for 2,000 reports that have none (one sweep's share of an old backlog);
- ``catch_up``: the first sweep over the backlog for one minute (overdue cases flagged and escalated up
  their chains, late first responses reminded), in cases per second; the rest is then settled in bulk;
- ``steady``: the sweep a minute later, when nothing is due (what the worker pays every minute), median
  and maximum over repeats;
- ``minute``: the sweep after 200 cases became due within the last minute.
Prints a summary; writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPORTS = int(os.environ.get("ADUAN_BENCH_SWEEP_REPORTS", 100_000))
OPEN_SHARE = 0.25
REPEATS = 20
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/aduan_bench_sweep"
CATCH_UP_BUDGET_S = 60.0
EVENTS_PER_REPORT = 4
SEED = 20261110


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--explain", action="store_true", help="print the candidate queries' plans")
    args = parser.parse_args()
    if args.child:
        Path(args.out).write_text(json.dumps(child(args.explain), indent=2), encoding="utf-8")
        return 0
    import servers

    os.environ.setdefault("ADUAN_BENCH_POSTGRES", DEFAULT_POSTGRES_URL)
    with contextlib.ExitStack() as stack:
        targets = [servers.sqlite_database(Path(stack.enter_context(tempfile.TemporaryDirectory())))]
        url, reason = servers.postgres_url()
        if url is not None:
            print(f"bench: sweep: PostgreSQL {servers.recreate_postgres(url)} at {url} (recreated)")
            targets.append(
                servers.Database("postgresql", url, Path(stack.enter_context(tempfile.TemporaryDirectory())))
            )
        else:
            print(f"bench: SKIPPED sweep-postgresql: {reason}")
        for database in targets:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                command = [sys.executable, str(Path(__file__).resolve()), "--child", "--out", out.name]
                if args.explain:
                    command.append("--explain")
                subprocess.run(command, env=database.env(), check=True)
                figures = json.loads(Path(out.name).read_text(encoding="utf-8"))
            print(f"\nsweep-{database.name}: {json.dumps(figures, indent=2)}")
    return 0


def child(explain: bool) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection

    from aduan.services import deadlines

    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup", verbosity=0)
    started = time.perf_counter()
    now = generate(REPORTS, random.Random(SEED))
    print(f"bench: sweep ({connection.vendor}): {REPORTS:,} reports in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE aduan_report")
            cursor.execute("VACUUM ANALYZE aduan_reportevent")
    figures: dict[str, Any] = {"vendor": connection.vendor, "reports": REPORTS}
    with time_machine.travel(now, tick=False) as clock:
        started = time.perf_counter()
        done = deadlines.backfill(limit=2000)
        figures["backfill"] = {"reports": done, "s": round(time.perf_counter() - started, 2)}
        started = time.perf_counter()
        first = deadlines.sweep(budget_s=CATCH_UP_BUDGET_S)
        spent = time.perf_counter() - started
        figures["catch_up"] = {
            "cases": first.cases,
            "red_flags": first.red_flags,
            "escalations": first.escalations,
            "response_reminders": first.response_reminders,
            "s": round(spent, 1),
            "cases_per_s": round(first.cases / spent, 1) if spent else None,
            "stopped_early": first.stopped_early,
        }
        clock.shift(timedelta(minutes=1))
        figures["settled_by_sql"] = settle()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE aduan_report")
                cursor.execute("VACUUM ANALYZE aduan_reportevent")
        timings = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            quiet = deadlines.sweep()
            timings.append((time.perf_counter() - started) * 1000)
            assert quiet.cases == 0, quiet.actions[:5]
        figures["steady_ms"] = {
            "p50": round(statistics.median(timings), 1),
            "max": round(max(timings), 1),
        }
        figures["minute"] = minute(clock)
        if explain:
            figures["plans"] = plans()
    return figures


def settle() -> dict[str, int]:
    """What the rest of the catch-up would leave, written in bulk (working it off case by case would take
    the better part of an hour at the measured rate): every case near or past its deadline flagged,
    every overdue case escalated to the Biro, every late first response answered."""
    from django.db.models import F
    from django.utils import timezone

    from aduan.domain.calendar import add_working_days_at
    from aduan.domain.lifecycle import OPEN_STATUSES
    from aduan.models import Report
    from aduan.services import deadlines

    now = timezone.now()
    open_cases = Report.objects.filter(status__in=list(OPEN_STATUSES))
    return {
        "red_flag": open_cases.filter(completion_due_at__lte=add_working_days_at(now, 2)).update(
            red_flag=True
        ),
        "escalated": open_cases.filter(completion_due_at__lt=now).update(
            overdue=True, escalation_level=3, escalated_to=deadlines.biro()
        ),
        "responded": open_cases.filter(first_response_at__isnull=True, response_due_at__lt=now).update(
            first_response_at=F("response_due_at")
        ),
    }


def minute(clock: Any) -> dict[str, Any]:
    """200 open cases become due in the coming minute; the sweep a minute later flags them."""
    from django.utils import timezone

    from aduan.domain.lifecycle import OPEN_STATUSES
    from aduan.models import Report
    from aduan.services import deadlines

    now = timezone.now()
    ids = list(
        Report.objects.filter(status__in=list(OPEN_STATUSES), overdue=False, first_response_at__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    Report.objects.filter(id__in=ids).update(
        completion_due_at=now + timedelta(seconds=30), red_flag=True, overdue=False, escalation_level=0
    )
    clock.shift(timedelta(minutes=1))
    started = time.perf_counter()
    result = deadlines.sweep()
    return {"cases": result.cases, "ms": round((time.perf_counter() - started) * 1000, 1)}


def plans() -> dict[str, str]:
    from django.db import connection
    from django.utils import timezone

    from aduan.services import deadlines

    ctx = deadlines._Context()
    out = {}
    for name, query in zip(
        ("completion", "response"), deadlines._candidates(timezone.now(), ctx), strict=True
    ):
        ids = query.order_by().values_list("id", flat=True)  # as deadlines.sweep reads them
        out[name] = ids.explain(analyze=True) if connection.vendor == "postgresql" else ids.explain()
    return out


def generate(total: int, rng: random.Random) -> Any:
    """Bulk-creates ``total`` reports; returns the moment the backlog is looked at."""
    from datetime import datetime

    from django.db import transaction

    from aduan.domain import sla
    from aduan.domain.calendar import JAKARTA
    from aduan.domain.lifecycle import HOLDING_KINDS
    from aduan.domain.tickets import ALPHABET
    from aduan.models import Category, Report, ReportEvent, Unit

    now = datetime(2026, 11, 10, 10, 15, tzinfo=JAKARTA)
    units = list(Unit.objects.filter(kind__in=[k.value for k in HOLDING_KINDS]).order_by("id"))
    categories = list(Category.objects.order_by("code")) or [None]
    tickets: set[str] = set()
    rows = []
    for index in range(total):
        while True:
            raw = "".join(rng.choice(ALPHABET) for _ in range(8))
            ticket = f"{raw[:4]}-{raw[4:]}"
            if ticket not in tickets:
                tickets.add(ticket)
                break
        is_open = rng.random() < OPEN_SHARE
        age = min(rng.expovariate(1 / 20), 365) if is_open else rng.uniform(1, 730)
        created = now - timedelta(days=age, seconds=rng.randrange(86_400))
        category = rng.choice(categories)
        target = sla.default_target("pengaduan", category.sla_days if category else None)
        unit = rng.choice(units)
        legacy = index % 50 == 0  # 2%: from before deadlines existed
        rows.append(
            Report(
                ticket=ticket,
                category=category,
                description="Jalan berlubang di depan sekolah",
                status=rng.choice(("menunggu", "proses", "proses", "koordinasi")) if is_open else "selesai",
                holder=unit,
                first_holder=unit,
                channel="web",
                created_at=created,
                response_due_at=None if legacy else sla.response_due(created, target),
                completion_due_at=None if legacy else sla.completion_due(created, target),
                first_response_at=None if rng.random() < 0.2 else created + timedelta(hours=3),
            )
        )
    field = Report._meta.get_field("created_at")
    field.auto_now_add = False  # the drawn ages, not the moment of the bulk insert
    try:
        with transaction.atomic():
            made = Report.objects.bulk_create(rows, batch_size=2000)
    finally:
        field.auto_now_add = True
    # A history like a real one (submit, accept, a comment, …), so that the queries on events meet a
    # table of realistic size.
    events = [
        ReportEvent(
            report=report,
            action=("submit", "accept", "comment", "ask")[step],
            actor_kind="system",
            to_status=report.status,
            holder_id=report.holder_id,
        )
        for report in made
        for step in range(EVENTS_PER_REPORT)
    ]
    with transaction.atomic():
        ReportEvent.objects.bulk_create(events, batch_size=5000)
    return now


if __name__ == "__main__":
    sys.exit(main())
