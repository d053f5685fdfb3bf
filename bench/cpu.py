"""Who used the CPUs during a measured run: the server, PostgreSQL, wrk, or anything else (from /proc)."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class _Process:
    name: str  # for a PostgreSQL backend, "postgres:DATABASE"
    group: int
    ticks: int


@dataclass(frozen=True)
class Snapshot:
    processes: dict[int, _Process]
    children_seconds: float  # CPU of this script's finished children: wrk, which is gone by the end


def snapshot() -> Snapshot:
    """CPU used so far by every process (none where /proc is absent) and by our finished children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    processes: dict[int, _Process] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if name == "postgres":
            name = _postgres_role(entry)
        processes[int(entry.name)] = _Process(name, int(fields[2]), int(fields[11]) + int(fields[12]))
    return Snapshot(processes, children.ru_utime + children.ru_stime)


def _postgres_role(entry: Path) -> str:
    """ "postgres:DB" for a backend serving database DB (its title is "postgres: 15/main: USER DB HOST(PORT)
    STATE"), plain "postgres" for the server's own processes."""
    try:
        title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
    except OSError:
        return "postgres"
    for position, word in enumerate(title):
        if "(" in word and position >= 2:
            return f"postgres:{title[position - 1]}"
    return "postgres"


def busy_seconds(
    before: Snapshot, after: Snapshot, server_group: int, database: str = ""
) -> dict[str, float]:
    """CPU seconds between two snapshots, by who used them; `other` is work that is not the benchmark's
    (someone else's tests, kernel threads). `wrk` is every child of this script that ended meanwhile.

    The server is its process group (uvicorn and its workers); `postgres` is the PostgreSQL server's
    own processes and the backends of ``database``; backends of other databases count as `other`.
    Processes that ended in between are missed, which undercounts only short-lived ones.
    """
    used = {"server": 0, "postgres": 0, "harness": 0, "other": 0}
    for pid, process in after.processes.items():
        earlier = before.processes.get(pid)
        delta = process.ticks - (earlier.ticks if earlier and earlier.name == process.name else 0)
        if process.group == server_group:
            used["server"] += delta
        elif process.name in ("postgres", f"postgres:{database}"):
            used["postgres"] += delta
        elif pid == os.getpid():
            used["harness"] += delta
        else:
            used["other"] += delta
    seconds = {who: round(ticks / _TICK, 2) for who, ticks in used.items()}
    return seconds | {"wrk": round(after.children_seconds - before.children_seconds, 2)}
