"""Result files and the closing table of bench/run.py, judged against the goals of DESIGN.md §11."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "bench" / "results"


@dataclass(frozen=True)
class Goal:
    text: str
    min_rate: float | None = None  # requests per second
    max_p99_ms: float | None = None
    max_mean_us: float | None = None

    min_batch_rate: float | None = None  # texts per second in one batch (classifier)
    min_streams: int | None = None  # open SSE streams on one worker
    max_to_all_ms: float | None = None  # until the last of them has an event

    def met_by(self, figures: dict[str, Any]) -> bool:
        if self.min_streams is not None:
            return bool(
                figures["streams_open"] >= self.min_streams
                and figures["missed"] == 0
                and (figures["time_to_all_ms"]["max"] or float("inf")) <= (self.max_to_all_ms or float("inf"))
            )
        if self.min_batch_rate is not None:
            return bool(
                figures["batch_texts_per_s"] >= self.min_batch_rate
                and figures["single_mean_us"] <= (self.max_mean_us or float("inf"))
            )
        if self.max_mean_us is not None:
            return bool(figures["mean_us"] <= self.max_mean_us)
        clean = figures["non_2xx"] == 0 and figures["socket_errors_total"] == 0
        fast = self.min_rate is None or figures["requests_per_s"] >= self.min_rate
        tight = self.max_p99_ms is None or figures["latency_ms"]["p99"] < self.max_p99_ms
        return clean and fast and tight


INTAKE_GOAL = Goal("≥300/s, p99 <100 ms (PostgreSQL)", 300, 100)
GET_GOAL = Goal("≥2,000/s, p99 <20 ms", 2000, 20)
LOCATE_GOAL = Goal("≤50 µs mean", max_mean_us=50)
SSE_GOAL = Goal("≥5,000 streams per worker, event to all <1 s", min_streams=5000, max_to_all_ms=1000)
CLASSIFY_GOAL = Goal("≥20,000 texts/s batched, ≤1 ms one", max_mean_us=1000, min_batch_rate=20_000)


def _git(*args: str) -> str:
    out = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
    return out.stdout.strip()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_busy_share(seconds: float = 1.0) -> float:
    """The share of all CPUs that was busy over ``seconds`` (from /proc/stat; 0.0 where there is none)."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return 0.0
    total = total1 - total0
    return round(1 - (idle1 - idle0) / total, 3) if total else 0.0


def machine_info(**extra: str) -> dict[str, Any]:
    versions = {name: metadata.version(name) for name in ("django", "django-ninja", "uvicorn", "psycopg")}
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": _git("rev-parse", "HEAD") or "unknown",
        # Whether the code under test differs from that commit (bench/ itself does not count).
        "src_dirty": bool(_git("status", "--porcelain", "--", "src", "pyproject.toml")),
        **extra,
    }


def write_result(name: str, record: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    record = {"name": name, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), **record}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _verdict(record: dict[str, Any]) -> str:
    met = record.get("meets_goal")
    return "—" if met is None else "yes" if met else "NO"


COLUMNS = (
    "run", "rate / mean", "p50", "p99", "non-2xx/err", "srv cpu ms/req", "other cpu s",
    "goal (DESIGN §11)", "met", "rows vs 201s",
)  # fmt: skip


def _cells(record: dict[str, Any]) -> dict[str, str]:
    figures = record["results"]
    cells = {"run": record["name"], "goal (DESIGN §11)": record["goal"], "met": _verdict(record)}
    if record["benchmark"] == "classify":
        return cells | {
            "rate / mean": f"{figures['batch_texts_per_s']:,}/s, one {figures['single_mean_us']} µs",
            "p99": f"{figures['single_p99_us']} µs",
        }
    if record["benchmark"] == "sse":
        latency, to_all, rss = figures["latency_ms"], figures["time_to_all_ms"], figures["server_rss_mb"]
        return cells | {
            "rate / mean": f"{figures['streams_open']:,} streams",
            "p50": f"{latency['p50']} ms",
            "p99": f"{latency['p99']} ms",
            "non-2xx/err": f"{figures['missed']} missed",
            "rows vs 201s": f"all within {to_all['max']} ms; RSS {rss['before']}→{rss['streams_open']} MB",
        }
    if record["benchmark"] == "locate":
        return cells | {"rate / mean": f"{figures['mean_us']} µs", "p99": f"{figures['p99_us']} µs"}
    if record["benchmark"] == "queue":
        slowest = figures["scenarios"][figures["slowest_scenario"]]
        return cells | {
            "rate / mean": f"{len(figures['scenarios'])} requests, SQL p50 ≤{slowest['sql_ms']['p50']} ms",
            "p99": f"SQL {figures['max_sql_p99_ms']} ms",
            "rows vs 201s": f"slowest: {figures['slowest_scenario']}",
        }
    latency = figures["latency_ms"]
    return cells | {
        "rate / mean": f"{figures['requests_per_s']:,.0f}/s",
        "p50": f"{latency['p50']} ms",
        "p99": f"{latency['p99']} ms",
        "non-2xx/err": f"{figures['non_2xx']}/{figures['socket_errors_total']}",
        "srv cpu ms/req": str(figures.get("server_cpu_ms_per_request", "")),
        "other cpu s": str(figures.get("cpu_seconds", {}).get("other", "")),
        "rows vs 201s": _rows_check(record.get("db_check", {})),
    }


def print_table(records: list[dict[str, Any]]) -> None:
    rows = [list(COLUMNS), *([_cells(r).get(column, "") for column in COLUMNS] for r in records)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    print()
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def saved_records() -> list[dict[str, Any]]:
    """The records in bench/results, in the order a full run writes them."""
    order = [f"{b}-{d}-w{w}" for d in ("sqlite", "postgresql") for w in (1, 2) for b in ("intake", "get")]
    order.append("locate")
    order += [f"queue-{d}{i}" for i in ("", "-index") for d in ("sqlite", "postgresql")]
    order += [f"sse-{d}-{s}" for d in ("sqlite", "postgresql") for s in ("one", "spread", "one-notify")]
    paths = {path.stem: path for path in RESULTS_DIR.glob("*.json")}
    return [json.loads(paths[name].read_text(encoding="utf-8")) for name in order if name in paths]


def _rows_check(check: dict[str, Any]) -> str:
    verdict = str(check.get("verdict", ""))
    if "joined_open_case" in check:
        verdict += f"; {check['joined_open_case']} joined an open case"
    return verdict
