"""The public pages over 100,000 reports: the list, the map's data, kinerja unit, the report form's
suggestions, on SQLite and PostgreSQL.

    .venv/bin/python bench/public_pages.py             # both databases; writes bench/results/public-*.json
    ADUAN_BENCH_POSTGRES= .venv/bin/python bench/public_pages.py                # SQLite only
    ADUAN_BENCH_PUBLIC_REPORTS=20000 .venv/bin/python bench/public_pages.py     # a smaller table

The data is bench/queue_page.py's generator (100,000 reports over the units, 10 % private, 85 % with a
point, statuses, categories and clusters drawn from a seeded generator), plus a review for one selesai
case in five. For each database a child process migrates a fresh database, loads, analyses, then requests
each page through Django's test client as an anonymous resident: SQL timed query by query (a database
execute wrapper) and the whole request, p50/p99 over repeated requests. kinerja unit is measured with its
cache dropped before every request (the cost of the minute its cache is cold). The goal: every request's
SQL p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPORTS = int(os.environ.get("ADUAN_BENCH_PUBLIC_REPORTS", 100_000))
REPEATS = int(os.environ.get("ADUAN_BENCH_PUBLIC_REPEATS", 50))
WARMUP = 3
SEED = 20261201
GOAL_SQL_P99_MS = 50.0
REVIEWED_SHARE = 0.2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = child(Path(args.data) if args.data else None)
        Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0

    import subprocess

    import queue_page
    import results

    data = BENCH.parent.parent / "shared" / "data"
    shared = data.resolve() if (data / "agencies.csv").is_file() else None
    with contextlib.ExitStack() as stack:
        for database in queue_page.databases(stack):
            with tempfile.NamedTemporaryFile(prefix="aduan-public-", suffix=".json") as out:
                command = [sys.executable, str(Path(__file__).resolve()), "--child", "--out", out.name]
                if shared is not None:
                    command += ["--data", str(shared)]
                completed = subprocess.run(command, env=database.env(), check=False)
                if completed.returncode != 0:
                    raise RuntimeError(f"bench/public_pages.py --child failed on {database.name}")
                figures = json.loads(Path(out.name).read_text(encoding="utf-8"))
            record = {
                "benchmark": "public",
                "machine": results.machine_info(),
                "parameters": {
                    "database": database.name,
                    "reports": REPORTS,
                    "repeats": REPEATS,
                    "warmup": WARMUP,
                    "seed": SEED,
                    "reviewed_share_of_selesai": REVIEWED_SHARE,
                    "shared_data": str(shared) if shared else None,
                    "how": "Django test client in process, anonymous; SQL timed per query",
                },
                "results": figures,
                "goal": f"every public request's SQL p99 <{GOAL_SQL_P99_MS:g} ms at {REPORTS:,} reports",
                "meets_goal": figures["max_sql_p99_ms"] < GOAL_SQL_P99_MS,
            }
            path = results.write_result(f"public-{database.name}", record)
            print(f"bench: wrote {path.relative_to(results.REPO)}")
            print_summary(database.name, figures)
    return 0


def print_summary(name: str, figures: dict[str, Any]) -> None:
    print(f"\npublic-{name}: {figures['reports']:,} reports, {figures['reviews']:,} reviews")
    print(
        f"  {'scenario':<44}{'queries':>8}{'sql p50':>9}{'sql p99':>9}{'req p50':>9}{'req p99':>9}{'rows':>7}"
    )
    for scenario, row in figures["scenarios"].items():
        print(
            f"  {scenario:<44}{row['queries']:>8}{row['sql_ms']['p50']:>9}{row['sql_ms']['p99']:>9}"
            f"{row['request_ms']['p50']:>9}{row['request_ms']['p99']:>9}{row['rows']:>7}"
        )
    print(f"  slowest SQL p99: {figures['max_sql_p99_ms']} ms ({figures['slowest_scenario']})")


def child(shared_data: Path | None) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    import queue_page

    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup", *(["--data", str(shared_data)] if shared_data else []), verbosity=0)
    rng = random.Random(SEED)
    started = time.perf_counter()
    data = queue_page.generate(REPORTS, rng)
    reviews = add_reviews(rng)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE aduan_report")
            cursor.execute("VACUUM ANALYZE aduan_review")
        else:
            cursor.execute("ANALYZE")
    print(f"bench: public ({connection.vendor}): {REPORTS:,} reports in {loaded - started:.0f} s; measuring")
    scenarios = measure(data)
    slowest = max(scenarios, key=lambda name: scenarios[name]["sql_ms"]["p99"])
    return {
        "database_vendor": connection.vendor,
        "reports": data.summary["reports"],
        "reviews": reviews,
        "scenarios": scenarios,
        "max_sql_p99_ms": scenarios[slowest]["sql_ms"]["p99"],
        "slowest_scenario": slowest,
    }


def add_reviews(rng: random.Random) -> int:
    """A review for one selesai case in five, credited to its holder; a few reopened cases."""
    from aduan.models import Report, Review

    done = list(Report.objects.filter(status="selesai").values_list("pk", "holder_id"))
    chosen = rng.sample(done, int(len(done) * REVIEWED_SHARE))
    Review.objects.bulk_create(
        [
            Review(report_id=pk, unit_id=unit, stars=rng.choice((1, 2, 3, 4, 4, 5, 5, 5)))
            for pk, unit in chosen
        ],
        batch_size=2000,
    )
    reopened = [pk for pk, _unit in rng.sample(done, len(done) // 50)]
    Report.objects.filter(pk__in=reopened).update(reopens=1)
    return len(chosen)


def measure(data: Any) -> dict[str, dict[str, Any]]:
    from django.db import connection
    from django.test import Client

    from aduan.models import Report
    from aduan.services import reviews
    from queue_page import SqlTimer, _quantiles

    client = Client()
    hx = {"HX-Request": "true"}
    point = Report.objects.filter(
        lat__isnull=False, status="proses", visibility="public", category__isnull=False
    )
    near = point.values("lat", "lon", "description", "category__code").first() or {}
    scenarios: list[tuple[str, str, dict[str, str], dict[str, str], Any]] = [
        ("list: page 1 (whole page)", "/laporan-publik/", {}, {}, None),
        ("list: page 1 (htmx)", "/laporan-publik/", {}, hx, None),
        ("list: page 100 (htmx)", "/laporan-publik/", {"page": "100"}, hx, None),
        ("list: kelurahan (htmx)", "/laporan-publik/", {"kelurahan": data.kelurahan_code}, hx, None),
        (
            "list: category+terbuka (htmx)",
            "/laporan-publik/",
            {"category": data.category_code, "status": "terbuka"},
            hx,
            None,
        ),
        ("list: status selesai (htmx)", "/laporan-publik/", {"status": "selesai"}, hx, None),
        ("map: data, no filter (2,000)", "/peta/data.json", {}, {}, None),
        ("map: data, terbuka", "/peta/data.json", {"status": "terbuka"}, {}, None),
        ("map: data, kelurahan", "/peta/data.json", {"kelurahan": data.kelurahan_code}, {}, None),
        ("map: data, bbox (a kecamatan)", "/peta/data.json", {"bbox": "106.80,-6.20,106.84,-6.16"}, {}, None),
        ("map: page", "/peta/", {}, {}, None),
        ("kinerja: cache cold", "/kinerja/", {}, {}, reviews.forget_cached_figures),
        ("kinerja: cached", "/kinerja/", {}, {}, None),
        (
            "form: similar reports at a point",
            "/lapor/serupa/",
            {
                "description": str(near.get("description", "")),
                "lat": str(near.get("lat", "")),
                "lon": str(near.get("lon", "")),
                "category": str(near.get("category__code", "")),
            },
            {},
            None,
        ),
        (
            "form: category suggestion",
            "/lapor/kategori/",
            {"description": "jalan berlubang di depan sekolah"},
            {},
            None,
        ),
    ]
    figures: dict[str, dict[str, Any]] = {}
    for name, url, params, headers, before in scenarios:
        sql_ms, request_ms, counts = [], [], []
        rows = 0
        for number in range(WARMUP + REPEATS):
            if before is not None:
                before()
            timer = SqlTimer()
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                response = client.get(url, params, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {url} {params} answered {response.status_code}")
            if number < WARMUP:
                continue
            sql_ms.append(sum(ms for ms, _sql, _params in timer.queries))
            request_ms.append(elapsed)
            counts.append(len(timer.queries))
            if number == WARMUP:
                body = response.content.decode()
                if url.endswith(".json"):
                    rows = len(json.loads(body)["features"])
                else:
                    rows = (
                        body.count('<li id="public-')
                        + body.count('<tr id="kinerja-')
                        + body.count('class="similar-item"')
                    )
        figures[name] = {
            "url": url,
            "params": params,
            "queries": max(counts),
            "rows": rows,
            "sql_ms": _quantiles(sql_ms),
            "request_ms": _quantiles(request_ms),
        }
        row = figures[name]
        print(
            f"  {name}: sql p99 {row['sql_ms']['p99']} ms, request p99 {row['request_ms']['p99']} ms",
            flush=True,
        )
    return figures


if __name__ == "__main__":
    sys.exit(main())
