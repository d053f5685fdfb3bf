"""The officers' queue over 100,000 cases: the SQL of each queue request, on SQLite and PostgreSQL.

    .venv/bin/python bench/queue_page.py              # both databases; writes bench/results/queue-*.json
    .venv/bin/python bench/queue_page.py --explain    # also prints the plan of each request's slowest query
    ADUAN_BENCH_POSTGRES= .venv/bin/python bench/queue_page.py                 # SQLite only
    ADUAN_BENCH_QUEUE_INDEX='CREATE INDEX …' .venv/bin/python bench/queue_page.py  # try an index first
    ADUAN_BENCH_QUEUE_INDEX_POSTGRESQL='CREATE …; CREATE …'   # statements for PostgreSQL only
    ADUAN_BENCH_ONLY=queue-postgresql .venv/bin/python bench/queue_page.py     # one database
    ADUAN_BENCH_QUEUE_ANALYZE=0 .venv/bin/python bench/queue_page.py  # no planner statistics

`make bench` runs it too (ADUAN_BENCH_ONLY=queue selects it). For each database a child process
migrates a fresh database (a temp SQLite file; PostgreSQL at ADUAN_BENCH_POSTGRES, dropped and
recreated), loads the master data, bulk-creates 100,000 reports over the units (most units have tens of
cases, a dozen have thousands; statuses, categories, kanal, deadlines, clusters and points drawn from a
seeded generator), then requests the queue pages through Django's test client as officers of the
largest unit and of a typical one: the first page, filters, a deep page, text and ticket search, the
counts fragment and the map JSON. Each request's SQL is timed query by query (a database execute
wrapper), and p50/p99 are taken over repeated requests. The goal: every request's SQL p99 < 50 ms.

The file is not called queue.py: Python puts a script's folder first on sys.path, so a bench/queue.py
would stand in for the standard library's queue module in every script in bench/.
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
REPORTS = int(os.environ.get("ADUAN_BENCH_QUEUE_REPORTS", 100_000))
REPEATS = int(os.environ.get("ADUAN_BENCH_QUEUE_REPEATS", 100))
WARMUP = 3
SEED = 20250611
GOAL_SQL_P99_MS = 50.0
# The backlog of the dozen units that have thousands of cases (the rest share what is left).
HEAVY_UNIT_CASES = (15_000, 9_000, 7_000, 6_000, 5_000, 4_000, 3_500, 3_000, 2_500, 2_000, 1_500, 1_200)
OPEN_SHARE = 0.25
HEAVIEST_OPEN_SHARE = 0.30
OPEN_MIX = {"menunggu": 30, "koordinasi": 8, "disposisi": 5, "proses": 47, "menunggu_validasi": 10}
CLOSED_MIX = {"selesai": 80, "ditolak": 10, "duplikat": 10}
KANAL_MIX = {
    "jaki": 45, "web": 12, "twitter": 10, "whatsapp": 8, "lapor": 6, "sms": 5, "email": 4, "qlue": 4,
    "facebook": 2, "kelurahan": 2, "media": 1, "open311": 1,
}  # fmt: skip
PROBLEMS = (
    "Jalan berlubang", "Lampu jalan mati", "Sampah menumpuk", "Saluran air mampet", "Pohon tumbang",
    "Trotoar rusak", "Parkir liar", "Genangan air", "Pedagang kaki lima menutup trotoar",
    "Kabel menjuntai", "Banjir setinggi lutut", "Bau limbah", "Tiang listrik miring", "Fasos fasum rusak",
)  # fmt: skip
PLACES = (
    "depan sekolah", "gang sempit dekat masjid", "samping pasar", "dekat halte TransJakarta",
    "perempatan lampu merah", "depan kantor kelurahan", "jalan masuk perumahan", "bawah jembatan layang",
    "sebelah puskesmas", "pinggir kali",
)  # fmt: skip
EXTRAS = (
    "sudah lebih dari seminggu dan belum ada tindakan.",
    "membahayakan pengendara motor terutama malam hari.",
    "warga sudah melapor ke RT tetapi belum ditangani.",
    "mohon segera diperbaiki karena anak-anak lewat setiap hari.",
    "kondisinya makin parah setelah hujan deras kemarin sore.",
    "",
)
SEARCH_COMMON = "berlubang"  # about 1 in 14 descriptions
SEARCH_NONE = "xilofon"  # in no description: the whole queue is read to find nothing
LAT_RANGE = (-6.37, -6.08)
LON_RANGE = (106.68, 106.97)


@dataclass(frozen=True)
class QueueGoal:
    """The queue's goal, judged on the slowest scenario (bench/run.py records it like the others)."""

    text: str = f"every queue request's SQL p99 <{GOAL_SQL_P99_MS:g} ms at {REPORTS:,} cases"

    def met_by(self, figures: dict[str, Any]) -> bool:
        return bool(figures["max_sql_p99_ms"] < GOAL_SQL_P99_MS)


GOAL = QueueGoal()


# ---------------------------------------------------------------- parent: one child per database


def run_child(database: Any, shared_data: Path | None, explain: bool = False) -> dict[str, Any]:
    """Runs the measurement for one prepared-to-be database (bench/servers.Database) in a child process
    (Django binds one database per process) and returns its figures."""
    with tempfile.NamedTemporaryFile(prefix="aduan-queue-", suffix=".json") as out:
        command = [sys.executable, str(Path(__file__).resolve()), "--child", "--out", out.name]
        if shared_data is not None:
            command += ["--data", str(shared_data)]
        if explain:
            command.append("--explain")
        completed = subprocess.run(command, env=database.env(), check=False)
        if completed.returncode != 0:
            raise RuntimeError(
                f"bench/queue_page.py --child failed ({completed.returncode}) on {database.name}"
            )
        figures: dict[str, Any] = json.loads(Path(out.name).read_text(encoding="utf-8"))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--explain", action="store_true", help="print the plan of each slowest query")
    args = parser.parse_args()
    if args.child:
        figures = child(Path(args.data) if args.data else None, args.explain)
        Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0

    import results

    data = BENCH.parent.parent / "shared" / "data"
    shared = data.resolve() if (data / "agencies.csv").is_file() else None
    only = [part.strip() for part in os.environ.get("ADUAN_BENCH_ONLY", "").split(",") if part.strip()]
    with contextlib.ExitStack() as stack:
        for database in databases(stack, lambda name: not only or any(name.startswith(o) for o in only)):
            figures = run_child(database, shared, args.explain)
            record = {
                "benchmark": "queue",
                "machine": results.machine_info(),
                "parameters": parameters(database, shared),
                "results": figures,
                "goal": GOAL.text,
                "meets_goal": GOAL.met_by(figures),
            }
            name = result_name(database.name)
            path = results.write_result(name, record)
            print(f"bench: wrote {path.relative_to(results.REPO)}")
            print_summary(name, figures)
    return 0


def result_name(database: str) -> str:
    """queue-sqlite, queue-postgresql; with an index under trial, queue-sqlite-index and so on."""
    return f"queue-{database}" + ("-index" if _trial_indexes() else "")


def _trial_indexes(vendor: str = "postgresql") -> list[str]:
    """The statements of ADUAN_BENCH_QUEUE_INDEX (any database) and ADUAN_BENCH_QUEUE_INDEX_POSTGRESQL."""
    statements = os.environ.get("ADUAN_BENCH_QUEUE_INDEX", "")
    if vendor == "postgresql":
        statements += ";" + os.environ.get("ADUAN_BENCH_QUEUE_INDEX_POSTGRESQL", "")
    return [sql.strip() for sql in statements.split(";") if sql.strip()]


def databases(
    stack: contextlib.ExitStack, wanted: Callable[[str], bool] = lambda name: True
) -> Iterator[Any]:
    """A temp SQLite file, then PostgreSQL (dropped and recreated) when it can be reached; ``wanted``
    picks by run name (queue-sqlite, queue-postgresql)."""
    import servers

    if wanted("queue-sqlite"):
        var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aduan-queue-sqlite-")))
        yield servers.sqlite_database(var_dir)
    if not wanted("queue-postgresql"):
        return
    url, reason = servers.postgres_url()
    if url is not None:
        # A database of its own (aduan_bench_queue by default): other benchmarks recreate aduan_bench.
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_queue"))
        try:
            version = servers.recreate_postgres(url)
        except Exception as exc:  # unreachable, no such role, bad URL: all mean "skip with the reason"
            url, reason = None, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        else:
            print(f"bench: queue: PostgreSQL {version} at {url} (database dropped and recreated)")
    if url is None:
        print(f"bench: SKIPPED queue-postgresql: {reason}")
        return
    var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aduan-queue-postgresql-")))
    yield servers.Database("postgresql", url, var_dir)


def parameters(database: Any, shared_data: Path | None) -> dict[str, Any]:
    return {
        "database": database.name,
        "database_url": database.url if database.name != "sqlite" else "sqlite (fresh file in a temp dir)",
        "reports": REPORTS,
        "repeats": REPEATS,
        "warmup": WARMUP,
        "seed": SEED,
        "heavy_unit_cases": list(HEAVY_UNIT_CASES),
        "shared_data": str(shared_data) if shared_data else None,
        "extra_index": _trial_indexes(database.name),
        "analyze": os.environ.get("ADUAN_BENCH_QUEUE_ANALYZE", "1") != "0",
        "how": "Django test client in process; SQL timed per query with a database execute wrapper",
    }


def print_summary(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}: {figures['data']['reports']:,} reports, {figures['data']['open']:,} open")
    header = (
        "queries",
        "sql p50",
        "sql p99",
        "sql cpu p99",
        "pg cpu",
        "req p50",
        "req p99",
        "cpu django",
        "rows",
    )
    print("  " + f"{'scenario':<52}" + "".join(f"{h:>12}" for h in header))
    for scenario, row in figures["scenarios"].items():
        cells = (
            row["queries"], row["sql_ms"]["p50"], row["sql_ms"]["p99"], row["sql_cpu_ms"]["p99"],
            row["cpu_ms"]["postgres"] or "", row["request_ms"]["p50"], row["request_ms"]["p99"],
            row["cpu_ms"]["django"], row["rows"],
        )  # fmt: skip
        print("  " + f"{scenario:<52}" + "".join(f"{c:>12}" for c in cells))
    print(f"  slowest SQL p99: {figures['max_sql_p99_ms']} ms ({figures['slowest_scenario']})")


# ---------------------------------------------------------------- child: load, then measure


def child(shared_data: Path | None, explain: bool) -> dict[str, Any]:
    from results import cpu_busy_share

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup", *(["--data", str(shared_data)] if shared_data else []), verbosity=0)
    for statement in _trial_indexes(connection.vendor):
        with connection.cursor() as cursor:
            cursor.execute(statement)
    prepared = time.perf_counter()
    data = generate(REPORTS, random.Random(SEED))
    loaded = time.perf_counter()
    # Statistics for the planner, as a deployment has them: PostgreSQL's autovacuum analyses (and sets
    # the visibility map) after a bulk load; SQLite has none until ANALYZE or PRAGMA optimize runs, and
    # without them it picks a foreign-key index over (holder, status) for some filters
    # (ADUAN_BENCH_QUEUE_ANALYZE=0 measures that; docs/benchmarks.md).
    analyze = os.environ.get("ADUAN_BENCH_QUEUE_ANALYZE", "1") != "0"
    if analyze:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE aduan_report" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"bench: queue ({connection.vendor}): {REPORTS:,} reports in {loaded - prepared:.0f} s; measuring",
        flush=True,
    )
    busy = cpu_busy_share()
    scenarios = measure(data, explain)
    judged = [name for name, row in scenarios.items() if not row["what_if"]]
    slowest = max(judged, key=lambda name: scenarios[name]["sql_ms"]["p99"])
    return {
        "database_vendor": connection.vendor,
        "analyzed": analyze,
        "cpu_busy_before": busy,
        "setup_s": round(prepared - started, 1),
        "load_s": round(loaded - prepared, 1),
        "data": data.summary,
        "scenarios": scenarios,
        "max_sql_p99_ms": scenarios[slowest]["sql_ms"]["p99"],
        "slowest_scenario": slowest,
    }


@dataclass
class Generated:
    heavy_unit_id: int
    typical_unit_id: int
    kota_unit_id: int | None
    sample_ticket_heavy: str
    sample_ticket_typical: str
    category_code: str
    kelurahan_code: str
    summary: dict[str, Any]


def _weighted(rng: random.Random, mix: dict[str, int]) -> Callable[[], str]:
    keys, weights = list(mix), list(mix.values())
    return lambda: rng.choices(keys, weights)[0]


def generate(total: int, rng: random.Random) -> Generated:
    """Bulk-creates ``total`` reports over the holding units with the distributions described above."""
    from django.db import transaction
    from django.utils import timezone

    from aduan.domain.lifecycle import UnitKind
    from aduan.domain.tickets import ALPHABET
    from aduan.models import Category, Region, Report, Unit

    units = list(Unit.objects.exclude(kind=UnitKind.BIRO).select_related("region").order_by("code"))
    categories = list(Category.objects.order_by("code"))
    kelurahan = list(Region.objects.filter(level="kelurahan").select_related("parent").order_by("code"))
    by_kota: dict[str, list[Any]] = {}
    for region in kelurahan:
        kota = region.parent.parent_id if region.parent is not None else None
        by_kota.setdefault(str(kota), []).append(region)

    # Who holds how many: a dozen units with thousands (a busy kelurahan first), the rest tens each.
    gambir = next((u for u in units if u.code == "KEL-31.71.01.1001"), None)
    heavy = [gambir] if gambir is not None else []
    heavy += rng.sample([u for u in units if u is not gambir], len(HEAVY_UNIT_CASES) - len(heavy))
    rest = [u for u in units if u not in heavy]
    heavy_sizes = [round(n * total / 100_000) for n in HEAVY_UNIT_CASES]  # smaller runs keep the shape
    left = max(total - sum(heavy_sizes), 0)
    weights = [rng.lognormvariate(0, 0.8) for _ in rest]
    scale = left / sum(weights) if weights else 0
    sizes = {u.pk: n for u, n in zip(heavy, heavy_sizes, strict=True)}
    for unit, weight in zip(rest, weights, strict=True):
        sizes[unit.pk] = int(weight * scale)
    shortfall = total - sum(sizes.values())
    for unit in rng.sample(rest, min(abs(shortfall), len(rest))):  # round to the exact total
        sizes[unit.pk] += 1 if shortfall > 0 else -1 if sizes[unit.pk] > 0 else 0

    status_open, status_closed = _weighted(rng, OPEN_MIX), _weighted(rng, CLOSED_MIX)
    kanal = _weighted(rng, KANAL_MIX)
    category_weights = [1 / (rank + 1) for rank in range(len(categories))]
    now = timezone.now()
    tickets: set[str] = set()

    def ticket() -> str:
        while True:
            raw = "".join(rng.choice(ALPHABET) for _ in range(8))
            value = f"{raw[:4]}-{raw[4:]}"
            if value not in tickets:
                tickets.add(value)
                return value

    def place_of(unit: Any) -> Any:
        if rng.random() < 0.1:
            return None
        if unit.kind == UnitKind.KELURAHAN and unit.region is not None:
            return unit.region
        if unit.region is not None and unit.region.level == "kota":
            return rng.choice(by_kota.get(str(unit.region_id), kelurahan))
        return rng.choice(kelurahan) if kelurahan else None

    def report(unit: Any, is_open: bool) -> Any:
        if is_open:
            created = now - timedelta(days=min(rng.expovariate(1 / 20), 365), seconds=rng.randrange(86_400))
            status = status_open()
        else:
            created = now - timedelta(days=rng.uniform(1, 730), seconds=rng.randrange(86_400))
            status = status_closed()
        category = (
            rng.choices(categories, category_weights)[0] if categories and rng.random() < 0.92 else None
        )
        sla = category.sla_days if category is not None else rng.choice((3, 5, 7, 14))
        due = None if rng.random() < 0.08 else created + timedelta(days=sla)
        problem = rng.choice(PROBLEMS)
        text = f"{problem} di {rng.choice(PLACES)} {rng.choice(EXTRAS)}".strip()
        if rng.random() < 0.5:
            text += f" Mohon ditindaklanjuti, RT {rng.randrange(1, 20):03d}/RW {rng.randrange(1, 12):03d}."
        has_point = rng.random() < 0.85
        still_open = status not in ("selesai", "ditolak", "duplikat")
        return Report(
            ticket=ticket(),
            jenis="pengaduan",
            category=category,
            description=text,
            lat=rng.uniform(*LAT_RANGE) if has_point else None,
            lon=rng.uniform(*LON_RANGE) if has_point else None,
            kelurahan=place_of(unit),
            status=status,
            holder=unit,
            first_holder=unit,
            visibility="private" if rng.random() < 0.1 else "public",
            channel=kanal(),
            needs_triage=unit.kind == UnitKind.TRIAGE,
            completion_due_at=due,
            response_due_at=created + timedelta(days=1),
            red_flag=bool(still_open and due is not None and due < now + timedelta(days=1)),
            overdue=bool(still_open and due is not None and due < now),
            created_at=created,
            updated_at=created,
            closed_at=None if still_open else created + timedelta(days=rng.uniform(0.5, sla)),
        )

    # Django stamps created_at/updated_at on save; a history needs the generated times kept.
    stamped = [Report._meta.get_field("created_at"), Report._meta.get_field("updated_at")]
    saved_flags = [(f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        # In the order they came in, as in a real table: a unit's cases lie scattered over its pages.
        items = []
        for unit in units:
            n = sizes.get(unit.pk, 0)
            n_open = round(n * (HEAVIEST_OPEN_SHARE if heavy and unit is heavy[0] else OPEN_SHARE))
            items += [report(unit, True) for _ in range(n_open)]
            items += [report(unit, False) for _ in range(n - n_open)]
        items.sort(key=lambda item: item.created_at)
        with transaction.atomic():
            for start in range(0, len(items), 5000):
                Report.objects.bulk_create(items[start : start + 5000], batch_size=2000)
            # Clusters: a unit's duplicates join one of a few popular open cases of that unit.
            opened: dict[int, list[int]] = {}
            for pk, holder_id in Report.objects.filter(status__in=list(OPEN_MIX)).values_list(
                "pk", "holder_id"
            ):
                opened.setdefault(holder_id, []).append(pk)
            popular = {uid: rng.sample(ids, max(1, len(ids) // 10)) for uid, ids in opened.items()}
            duplicates = list(
                Report.objects.filter(status="duplikat", holder_id__in=popular).only("holder_id")
            )
            for item in duplicates:
                item.merged_into_id = rng.choice(popular[item.holder_id])
            Report.objects.bulk_update(duplicates, ["merged_into"], batch_size=500)
    finally:
        for f, (auto_now, auto_now_add) in zip(stamped, saved_flags, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]

    open_statuses = list(OPEN_MIX)
    counted = sorted(sizes.values())
    typical_size = counted[len(counted) // 2]
    typical = next(u for u in rest if sizes[u.pk] == typical_size) if rest else heavy[-1]
    heavy_unit = heavy[0]

    def sample_ticket(unit: Any) -> str:
        found = (
            Report.objects.filter(holder=unit, status__in=open_statuses)
            .order_by("created_at")
            .values_list("ticket", flat=True)
            .first()
        )
        return found or "K7M3-QX2A"

    top_category = categories[0].code if categories else ""
    top_kelurahan = (
        Report.objects.filter(holder=heavy_unit, kelurahan__isnull=False)
        .values_list("kelurahan__code", flat=True)
        .first()
        or ""
    )
    kotas = [u for u in units if u.kind == UnitKind.KOTA]
    kota = max(kotas, key=lambda u: len(_subtree(Unit, u.pk))) if kotas else None  # the widest
    open_total = Report.objects.filter(status__in=open_statuses).count()
    return Generated(
        heavy_unit_id=heavy_unit.pk,
        typical_unit_id=typical.pk,
        kota_unit_id=kota.pk if kota else None,
        sample_ticket_heavy=sample_ticket(heavy_unit),
        sample_ticket_typical=sample_ticket(typical),
        category_code=top_category,
        kelurahan_code=top_kelurahan,
        summary={
            "reports": Report.objects.count(),
            "open": open_total,
            "units_with_cases": sum(1 for n in sizes.values() if n),
            "units_with_1000_or_more": sum(1 for n in sizes.values() if n >= 1000),
            "median_cases_per_unit": typical_size,
            "heavy_unit": {
                "code": heavy_unit.code,
                "cases": sizes[heavy_unit.pk],
                "open": Report.objects.filter(holder=heavy_unit, status__in=open_statuses).count(),
            },
            "typical_unit": {
                "code": typical.code,
                "cases": sizes[typical.pk],
                "open": Report.objects.filter(holder=typical, status__in=open_statuses).count(),
            },
            "with_point": Report.objects.filter(lat__isnull=False).count(),
            "merged": Report.objects.filter(merged_into__isnull=False).count(),
        },
    )


class SqlTimer:
    """A database execute wrapper: the time and text of every query run while it is installed, and the
    CPU this thread spent in them (for SQLite, the query's whole work; for PostgreSQL, the driver's)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str, Any]] = []
        self.cpu_ms = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.cpu_ms += (time.thread_time() - cpu_started) * 1000
            self.queries.append(((time.perf_counter() - started) * 1000, sql, params))


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {
        "p50": round(cuts[49], 2),
        "p99": round(cuts[98], 2),
        "max": round(ordered[-1], 2),
    }


def measure(data: Generated, explain: bool) -> dict[str, dict[str, Any]]:
    """Each scenario's requests, repeated; SQL and whole-request milliseconds at p50/p99."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    import cpu
    from aduan.models import Officer, Report, Unit
    from aduan.web import queries

    def officer_client(unit_id: int, name: str, role: str = Officer.Role.OFFICER) -> Client:
        user = User.objects.create(username=f"bench-{name}")
        Officer.objects.create(user=user, unit_id=unit_id, role=role)
        client = Client()
        client.force_login(user)
        return client

    heavy = officer_client(data.heavy_unit_id, "heavy")
    typical = officer_client(data.typical_unit_id, "typical")
    hx = {"HX-Request": "true"}
    plans: list[tuple[str, str, Any]] = []

    scenarios: list[tuple[str, Client, str, dict[str, str], dict[str, str]]] = []
    kota_head = (
        officer_client(data.kota_unit_id, "kota-head", Officer.Role.HEAD) if data.kota_unit_id else None
    )
    for who, client, ticket in (
        ("heavy", heavy, data.sample_ticket_heavy),
        ("typical", typical, data.sample_ticket_typical),
    ):
        scenarios += [
            (f"{who}: page 1 (whole page)", client, "/petugas/", {}, {}),
            (f"{who}: status+overdue (htmx)", client, "/petugas/", {"status": "proses", "overdue": "1"}, hx),
            (
                f"{who}: category+kelurahan (htmx)",
                client,
                "/petugas/",
                {"category": data.category_code, "kelurahan": data.kelurahan_code},
                hx,
            ),
            (f"{who}: kanal+red flag (htmx)", client, "/petugas/", {"kanal": "jaki", "red_flag": "1"}, hx),
            (f"{who}: cluster >= 2 (htmx)", client, "/petugas/", {"min_cluster": "2"}, hx),
            (f"{who}: last page (htmx)", client, "/petugas/", {"page": "9999"}, hx),
            (f"{who}: search text (htmx)", client, "/petugas/", {"q": SEARCH_COMMON}, hx),
            (f"{who}: search, no match (htmx)", client, "/petugas/", {"q": SEARCH_NONE}, hx),
            (f"{who}: search ticket (htmx)", client, "/petugas/", {"q": ticket.lower()}, hx),
            (f"{who}: counts fragment", client, "/petugas/jumlah/", {}, hx),
            (f"{who}: map JSON", client, "/petugas/peta.json", {}, {}),
            (f"{who}: map JSON, menunggu", client, "/petugas/peta.json", {"status": "menunggu"}, {}),
        ]

    figures: dict[str, dict[str, Any]] = {}

    database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else ""

    def run(
        name: str,
        client: Client,
        url: str,
        params: dict[str, str],
        headers: dict[str, str],
        what_if: bool = False,
    ) -> None:
        sql_ms, sql_cpu_ms, request_ms, counts = [], [], [], []
        rows = 0
        slowest: tuple[float, str, Any] = (0.0, "", None)
        cpu_before = thread_before = None
        for number in range(WARMUP + REPEATS):
            if number == WARMUP:  # CPU, not wall time: what the work costs whatever else the machine runs
                cpu_before, thread_before = cpu.snapshot(), time.thread_time()
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
            sql_cpu_ms.append(timer.cpu_ms)
            request_ms.append(elapsed)
            counts.append(len(timer.queries))
            slowest = max([slowest, *timer.queries], key=lambda q: q[0])
            if number == WARMUP:
                body = response.content.decode()
                rows = (
                    body.count('name="tickets"') if "json" not in url else len(json.loads(body)["features"])
                )
        thread_ms = (time.thread_time() - (thread_before or 0)) * 1000 / REPEATS
        used = cpu.busy_seconds(cpu_before, cpu.snapshot(), os.getpgid(0), database) if cpu_before else {}
        figures[name] = {
            "url": f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else url,
            "htmx": bool(headers),
            "what_if": what_if,
            "queries": max(counts),
            "rows": rows,
            "sql_ms": _quantiles(sql_ms),
            # What the SQL costs with the machine to itself: SQLite's work in this thread; for PostgreSQL
            # the driver's CPU here plus (in cpu_ms.postgres) its backends' mean CPU per request.
            "sql_cpu_ms": _quantiles(sql_cpu_ms),
            "request_ms": _quantiles(request_ms),
            "slowest_query_ms": round(slowest[0], 2),
            "slowest_query": " ".join(slowest[1].split())[:400],
            # Mean CPU per request: this process (Django, and SQLite's own work) and PostgreSQL's backends;
            # `others_cpu_s` is what the rest of the machine used meanwhile (a busy machine inflates wall
            # times, not these).
            "cpu_ms": {
                "django": round(thread_ms, 2),
                "postgres": round(used.get("postgres", 0) * 1000 / REPEATS, 2) if database else None,
            },
            "others_cpu_s": used.get("other"),
        }
        plans.append((name, slowest[1], slowest[2]))

    for scenario in scenarios:
        run(*scenario)

    # The head of the widest kota: its queue is every unit below it (services.access).
    if kota_head is not None:
        label = f"kota head ({len(_subtree(Unit, data.kota_unit_id or 0))} units)"
        run(f"{label}: page 1 (whole page)", kota_head, "/petugas/", {}, {})
        run(f"{label}: search text (htmx)", kota_head, "/petugas/", {"q": SEARCH_COMMON}, hx)
        run(
            f"{label}: status+overdue (htmx)",
            kota_head,
            "/petugas/",
            {"status": "proses", "overdue": "1"},
            hx,
        )
        run(f"{label}: counts fragment", kota_head, "/petugas/jumlah/", {}, hx)
        run(f"{label}: map JSON", kota_head, "/petugas/peta.json", {}, {})

    # Not built: a city-wide queue (every open case) for those who see everything. Measured by swapping
    # the one scope function, to know what such a page would cost; not judged against the goal.
    original = queries.queue_scope
    queries.queue_scope = lambda officer: Report.objects.all()  # type: ignore[assignment]
    try:
        label = "what-if city-wide (every unit)"
        run(f"{label}: page 1 (whole page)", heavy, "/petugas/", {}, {}, True)
        run(f"{label}: search text (htmx)", heavy, "/petugas/", {"q": SEARCH_COMMON}, hx, True)
        run(f"{label}: counts fragment", heavy, "/petugas/jumlah/", {}, hx, True)
        run(f"{label}: map JSON", heavy, "/petugas/peta.json", {}, {}, True)
    finally:
        queries.queue_scope = original  # type: ignore[assignment]

    if explain:
        for name, sql, params in plans:
            print(f"\n== {name}\n{' '.join(sql.split())}\n{explain_plan(sql, params)}")
    return figures


def _subtree(unit_model: Any, root: int) -> list[int]:
    found, frontier = [root], [root]
    while frontier:
        frontier = list(unit_model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found += frontier
    return found


def explain_plan(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join("  " + " | ".join(str(c) for c in row) for row in cursor.fetchall())


if __name__ == "__main__":
    sys.exit(main())
