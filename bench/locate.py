"""Point → kelurahan, in process: KelurahanIndex build time and the cost of one locate() call."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from aduan.domain.geo import KelurahanIndex, parse_geometry
from loadgen import random_points

BOUNDARIES = "jakarta_kelurahan_boundaries.geojson"


def load_polygons(path: Path) -> list[tuple[str, Any]]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return [(str(f["properties"]["kode"]), parse_geometry(f["geometry"])) for f in features]


def bench_locate(shared_data: Path, points: int, seed: int) -> dict[str, Any]:
    """Parses the polygons, builds the index, then times ``points`` lookups one by one."""
    started = time.perf_counter()
    polygons = load_polygons(shared_data / BOUNDARIES)
    parsed = time.perf_counter()
    index = KelurahanIndex(polygons)
    built = time.perf_counter()

    sample = random_points(points, seed)
    for lat, lon in sample[:1000]:  # warm-up
        index.locate(lat, lon)

    timings_ns = []
    outcomes = {"inside": 0, "near_edge": 0, "outside": 0}
    clock = time.perf_counter_ns
    for lat, lon in sample:
        before = clock()
        found = index.locate(lat, lon)
        timings_ns.append(clock() - before)
        outcomes["outside" if found is None else "inside" if found.exact else "near_edge"] += 1

    quantiles = statistics.quantiles(timings_ns, n=100)
    return {
        "polygons": len(index),
        "parse_ms": round((parsed - started) * 1000, 1),
        "index_build_ms": round((built - parsed) * 1000, 1),
        "lookups": points,
        "mean_us": round(statistics.fmean(timings_ns) / 1000, 2),
        "p50_us": round(quantiles[49] / 1000, 2),
        "p99_us": round(quantiles[98] / 1000, 2),
        "outcomes": outcomes,
    }
