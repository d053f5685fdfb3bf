"""Who holds a new case: the CRM rule (kelurahan of the location first), or the triage desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LocationSource(StrEnum):
    POINT = "point"  # point-in-polygon
    POINT_NEAR_EDGE = "point_near_edge"  # just outside a simplified polygon's edge
    GIVEN = "given"  # an officer or channel named the kelurahan
    NONE = "none"


class NoLocationReason(StrEnum):
    NO_POINT = "no_point"
    OUTSIDE_JAKARTA = "outside_jakarta"
    NO_BOUNDARIES = "no_boundaries"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a report is, as far as intake could tell, and how it knows."""

    kelurahan_code: str | None
    source: LocationSource
    no_location_reason: NoLocationReason | None = None
    distance_m: float = 0.0
    kelurahan_name: str = ""


@dataclass(frozen=True, slots=True)
class CategoryGuess:
    """A category for the case with its confidence: 1.0 when the reporter or an officer chose it.

    The text classifier (a later issue) produces these too; routing treats both the same way.
    """

    code: str
    confidence: float
    kelurahan_handles: str  # "yes", "minor" or "no", from the tupoksi table


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    holder_code: str
    reason: str
    facts: dict[str, object] = field(default_factory=dict)


TRIAGE_UNIT_CODE = "TRIASE"

_NO_LOCATION_TEXT = {
    NoLocationReason.NO_POINT: (
        "Laporan tanpa titik lokasi: diteruskan ke meja triase untuk ditentukan wilayahnya."
    ),
    NoLocationReason.OUTSIDE_JAKARTA: "Titik lokasi di luar wilayah DKI Jakarta: diteruskan ke meja triase.",
    NoLocationReason.NO_BOUNDARIES: (
        "Batas wilayah kelurahan belum diimpor, sehingga titik lokasi belum dapat dipetakan ke kelurahan: "
        "diteruskan ke meja triase."
    ),
}


def kelurahan_unit_code(kelurahan_code: str) -> str:
    return f"KEL-{kelurahan_code}"


def decide_holder(location: Location, category: CategoryGuess | None) -> RoutingDecision:
    """The CRM rule: the kelurahan of the location holds the case first; no kelurahan → triage desk."""
    facts: dict[str, object] = {"location_source": str(location.source)}
    if category is not None:
        facts["category"] = category.code
        facts["category_confidence"] = category.confidence
    if location.kelurahan_code is None:
        reason_key = location.no_location_reason or NoLocationReason.NO_POINT
        facts["no_location_reason"] = str(reason_key)
        return RoutingDecision(TRIAGE_UNIT_CODE, _NO_LOCATION_TEXT[reason_key], facts)
    facts["kelurahan"] = location.kelurahan_code
    place = (
        f"{location.kelurahan_name} ({location.kelurahan_code})"
        if location.kelurahan_name
        else location.kelurahan_code
    )
    if location.source is LocationSource.POINT_NEAR_EDGE:
        reason = (
            f"Titik lokasi ±{location.distance_m:.0f} m di luar batas kelurahan terdekat "
            f"({place}); diteruskan ke kelurahan tersebut sesuai aturan CRM."
        )
        facts["distance_m"] = location.distance_m
    else:
        reason = f"Lokasi berada di Kelurahan {place}: kelurahan menangani lebih dahulu (CRM)."
    return RoutingDecision(kelurahan_unit_code(location.kelurahan_code), reason, facts)
