"""Finds a report's kelurahan from its point, with the polygon index built once per process."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace

from aduan.domain.gazetteer import default_gazetteer
from aduan.domain.geo import KelurahanIndex, parse_geometry
from aduan.domain.routing import Location, LocationSource, NoLocationReason
from aduan.models import BoundaryImport, Region, RegionBoundary

# How often a running process looks whether `aduan import-boundaries` ran elsewhere (one cheap query).
RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class _Loaded:
    version: int
    index: KelurahanIndex
    regions: dict[str, Region]  # kelurahan code → its Region (id, code, name only)
    checked_at: float


_lock = threading.Lock()
_loaded: _Loaded | None = None


def _current_version() -> int:
    latest = BoundaryImport.objects.order_by("-id").values_list("id", flat=True).first()
    return latest or 0


def _build(version: int) -> _Loaded:
    regions = {
        r.code: r for r in Region.objects.filter(level=Region.Level.KELURAHAN).only("id", "code", "name")
    }
    boundaries = RegionBoundary.objects.filter(region__level=Region.Level.KELURAHAN).values_list(
        "region__code", "geometry"
    )
    polygons = [(code, parse_geometry(geometry)) for code, geometry in boundaries]
    return _Loaded(version, KelurahanIndex(polygons), regions, time.monotonic())


def loaded() -> _Loaded:
    """The index for this process, rebuilt when a newer boundary import is seen."""
    global _loaded
    current = _loaded
    if current is not None and time.monotonic() - current.checked_at < RECHECK_SECONDS:
        return current
    with _lock:
        current = _loaded
        if current is not None and time.monotonic() - current.checked_at < RECHECK_SECONDS:
            return current
        version = _current_version()
        if current is None or current.version != version:
            current = _build(version)
        else:
            current = _Loaded(current.version, current.index, current.regions, time.monotonic())
        _loaded = current
        return current


def reset() -> None:
    """Forget the index (tests and the import command call this after changing polygons)."""
    global _loaded
    with _lock:
        _loaded = None


def valid_point(lat: float | None, lon: float | None) -> bool:
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def locate_report(lat: float | None, lon: float | None, text: str) -> tuple[Location, Region | None]:
    """The point decides when it can; else what the text (description, address, landmark) says.

    Nothing is guessed: a text that names only a kecamatan or an ambiguous kelurahan gives no kelurahan,
    but its mentions travel with the decision so that the triage officer sees them."""
    located, region = locate(lat, lon)
    if located.kelurahan_code is not None or not text.strip():
        return located, region
    found = default_gazetteer().find(text)
    if found is None:
        return located, region
    if found.kelurahan_code is None:
        return replace(located, mentions=found.matched), None
    region = loaded().regions.get(found.kelurahan_code)
    if region is None:
        return replace(located, mentions=found.matched), None
    return Location(found.kelurahan_code, LocationSource.TEXT, None, 0.0, region.name, found.matched), region


def locate(lat: float | None, lon: float | None) -> tuple[Location, Region | None]:
    """The Location of a point, and its kelurahan's Region (None when there is none).

    The Region is shared by every report of this process: read it, never change it."""
    if lat is None or lon is None:
        return Location(None, LocationSource.NONE, NoLocationReason.NO_POINT), None
    state = loaded()
    if not len(state.index):
        return Location(None, LocationSource.NONE, NoLocationReason.NO_BOUNDARIES), None
    found = state.index.locate(lat, lon)
    if found is None:
        return Location(None, LocationSource.NONE, NoLocationReason.OUTSIDE_JAKARTA), None
    region = state.regions[found.code]
    source = LocationSource.POINT if found.exact else LocationSource.POINT_NEAR_EDGE
    return Location(found.code, source, None, found.distance_m, region.name), region
