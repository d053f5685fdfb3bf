"""`make bench`: measures the performance goals of DESIGN.md §11 on this machine, side by side.

For SQLite (a fresh file in a temp dir) and PostgreSQL (ADUAN_BENCH_POSTGRES, default
postgresql://postgres@127.0.0.1:5432/aduan_bench, dropped and recreated; skipped with the reason when
unreachable or when the variable is set to ""), the harness migrates, loads the master data from
../shared/data, starts `uvicorn aduan.asgi:application` with 1 and then 2 workers and loads it with wrk:

- intake: `POST /api/v1/reports` with deterministic bodies spread over Jakarta; afterwards the Report
  rows in the database are counted against the 201 responses;
- get: `GET /api/v1/reports/{ticket}` rotating over 200 reports created just before.

Then, in process, it times aduan.domain.geo.KelurahanIndex.locate over 100,000 points, and the text
classifier (trained on the seed set) on single texts and on a batch of 20,000, and the officers' queue
over 100,000 cases on each database (bench/queue_page.py: the SQL of each queue request, p50/p99).
Every run writes bench/results/<name>.json and the closing table compares them with the goals.

Environment: ADUAN_BENCH_SECONDS (measured seconds per run, default 10), ADUAN_BENCH_WARMUP
(default 3), ADUAN_BENCH_CONNECTIONS (16), ADUAN_BENCH_THREADS (2), ADUAN_BENCH_POSTGRES, ADUAN_BENCH_ONLY
(comma-separated run names or prefixes, e.g. "intake-postgresql,locate").
`bench/run.py --table` prints the table of the saved results without measuring. See docs/benchmarks.md.
"""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cpu
import loadgen
import queue_page
import results
import servers
import sse
from classify import bench_classify
from loadgen import LoadShape
from locate import BOUNDARIES, bench_locate
from servers import Database

SHARED_DATA = (results.REPO / ".." / "shared" / "data").resolve()
SEED = 20250611
# Enough distinct bodies that wrk does not repeat one within a run or across the w1 and w2 runs (a
# repeated body is a certain duplicate, which intake joins to the first: a different, costlier path).
INTAKE_BODIES = 20_000
GET_REPORTS = 200
LOCATE_POINTS = 100_000
WORKER_COUNTS = (1, 2)
# A mix of categories whose routing differs (kelurahan handles: minor / no / yes).
CATEGORIES = ("JALAN", "PJU", "SAMPAH", "SALURAN", "TROTOAR", "PKL")
GOALS = {
    "intake": results.INTAKE_GOAL,
    "get": results.GET_GOAL,
    "locate": results.LOCATE_GOAL,
    "classify": results.CLASSIFY_GOAL,
    "queue": queue_page.GOAL,
    "sse": results.SSE_GOAL,
}


def load_shape() -> LoadShape:
    return LoadShape(
        threads=int(os.environ.get("ADUAN_BENCH_THREADS", 2)),
        connections=int(os.environ.get("ADUAN_BENCH_CONNECTIONS", 16)),
        seconds=float(os.environ.get("ADUAN_BENCH_SECONDS", 10)),
        warmup_seconds=float(os.environ.get("ADUAN_BENCH_WARMUP", 3)),
        timeout_seconds=10,
    )


def wanted(name: str) -> bool:
    only = [part.strip() for part in os.environ.get("ADUAN_BENCH_ONLY", "").split(",") if part.strip()]
    return not only or any(name.startswith(part) or part.startswith(name) for part in only)


def shared_data() -> Path | None:
    if (SHARED_DATA / "agencies.csv").is_file():
        return SHARED_DATA
    print(
        f"bench: NOTE {SHARED_DATA} is absent: `aduan setup` runs without --data, so there are no "
        "categories and no kelurahan polygons; every report is routed to the triage desk and the "
        "locate benchmark is skipped."
    )
    return None


def valid_categories(data: Path | None) -> list[str]:
    if data is None or not (data / "categories.csv").is_file():
        return []
    with (data / "categories.csv").open(encoding="utf-8") as handle:
        known = {row["code"] for row in csv.DictReader(handle)}
    return [code for code in CATEGORIES if code in known]


def databases(stack: contextlib.ExitStack) -> Iterator[Database]:
    """SQLite in a temp dir, then PostgreSQL when it can be reached."""
    if wanted("intake-sqlite") or wanted("get-sqlite") or wanted("sse-sqlite"):
        var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aduan-bench-sqlite-")))
        yield servers.sqlite_database(var_dir)
    if not (wanted("intake-postgresql") or wanted("get-postgresql") or wanted("sse-postgresql")):
        return
    url, reason = servers.postgres_url()
    if url is not None:
        try:
            version = servers.recreate_postgres(url)
        except Exception as exc:  # unreachable, no such role, bad URL: all mean "skip with the reason"
            url, reason = None, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        else:
            print(f"bench: PostgreSQL {version} at {url} (database dropped and recreated)")
    if url is None:
        print(f"bench: SKIPPED PostgreSQL: {reason}")
        return
    var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aduan-bench-postgresql-")))
    yield Database("postgresql", url, var_dir)


def intake_texts(categories: list[str]) -> dict[str, list[str]]:
    """The classifier's seed texts of the benchmark's categories: real wording, varied like real reports."""
    from aduan.classifier.data import seed_examples

    texts: dict[str, list[str]] = {category: [] for category in categories}
    for example in seed_examples():
        if example.category in texts and example.jenis == "pengaduan":
            texts[example.category].append(example.text)
    return texts


def db_check(rows_created: int, figures: dict[str, Any]) -> dict[str, Any]:
    """Rows written during the measured run against the 201s wrk saw.

    Requests still in flight when wrk stopped may be finished by the server without wrk seeing the
    answer, so rows may exceed the 201s by at most that many; anything else is a lost or phantom write.
    """
    created_201 = figures["status_counts"].get("201", 0)
    extra = rows_created - created_201
    ok = 0 <= extra <= figures["in_flight_at_stop"]
    if extra == 0:
        verdict = f"{rows_created} rows = {created_201} × 201"
    elif ok:
        verdict = f"{rows_created} rows = {created_201} × 201 + {extra} in flight at stop"
    else:
        verdict = f"MISMATCH {rows_created} rows vs {created_201} × 201"
    return {
        "rows_created": rows_created,
        "responses_201": created_201,
        "in_flight_at_stop": figures["in_flight_at_stop"],
        "consistent": ok,
        "verdict": verdict,
    }


@dataclass(frozen=True)
class Target:
    """A running server: its database, worker count, port and the row counter of its database."""

    database: Database
    workers: int
    server: servers.Server
    counter: servers.ReportCounter

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"


class Session:
    """What every run shares: wrk, the load shape, machine info, the work dir and the records."""

    def __init__(self, wrk: str, shape: LoadShape, data: Path | None, work: Path) -> None:
        self.wrk = wrk
        self.shape = shape
        self.data = data
        self.work = work
        self.categories = valid_categories(data)
        self.machine = results.machine_info(wrk=loadgen.wrk_version(wrk) if wrk else "not used")
        self.intake_position = 0  # where the next POST run starts in the intake bodies
        self.records: list[dict[str, Any]] = []

    def record(
        self, name: str, benchmark: str, parameters: dict[str, Any], figures: dict[str, Any], **extra: Any
    ) -> None:
        goal = GOALS[benchmark]
        judged = benchmark != "intake" or parameters.get("database") == "postgresql"
        record = {
            "benchmark": benchmark,
            "machine": self.machine,
            "parameters": parameters,
            "results": figures,
            **extra,
            "goal": goal.text,
            "meets_goal": goal.met_by(figures) if judged else None,
        }
        path = results.write_result(name, record)
        self.records.append({"name": name, **record})
        print(f"bench: wrote {path.relative_to(results.REPO)}", flush=True)

    def parameters(self, target: Target, **extra: Any) -> dict[str, Any]:
        database = target.database
        return {
            "database": database.name,
            "database_url": database.url
            if database.name != "sqlite"
            else "sqlite (fresh file in a temp dir)",
            "server": f"uvicorn aduan.asgi:application --workers {target.workers} --no-access-log",
            "workers": target.workers,
            "load": self.shape.as_dict(),
            "seed": SEED,
            "bbox": {"lat": loadgen.LAT_RANGE, "lon": loadgen.LON_RANGE},
            "shared_data": str(self.data) if self.data else None,
            **extra,
        }

    def wrk_run(self, url: str, request_file: Path, method: str, seconds: float) -> dict[str, Any]:
        # POST runs go on through the bodies where the last one stopped (per database: each starts empty).
        start = self.intake_position if method == "POST" else 0
        raw = loadgen.run_wrk(self.wrk, url, request_file, method, self.shape, seconds, start)
        if method == "POST":
            self.intake_position += raw["sent"] // self.shape.threads + 1
        return raw

    def measured_run(self, target: Target, url: str, request_file: Path, method: str) -> dict[str, Any]:
        """The measured wrk run, with the CPU seconds each party used meanwhile."""
        database = urlsplit(target.database.url).path.lstrip("/") if target.database.name != "sqlite" else ""
        before = cpu.snapshot()
        figures = loadgen.summarize(self.wrk_run(url, request_file, method, self.shape.seconds))
        used = cpu.busy_seconds(before, cpu.snapshot(), target.server.group, database)
        figures["cpu_seconds"] = used
        if figures["requests"]:
            figures["server_cpu_ms_per_request"] = round(used["server"] * 1000 / figures["requests"], 2)
        return figures

    def intake(self, target: Target) -> None:
        name = f"intake-{target.database.name}-w{target.workers}"
        bodies = loadgen.report_bodies(INTAKE_BODIES, SEED, self.categories, intake_texts(self.categories))
        request_file = loadgen.write_lines(self.work / "intake.jsonl", [loadgen.json_line(b) for b in bodies])
        url = target.url("/api/v1/reports")
        print(
            f"bench: {name}: warm-up {self.shape.warmup_seconds:g} s, then {self.shape.seconds:g} s",
            flush=True,
        )
        self.wrk_run(url, request_file, "POST", self.shape.warmup_seconds)
        before, merged_before = target.counter.settled(), target.counter.merged()
        figures = self.measured_run(target, url, request_file, "POST")
        check = db_check(target.counter.settled() - before, figures)
        # Joining an open case costs intake a second transaction: the share is part of the load's shape.
        check["joined_open_case"] = target.counter.merged() - merged_before
        parameters = self.parameters(target, bodies=len(bodies), categories=self.categories)
        self.record(name, "intake", parameters, figures, db_check=check)

    def get(self, target: Target) -> None:
        name = f"get-{target.database.name}-w{target.workers}"
        print(
            f"bench: {name}: creating {GET_REPORTS} reports, warm-up, then {self.shape.seconds:g} s",
            flush=True,
        )
        bodies = loadgen.report_bodies(GET_REPORTS, SEED + 1, self.categories)
        tickets, failures = loadgen.post_reports(target.server.port, bodies)
        request_file = loadgen.write_lines(self.work / "get.txt", [f"/api/v1/reports/{t}" for t in tickets])
        url = target.url("/")
        self.wrk_run(url, request_file, "GET", self.shape.warmup_seconds)
        figures = self.measured_run(target, url, request_file, "GET")
        parameters = self.parameters(target, tickets=len(tickets), create_failures=failures)
        self.record(name, "get", parameters, figures)

    def serve(self, database: Database) -> None:
        print(f"bench: {database.name}: aduan migrate && aduan setup", flush=True)
        servers.prepare(database, self.data)
        self.intake_position = 0
        counter = servers.ReportCounter(database)
        try:
            for workers in WORKER_COUNTS:
                runs = [run for run in ("intake", "get") if wanted(f"{run}-{database.name}-w{workers}")]
                if not runs:
                    continue
                log = self.work / f"uvicorn-{database.name}-w{workers}.log"
                with servers.uvicorn(database, workers, log) as server:
                    print(
                        f"bench: {database.name}: uvicorn --workers {workers} on port {server.port}",
                        flush=True,
                    )
                    target = Target(database, workers, server, counter)
                    for run in runs:
                        getattr(self, run)(target)
        finally:
            counter.close()
        for scenario in sse.scenarios(database):
            if wanted(scenario.name):
                sse.measure(scenario, database, self.work, self.record_sse)

    def record_sse(self, name: str, parameters: dict[str, Any], figures: dict[str, Any]) -> None:
        self.record(name, "sse", parameters, figures)

    def locate(self) -> None:
        if self.data is None or not (self.data / BOUNDARIES).is_file():
            print(f"bench: SKIPPED locate: {SHARED_DATA / BOUNDARIES} is absent")
            return
        print(f"bench: locate: {LOCATE_POINTS:,} lookups in process", flush=True)
        figures = bench_locate(self.data, LOCATE_POINTS, SEED)
        parameters = {
            "points": LOCATE_POINTS,
            "seed": SEED,
            "bbox": {"lat": loadgen.LAT_RANGE, "lon": loadgen.LON_RANGE},
        }
        self.record("locate", "locate", parameters, figures)

    def queue(self, stack: contextlib.ExitStack) -> None:
        """The officers' queue over 100,000 cases, in process on each database (bench/queue_page.py)."""
        for database in queue_page.databases(stack, wanted):
            name = queue_page.result_name(database.name)
            print(f"bench: {name}: {queue_page.REPORTS:,} reports, then the queue's requests", flush=True)
            figures = queue_page.run_child(database, self.data)
            self.record(name, "queue", queue_page.parameters(database, self.data), figures)

    def classify(self) -> None:
        print("bench: classify: train on the seed set, then single texts and a batch of 20,000", flush=True)
        self.record("classify", "classify", {"batch_texts": 20_000, "single_texts": 2_000}, bench_classify())


def warn_if_busy() -> None:
    busy = results.cpu_busy_share()
    if busy > 0.2:
        print(
            f"bench: WARNING the CPUs are already {busy:.0%} busy before the benchmark starts; "
            "other work on this machine lowers every figure (see cpu_seconds.other in the results)."
        )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    if sys.argv[1:] == ["--table"]:
        results.print_table(results.saved_records())
        return 0
    # Ctrl-C and `kill` both unwind through the ExitStack, which stops the servers and removes temp
    # dirs; SIGINT is set explicitly because a shell may start background jobs with it ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    shape = load_shape()
    uses_wrk = any(wanted(f"{run}-{db}") for run in ("intake", "get") for db in ("sqlite", "postgresql"))
    wrk = loadgen.ensure_wrk() if uses_wrk else ""
    data = shared_data()
    try:
        with contextlib.ExitStack() as stack:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aduan-bench-")))
            session = Session(wrk, shape, data, work)
            print(f"bench: wrk {shape.threads} threads, {shape.connections} connections, {shape.seconds:g} s")
            warn_if_busy()
            for database in databases(stack):
                session.serve(database)
            if wanted("locate"):
                session.locate()
            if wanted("classify"):
                session.classify()
            if wanted("queue"):
                session.queue(stack)
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped and temp dirs removed.", file=sys.stderr)
        return 130
    results.print_table(session.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
