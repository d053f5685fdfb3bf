"""SSE watchers (DESIGN.md §11: ≥ 5,000 per worker, an event reaches all within 1 s), for bench/run.py.

One uvicorn worker serves the real aduan.asgi:application. This script opens 5,000 streams to it over raw
asyncio sockets, on one case or spread over several, and a separate writer process (Django against the
same database) then commits a comment on the watched case(s), round after round. Each stream notes when
the round's event reached it; the latency is that moment minus the writer's commit (CLOCK_MONOTONIC is
shared by all processes on Linux). It also records the server's memory (RSS) before and after the
streams opened, and the CPU each party used.

The streams are read by this one Python process on the same two cores as the server: the time until
the last stream "has" an event includes this reader getting through 5,000 sockets, so the figures are
upper bounds of what the server needs.

Environment: ADUAN_BENCH_SSE_STREAMS (5000), ADUAN_BENCH_SSE_ROUNDS (10), ADUAN_BENCH_SSE_TICKETS (250,
the spread scenario). See docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cpu
import loadgen
import servers
from servers import Database

STREAMS = int(os.environ.get("ADUAN_BENCH_SSE_STREAMS", 5000))
ROUNDS = int(os.environ.get("ADUAN_BENCH_SSE_ROUNDS", 10))
SPREAD_TICKETS = int(os.environ.get("ADUAN_BENCH_SSE_TICKETS", 250))
OPENING_AT_ONCE = 200  # connections being set up at the same time (the listen backlog is 2,048)
ROUND_GAP = 1.5  # seconds between rounds, so that each round starts from quiet
ROUND_TIMEOUT = 15.0  # a stream that has not got a round's event by then counts as missed
FRAME_ID = re.compile(rb"id: (\d+)\n")

# The writer: another process, with Django, that commits one comment per watched case per round (all in
# one transaction) and prints the monotonic time right after the commit, with the new events' ids.
WRITER = """
import json, os, sys, time
import django
django.setup()
from django.db import transaction
from django.db.models import Max
from aduan.models import ReportEvent
from aduan.services import reports
if os.environ.get("BENCH_NOTIFY") == "1":
    import aduan.services.events_hub  # registers the NOTIFY sent on commit (see docs/live.md)
print("ready", flush=True)
for line in sys.stdin:
    number, *tickets = line.split()
    with transaction.atomic():
        for ticket in tickets:
            reports.add_comment(ticket, f"bench round {number}", "web")
    committed = time.monotonic()
    rows = ReportEvent.objects.filter(report__ticket__in=tickets).values("report__ticket")
    ids = {row["report__ticket"]: row["top"] for row in rows.annotate(top=Max("id"))}
    print(json.dumps({"committed": committed, "ids": ids}), flush=True)
"""


@dataclass(frozen=True)
class Scenario:
    name: str  # e.g. sse-sqlite-one
    tickets: int
    notify: bool = False  # the writer sends PostgreSQL NOTIFY on commit


class Stream(asyncio.Protocol):
    """One SSE connection read as raw bytes: the round markers found and when they arrived."""

    def __init__(self, ticket: str, request: bytes, opened: asyncio.Future[float]) -> None:
        self.ticket = ticket
        self.request = request
        self.opened = opened
        self.head = b""
        self.tail = b""
        self.seen: dict[int, float] = {}
        self.transport: Any = None  # uvloop's transports are not asyncio.Transport subclasses
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        if not self.opened.done():
            self.head += data
            if b"\r\n\r\n" in self.head and b"retry:" in self.head:
                if self.head.startswith(b"HTTP/1.1 200"):
                    self.opened.set_result(now)
                else:
                    self.opened.set_exception(RuntimeError(self.head[:200].decode(errors="replace")))
            return
        # Frames never span two chunks, but a read may split a chunk: keep the end of the previous read.
        window = self.tail + data
        for match in FRAME_ID.finditer(window):
            self.seen.setdefault(int(match.group(1)), now)
        self.tail = window[-24:]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed before the stream opened: {exc}"))


@dataclass
class Run:
    streams: list[Stream] = field(default_factory=list)
    open_failures: dict[str, int] = field(default_factory=dict)


async def open_streams(port: int, tickets: list[str], count: int) -> tuple[Run, float]:
    loop = asyncio.get_running_loop()
    run = Run()
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    started = time.monotonic()
    streams: list[Stream] = []

    async def tracked(index: int) -> None:
        ticket = tickets[index % len(tickets)]
        request = (
            f"GET /api/v1/reports/{ticket}/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n"
        ).encode()
        async with gate:
            opened: asyncio.Future[float] = loop.create_future()
            try:
                _, protocol = await loop.create_connection(
                    lambda: Stream(ticket, request, opened), "127.0.0.1", port
                )
                await asyncio.wait_for(opened, 60)
            except Exception as exc:
                key = type(exc).__name__
                run.open_failures[key] = run.open_failures.get(key, 0) + 1
                return
            streams.append(protocol)

    await asyncio.gather(*(tracked(i) for i in range(count)))
    run.streams = streams
    return run, time.monotonic() - started


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)


def start_writer(database: Database, notify: bool) -> subprocess.Popen[str]:
    env = {**database.env(), "BENCH_NOTIFY": "1" if notify else "0"}
    writer = subprocess.Popen(
        [str(servers.BIN / "python"), "-c", WRITER],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    ready = writer.stdout.readline().strip()
    if ready != "ready":
        raise RuntimeError(f"the writer process did not start: {ready!r}")
    return writer


async def rounds(run: Run, tickets: list[str], writer: subprocess.Popen[str]) -> list[dict[str, Any]]:
    assert writer.stdin is not None and writer.stdout is not None
    loop = asyncio.get_running_loop()
    measured = []
    for number in range(1, ROUNDS + 1):
        await asyncio.sleep(ROUND_GAP + random.uniform(0, 0.25))  # a random phase against the poll
        writer.stdin.write(f"{number} {' '.join(tickets)}\n")
        writer.stdin.flush()
        written = json.loads(await loop.run_in_executor(None, writer.stdout.readline))
        committed, ids = written["committed"], written["ids"]
        deadline = time.monotonic() + ROUND_TIMEOUT
        while time.monotonic() < deadline:
            if all(ids[s.ticket] in s.seen or s.closed for s in run.streams):
                break
            await asyncio.sleep(0.02)
        latencies = [
            (s.seen[ids[s.ticket]] - committed) * 1000 for s in run.streams if ids[s.ticket] in s.seen
        ]
        measured.append(
            {
                "round": number,
                "events_written": len(tickets),
                "received": len(latencies),
                "missed": len(run.streams) - len(latencies),
                "first_ms": round(min(latencies), 1) if latencies else None,
                "p50_ms": percentile(latencies, 0.5),
                "all_ms": round(max(latencies), 1) if latencies else None,
                "latencies_ms": latencies,
            }
        )
        print(
            f"bench:   round {number}: {len(latencies)}/{len(run.streams)} streams, "
            f"p50 {measured[-1]['p50_ms']} ms, all {measured[-1]['all_ms']} ms",
            flush=True,
        )
    return measured


def summarize(
    measured: list[dict[str, Any]], run: Run, opening_s: float, rss: dict[str, int], used: dict[str, float]
) -> dict[str, Any]:
    samples = [value for entry in measured for value in entry.pop("latencies_ms")]
    to_all = [entry["all_ms"] for entry in measured if entry["all_ms"] is not None]
    open_streams = len(run.streams)
    return {
        "streams_open": open_streams,
        "open_failures": run.open_failures,
        "opening_seconds": round(opening_s, 1),
        "streams_opened_per_s": round(open_streams / opening_s) if opening_s else None,
        "still_open_at_end": sum(1 for s in run.streams if not s.closed),
        "missed": sum(entry["missed"] for entry in measured),
        "latency_ms": {
            "p50": percentile(samples, 0.5),
            "p99": percentile(samples, 0.99),
            "max": percentile(samples, 1.0),
        },
        "time_to_all_ms": {"p50": percentile(to_all, 0.5), "max": percentile(to_all, 1.0)},
        "server_rss_mb": {
            "before": round(rss["before"] / 1024, 1),
            "streams_open": round(rss["open"] / 1024, 1),
            "after_rounds": round(rss["after"] / 1024, 1),
        },
        "server_kb_per_stream": round((rss["open"] - rss["before"]) / open_streams, 1)
        if open_streams
        else None,
        "cpu_seconds_during_rounds": used,
        # Less disturbed by other work than the latencies: the server's CPU for one round (the fan-out
        # of the round's events to every stream, plus the heartbeats due meanwhile).
        "server_cpu_ms_per_round": round(used["server"] * 1000 / max(len(measured), 1)),
        "rounds": measured,
    }


def raise_fd_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < needed:
        raise SystemExit(f"bench: sse needs {needed} open files, the limit is {soft} (raise `ulimit -Hn`)")
    return soft


def scenarios(database: Database) -> list[Scenario]:
    found = [
        Scenario(f"sse-{database.name}-one", 1),
        Scenario(f"sse-{database.name}-spread", SPREAD_TICKETS),
    ]
    if database.name == "postgresql":
        found.append(Scenario(f"sse-{database.name}-one-notify", 1, notify=True))
    return found


def measure(
    scenario: Scenario,
    database: Database,
    work: Path,
    record: Callable[[str, dict[str, Any], dict[str, Any]], None],
) -> None:
    """Runs one scenario on a fresh uvicorn worker and hands its parameters and figures to ``record``."""
    limit = raise_fd_limit(STREAMS + 1024)  # inherited by the server: it holds as many sockets
    log = work / f"uvicorn-{scenario.name}.log"
    print(f"bench: {scenario.name}: {STREAMS:,} streams over {scenario.tickets} case(s)", flush=True)
    with servers.uvicorn(database, 1, log) as server:
        bodies = loadgen.report_bodies(scenario.tickets, 20251201, [])
        tickets, failures = loadgen.post_reports(server.port, bodies)
        writer = start_writer(database, scenario.notify)
        try:
            rss = {"before": rss_kb(server.group)}
            install_uvloop()
            result = asyncio.run(_measure(server, tickets, writer, rss, database))
        finally:
            writer.terminate()
            writer.wait(timeout=10)
    parameters = {
        "database": database.name,
        "server": "uvicorn aduan.asgi:application --workers 1 --no-access-log",
        "workers": 1,
        "streams": STREAMS,
        "tickets": len(tickets),
        "create_failures": failures,
        "rounds": ROUNDS,
        "events_per_round": len(tickets),
        "writer": "another process: reports.add_comment per case, one transaction per round",
        "writer_sends_notify": scenario.notify,
        "poll_interval_s": float(os.environ.get("ADUAN_SSE_POLL", 0.25)),
        "reader": "this script, one asyncio process (uvloop when installed), raw sockets",
        "fd_limit": limit,
    }
    record(scenario.name, parameters, result)


async def _measure(
    server: servers.Server,
    tickets: list[str],
    writer: subprocess.Popen[str],
    rss: dict[str, int],
    database: Database,
) -> dict[str, Any]:
    run, opening = await open_streams(server.port, tickets, STREAMS)
    print(
        f"bench:   {len(run.streams):,} streams open in {opening:.1f} s"
        + (f", failures {run.open_failures}" if run.open_failures else ""),
        flush=True,
    )
    if not run.streams:
        raise RuntimeError(f"no stream could be opened: {run.open_failures}")
    await asyncio.sleep(1.0)
    rss["open"] = rss_kb(server.group)
    database_name = database.url.rsplit("/", 1)[-1] if database.name != "sqlite" else ""
    before = cpu.snapshot()
    measured = await rounds(run, tickets, writer)
    used = cpu.busy_seconds(before, cpu.snapshot(), server.group, database_name)
    rss["after"] = rss_kb(server.group)
    for stream in run.streams:
        if stream.transport is not None:
            stream.transport.close()
    return summarize(measured, run, opening, rss, used)


def install_uvloop() -> None:
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
