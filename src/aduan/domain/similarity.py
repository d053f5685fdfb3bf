"""Duplicate detection rules: distance on the ground, how alike two texts are, and what to do about it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine); exact enough at the scale of a street."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) around a point: an index-friendly pre-filter for a radius."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


class Verdict(StrEnum):
    JOIN = "join"  # the same problem: the new report follows the existing case
    SIMILAR = "similar"  # shown to officers (and to the reporter before filing), not joined
    UNRELATED = "unrelated"


@dataclass(frozen=True, slots=True)
class SimilarityPolicy:
    join_at: float = 0.55  # text similarity (cosine of TF-IDF vectors) from which a report joins a case
    similar_at: float = 0.25
    window_days: int = 14
    flood_flag_at: int = 3  # near-identical reports from one source within flood_minutes: flagged
    flood_refuse_at: int = 10  # … and from here on refused for a while
    flood_minutes: int = 60


def verdict(similarity: float, policy: SimilarityPolicy) -> Verdict:
    if similarity >= policy.join_at:
        return Verdict.JOIN
    if similarity >= policy.similar_at:
        return Verdict.SIMILAR
    return Verdict.UNRELATED
