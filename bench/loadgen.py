"""Load generation for bench/run.py: deterministic request bodies and `wrk` runs with bench/rotate.lua."""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LUA_SCRIPT = Path(__file__).resolve().parent / "rotate.lua"

# Jakarta's mainland bounding box (the brief's; it includes some of the bay, which is fine: those
# points take the "nearest polygon edge" path or go to triage, as real reports from the shore do).
LAT_RANGE = (-6.37, -6.08)
LON_RANGE = (106.68, 106.97)

_PROBLEMS = [
    "Jalan berlubang cukup dalam dan membahayakan pengendara motor",
    "Aspal rusak dan tergenang air setiap hujan",
    "Lampu penerangan jalan mati sejak beberapa hari",
    "Trotoar rusak dan dipakai parkir liar",
    "Sampah menumpuk di pinggir jalan belum diangkut",
    "Saluran air tersumbat sehingga jalan banjir",
]
_PLACES = [
    "dekat masjid",
    "depan sekolah dasar",
    "samping pasar",
    "ujung gang",
    "dekat halte",
    "depan puskesmas",
]


@dataclass(frozen=True)
class LoadShape:
    """How wrk drives the server; recorded with every result."""

    threads: int
    connections: int
    seconds: float
    warmup_seconds: float
    timeout_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": "wrk",
            "threads": self.threads,
            "connections": self.connections,
            "duration_s": self.seconds,
            "warmup_s": self.warmup_seconds,
            "timeout_s": self.timeout_seconds,
            "keep_alive": True,
        }


def random_points(count: int, seed: int) -> list[tuple[float, float]]:
    """``count`` (lat, lon) points spread uniformly over the Jakarta bounding box, the same every run."""
    rng = random.Random(seed)
    return [(round(rng.uniform(*LAT_RANGE), 6), round(rng.uniform(*LON_RANGE), 6)) for _ in range(count)]


def report_bodies(
    count: int, seed: int, categories: list[str], texts: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Valid `POST /api/v1/reports` bodies; without categories the reports are sent without one.

    With ``texts`` (category → real complaint texts, the classifier's seed set) each report gets one of its
    category's texts, so that duplicates are found about as often as in real traffic; without, a few
    templates (which intake, rightly, often takes for the same problem as a nearby report)."""
    rng = random.Random(seed)
    bodies = []
    for number, (lat, lon) in enumerate(random_points(count, seed), start=1):
        category = categories[number % len(categories)] if categories else ""
        if texts and texts.get(category):
            description = rng.choice(texts[category])
        else:
            description = f"{rng.choice(_PROBLEMS)} {rng.choice(_PLACES)} (uji beban #{number})."
        body: dict[str, Any] = {"channel": "api", "description": description, "lat": lat, "lon": lon}
        if category:
            body["category"] = category
        bodies.append(body)
    return bodies


def json_line(body: dict[str, Any]) -> str:
    """One body per line for rotate.lua (json.dumps escapes any newline inside a string)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def ensure_wrk() -> str:
    """The path of `wrk`, installing the Debian package when running as root; else a clear error."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit(
            "bench: `wrk` is not installed and this is not root: run `sudo apt-get install -y wrk` first."
        )
    print("bench: installing wrk (apt-get install -y wrk)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=False)
    if installed.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: `apt-get install wrk` finished but `wrk` is still not on PATH.")
    return found


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).splitlines()[0].strip() if (out.stdout or out.stderr) else "unknown"


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_wrk(
    wrk: str, url: str, request_file: Path, method: str, shape: LoadShape, seconds: float, start: int = 0
) -> dict[str, Any]:
    """One wrk run; returns the JSON printed by rotate.lua's done(), or raises with wrk's output.

    ``start``: where in the file the first thread begins (the others an equal share further on), so that
    consecutive runs can go on where the last one stopped instead of repeating its requests."""
    command = [
        wrk,
        f"--threads={shape.threads}",
        f"--connections={shape.connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={round(shape.timeout_seconds)}s",
        f"--script={LUA_SCRIPT}",
        url,
        "--",
        str(request_file),
        method,
        str(start),
        str(shape.threads),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return result
    raise RuntimeError(f"wrk printed no result (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    """The figures we report from one wrk run: rate, latency in ms, non-2xx and socket errors."""
    seconds = raw["duration_us"] / 1e6
    statuses = {int(code): count for code, count in raw["statuses"].items()}
    latency = raw["latency_us"]
    errors = {k: v for k, v in raw["errors"].items() if k != "status"}
    return {
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "requests": raw["requests"],
        "duration_s": round(seconds, 3),
        "latency_ms": {k: round(latency[k] / 1000, 2) for k in ("p50", "p90", "p99", "p999", "mean", "max")},
        "status_counts": {str(code): statuses[code] for code in sorted(statuses)},
        "non_2xx": sum(count for code, count in statuses.items() if not 200 <= code < 300),
        "socket_errors": errors,
        "socket_errors_total": sum(errors.values()),
        "sent": raw["sent"],
        "in_flight_at_stop": raw["sent"] - raw["requests"],
    }


def post_reports(port: int, bodies: list[dict[str, Any]]) -> tuple[list[str], dict[str, int]]:
    """Creates reports one by one over a keep-alive connection; returns their tickets and the statuses
    of the requests that failed (a server in trouble should be measured, not stop the harness)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    tickets: list[str] = []
    failures: dict[str, int] = {}
    try:
        for body in bodies:
            connection.request(
                "POST", "/api/v1/reports", json.dumps(body), {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            payload = response.read()
            if response.status == 201:
                tickets.append(json.loads(payload)["ticket"])
            else:
                failures[str(response.status)] = failures.get(str(response.status), 0) + 1
    finally:
        connection.close()
    if not tickets:
        raise RuntimeError(f"no report could be created for the GET benchmark: {failures}")
    return tickets, failures
