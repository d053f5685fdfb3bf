"""Who holds a new case: the CRM rule (kelurahan of the location first), or the triage desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LocationSource(StrEnum):
    POINT = "point"  # point-in-polygon
    POINT_NEAR_EDGE = "point_near_edge"  # just outside a simplified polygon's edge
    GIVEN = "given"  # an officer or channel named the kelurahan
    TEXT = "text"  # the report's text or address names the kelurahan (gazetteer)
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
    mentions: tuple[str, ...] = ()  # the place phrases found in the text, when the text told us


@dataclass(frozen=True, slots=True)
class CategoryGuess:
    """A category for the case with its confidence: 1.0 when the reporter or an officer chose it,
    the classifier's probability otherwise. Routing treats both the same way."""

    code: str
    confidence: float
    kelurahan_handles: str  # "yes", "minor" or "no", from the tupoksi table
    agency_code: str | None = None  # None: the kelurahan itself handles it
    agency_has_suku_dinas: bool = False


@dataclass(frozen=True, slots=True)
class AuthorityGuess:
    """Whether the matter is inside Pemprov DKI's authority ("dki") or not ("luar"), and how sure."""

    kewenangan: str
    confidence: float
    regions_elsewhere: tuple[str, ...] = ()  # regions outside DKI the text names ("Kabupaten Badung")


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    """Thresholds an admin may tune; below them a human decides."""

    # Measured with `aduan thresholds` (5-fold out-of-fold on the seed set): the lowest values at which a
    # confident category is right 92 % of the time and a confident luar guess 95 % of the time.
    category_confidence: float = 0.35  # direct route to the agency, and no triage flag, from here up
    luar_confidence: float = 0.6  # propose a referral outside Pemprov DKI from here up
    direct_route: bool = True  # False: always the kelurahan first, as in CRM


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    holder_code: str
    reason: str
    facts: dict[str, object] = field(default_factory=dict)
    copied: tuple[str, ...] = ()  # units told about the case without holding it (the lurah on a direct route)
    needs_triage: bool = False  # the category is too uncertain: an officer should confirm it
    proposed_referral: str = ""  # outside Pemprov DKI: where an officer should refer it after confirming


DEFAULT_POLICY = RoutingPolicy()
REFERRAL_DEFAULT = "SP4N-LAPOR! (instansi berwenang)"


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


def suku_dinas_code(agency_code: str, kota_code: str) -> str:
    return f"{agency_code}-{kota_code}"


def decide_holder(
    location: Location,
    category: CategoryGuess | None,
    authority: AuthorityGuess | None = None,
    policy: RoutingPolicy = DEFAULT_POLICY,
) -> RoutingDecision:
    """Who holds a new case, and why, in this order:

    1. likely outside Pemprov DKI's authority (confident "luar") → the triage desk, with a proposed
       referral that an officer confirms (never refused automatically);
    2. no kelurahan → the triage desk;
    3. a confident category that the kelurahan does not handle → the agency's suku dinas for that kota
       (or the agency, when it has none), the lurah copied: one hop instead of two;
    4. otherwise the CRM rule: the kelurahan first; an uncertain category is flagged for triage.
    """
    facts: dict[str, object] = {"location_source": str(location.source)}
    if category is not None:
        facts["category"] = category.code
        facts["category_confidence"] = round(category.confidence, 3)
    if authority is not None:
        facts["kewenangan"] = authority.kewenangan
        facts["kewenangan_confidence"] = round(authority.confidence, 3)
    if (
        authority is not None
        and authority.kewenangan == "luar"
        and authority.confidence >= policy.luar_confidence
    ):
        if location.kelurahan_code:
            facts["kelurahan"] = location.kelurahan_code
        named = (
            f", teks menyebut {', '.join(authority.regions_elsewhere)}" if authority.regions_elsewhere else ""
        )
        reason = (
            f"Kemungkinan di luar kewenangan Pemprov DKI (keyakinan {authority.confidence:.2f}{named}): "
            f"diusulkan dirujuk ke {REFERRAL_DEFAULT}. Petugas triase memastikan sebelum merujuk."
        )
        return RoutingDecision(TRIAGE_UNIT_CODE, reason, facts, proposed_referral=REFERRAL_DEFAULT)
    uncertain = category is None or category.confidence < policy.category_confidence
    if location.kelurahan_code is None:
        reason_key = location.no_location_reason or NoLocationReason.NO_POINT
        facts["no_location_reason"] = str(reason_key)
        if location.mentions:  # a kecamatan or kota, or an ambiguous name: triage picks the kelurahan
            facts["mentions"] = list(location.mentions)
        return RoutingDecision(TRIAGE_UNIT_CODE, _NO_LOCATION_TEXT[reason_key], facts, needs_triage=uncertain)
    facts["kelurahan"] = location.kelurahan_code
    kelurahan_unit = kelurahan_unit_code(location.kelurahan_code)
    kota_code = ".".join(location.kelurahan_code.split(".")[:2])
    if (
        policy.direct_route
        and category is not None
        and not uncertain
        and category.kelurahan_handles == "no"
        and category.agency_code is not None
    ):
        holder = (
            suku_dinas_code(category.agency_code, kota_code)
            if category.agency_has_suku_dinas
            else category.agency_code
        )
        facts["route"] = "direct"
        reason = (
            f"Kategori {category.code} (keyakinan {category.confidence:.2f}) bukan tugas kelurahan: "
            f"langsung ke {holder}, "
            f"Kelurahan {location.kelurahan_name or location.kelurahan_code} ditembuskan."
        )
        return RoutingDecision(holder, reason, facts, copied=(kelurahan_unit,))
    place = (
        f"{location.kelurahan_name} ({location.kelurahan_code})"
        if location.kelurahan_name
        else location.kelurahan_code
    )
    if location.mentions:
        facts["mentions"] = list(location.mentions)
    if location.source is LocationSource.TEXT:
        said = ", ".join(f"'{m}'" for m in location.mentions)
        reason = f"Teks laporan menyebut {said}: Kelurahan {place} menangani lebih dahulu (CRM)."
    elif location.source is LocationSource.POINT_NEAR_EDGE:
        reason = (
            f"Titik lokasi ±{location.distance_m:.0f} m di luar batas kelurahan terdekat "
            f"({place}); diteruskan ke kelurahan tersebut sesuai aturan CRM."
        )
        facts["distance_m"] = location.distance_m
    else:
        reason = f"Lokasi berada di Kelurahan {place}: kelurahan menangani lebih dahulu (CRM)."
    if uncertain:
        reason += " Kategori belum pasti: perlu diputuskan petugas."
    return RoutingDecision(kelurahan_unit, reason, facts, needs_triage=uncertain)
