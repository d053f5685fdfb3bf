"""Point → kelurahan lookup over the kelurahan polygons, with a shapely STRtree built once."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

# Upstream polygons are simplified, so slivers between neighbours and the shore are not covered.
# A point this close to a kelurahan (in degrees; ~330 m at Jakarta's latitude) still belongs to it.
EDGE_TOLERANCE_DEG = 0.003


@dataclass(frozen=True, slots=True)
class Located:
    """The kelurahan a point fell in; ``exact`` is False when it was taken from a nearby polygon edge."""

    code: str
    exact: bool
    distance_m: float


def parse_geometry(geojson: dict[str, Any] | str) -> BaseGeometry:
    """A GeoJSON geometry as a valid shapely geometry; invalid rings are repaired, not dropped."""
    data = json.loads(geojson) if isinstance(geojson, str) else geojson
    geometry = shape(data)
    if geometry.is_empty:
        raise ValueError("empty geometry")
    if not geometry.is_valid:
        # buffer(0) rebuilds nested shells as land (the two Kepulauan Seribu geometries need it) but drops
        # half of a bow-tie; make_valid keeps a bow-tie whole but turns a nested shell into a hole.
        # Whichever keeps more land is the better repair.
        candidates = [_polygonal(geometry.buffer(0)), _polygonal(shapely.make_valid(geometry))]
        geometry = max(candidates, key=lambda g: g.area)
        if geometry.is_empty:
            raise ValueError("geometry has no area after repair")
    elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"expected a Polygon or MultiPolygon, got {geometry.geom_type}")
    return geometry


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the areas of a geometry (make_valid may add stray lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


class KelurahanIndex:
    """Immutable spatial index of kelurahan polygons; safe to share between threads."""

    def __init__(self, polygons: Iterable[tuple[str, BaseGeometry]]) -> None:
        pairs = list(polygons)
        self.codes: list[str] = [code for code, _ in pairs]
        self._geometries = [geometry for _, geometry in pairs]
        for geometry in self._geometries:
            shapely.prepare(geometry)
        self._tree = STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lat: float, lon: float) -> Located | None:
        """The kelurahan containing (lat, lon); else the nearest within EDGE_TOLERANCE_DEG; else None."""
        if not self.codes:
            return None
        point = Point(lon, lat)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits):
            # On a shared border the lowest code wins, so the answer does not depend on index order.
            return Located(min(self.codes[i] for i in hits), True, 0.0)
        nearest = self._tree.query_nearest(point, max_distance=EDGE_TOLERANCE_DEG, return_distance=True)
        indices, distances = nearest
        if not len(indices):
            return None
        best = min(zip(indices, distances, strict=True), key=lambda pair: (pair[1], self.codes[pair[0]]))
        return Located(self.codes[best[0]], False, round(degrees_to_metres(float(best[1]), lat), 1))


def degrees_to_metres(degrees: float, lat: float) -> float:
    # A rough conversion, good enough to tell an officer "about 120 m outside the polygon".
    return degrees * 111_320 * math.sqrt((1 + math.cos(math.radians(lat)) ** 2) / 2)
