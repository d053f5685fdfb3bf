"""The set-up commands: `aduan setup` (idempotent), `aduan import-boundaries` and `aduan import-tupoksi`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from aduan.manage import main
from aduan.models import Agency, BoundaryImport, Category, Officer, Region, RegionBoundary, Unit
from aduan.services.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[106.8, -6.2], [106.9, -6.2], [106.9, -6.1], [106.8, -6.1], [106.8, -6.2]]],
}


def counts() -> dict[str, int]:
    return {
        "region": Region.objects.count(),
        "unit": Unit.objects.count(),
        "agency": Agency.objects.count(),
        "category": Category.objects.count(),
        "officer": Officer.objects.count(),
        "user": get_user_model().objects.count(),
        "boundary_import": BoundaryImport.objects.count(),
    }


def write(tmp_path: Path, content: object, name: str = "batas.geojson") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def feature(code: str, geometry: object = SQUARE) -> dict[str, object]:
    return {"type": "Feature", "properties": {"kode": code}, "geometry": geometry}


def test_master_data_has_every_region_and_unit_kind() -> None:
    assert Region.objects.filter(level="kota").count() == 6
    assert Region.objects.filter(level="kecamatan").count() == 44
    assert Region.objects.filter(level="kelurahan").count() == 267
    assert Unit.objects.filter(kind="kelurahan").count() == 267
    assert Unit.objects.filter(kind="kecamatan").count() == 44
    assert Unit.objects.filter(kind="kota").count() == 6
    gambir = Unit.objects.get(code="KEL-31.71.01.1001")
    assert (gambir.name, gambir.parent.code, gambir.parent.parent.code) == (
        "Kelurahan Gambir",
        "KEC-31.71.01",
        "KOTA-31.71",
    )
    assert Unit.objects.filter(code__in=["BIROPEM", "TRIASE"]).count() == 2


def test_tupoksi_makes_each_agency_and_its_suku_dinas_per_kota(shared_data: Path) -> None:
    assert Category.objects.count() == 45
    assert Unit.objects.get(code="BINAMARGA").kind == "dinas"
    sudin = Unit.objects.get(code="BINAMARGA-31.71")
    assert (sudin.kind, sudin.parent.code, sudin.region.code) == ("suku_dinas", "BINAMARGA", "31.71")
    with_sudin = Agency.objects.filter(has_suku_dinas=True).count()
    assert Unit.objects.filter(kind="suku_dinas").count() == with_sudin * 6
    assert Unit.objects.get(code="INSPEKTORAT").kind == "inspektorat"
    assert not Unit.objects.filter(
        code="EKSTERNAL"
    ).exists()  # a referral target, not a unit that works cases
    assert Category.objects.get(code="FASUM").agency is None  # "KELURAHAN": the kelurahan itself


def test_setup_twice_duplicates_nothing(shared_data: Path) -> None:
    call_command("setup", data=shared_data, demo=True, stdout=io.StringIO())
    first = counts()
    call_command("setup", data=shared_data, demo=True, stdout=io.StringIO())
    assert counts() == first
    assert set(Officer.objects.values_list("user__username", flat=True)) >= {
        a.username for a in DEMO_ACCOUNTS
    }


def test_setup_without_data_still_gives_regions_and_says_what_is_missing(
    tmp_path: Path, capsys: object
) -> None:
    call_command("setup", data=tmp_path)
    assert Region.objects.filter(level="kelurahan").count() == 267


def test_import_boundaries_sets_polygons_and_centroids(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"type": "FeatureCollection", "features": [feature("31.71.01.1001"), feature("99.99.99.9999")]},
    )
    before = BoundaryImport.objects.count()
    call_command("import_boundaries", str(path), stdout=io.StringIO())
    gambir = Region.objects.get(code="31.71.01.1001")
    assert json.loads(gambir.boundary.geometry)["type"] == "Polygon"
    assert gambir.centroid_lat == pytest.approx(-6.15) and gambir.centroid_lon == pytest.approx(106.85)
    assert BoundaryImport.objects.count() == before + 1


@pytest.mark.parametrize(
    ("case", "content", "message"),
    [
        ("not JSON", "{bukan json", "bukan GeoJSON"),
        ("not a collection", {"type": "Feature"}, "FeatureCollection"),
        ("no features", {"type": "FeatureCollection", "features": []}, "FeatureCollection"),
        (
            "no kode",
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": SQUARE}],
            },
            "kode",
        ),
        (
            "not a region code",
            {"type": "FeatureCollection", "features": [feature("GAMBIR")]},
            "bukan kode wilayah",
        ),
        (
            "mixed levels",
            {"type": "FeatureCollection", "features": [feature("31.71"), feature("31.71.01.1001")]},
            "satu tingkat",
        ),
        (
            "broken geometry after a good one",
            {
                "type": "FeatureCollection",
                "features": [
                    feature("31.71.01.1001"),
                    feature("31.71.01.1002", {"type": "Polygon", "coordinates": [[[1, 2]]]}),
                ],
            },
            "geometri rusak",
        ),
        (
            "a line, not an area",
            {
                "type": "FeatureCollection",
                "features": [
                    feature(
                        "31.71.01.1001", {"type": "LineString", "coordinates": [[106.8, -6.2], [106.9, -6.1]]}
                    )
                ],
            },
            "geometri rusak",
        ),
        (
            "no known code",
            {"type": "FeatureCollection", "features": [feature("99.99.99.9999")]},
            "tidak ada kode",
        ),
    ],
)
def test_a_bad_boundary_file_is_refused_whole(
    tmp_path: Path, case: str, content: object, message: str
) -> None:
    gambir_before = (
        RegionBoundary.objects.filter(region__code="31.71.01.1001").values_list("geometry").first()
    )
    imports_before = BoundaryImport.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_boundaries", str(write(tmp_path, content)))
    after = RegionBoundary.objects.filter(region__code="31.71.01.1001").values_list("geometry").first()
    assert after == gambir_before
    assert BoundaryImport.objects.count() == imports_before


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_boundaries", str(tmp_path / "tidak-ada.geojson"))


def test_import_tupoksi_refuses_a_category_of_an_unknown_agency(tmp_path: Path) -> None:
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("code,name,kind,has_suku_dinas,scope\nUJI,Dinas Uji,dinas,no,uji\n")
    categories = tmp_path / "categories.csv"
    categories.write_text(
        "code,nama,name_en,agency,kelurahan_handles,sla_days,scope\nUJI1,Uji,Test,UJI,no,7,x\nUJI2,Uji,Test,NGACO,no,7,x\n"
    )
    before = counts()
    with pytest.raises(CommandError, match="NGACO"):
        call_command("import_tupoksi", agencies=agencies, categories=categories)
    assert counts() == before  # the good rows before the bad one were not kept either


def test_the_console_script_takes_hyphenated_command_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["aduan", "import-boundaries", "--help"])
    assert exited.value.code == 0
    assert "GeoJSON" in capsys.readouterr().out


@pytest.mark.django_db
def test_intake_replays_a_raw_email_by_its_file_name(tmp_path: Path) -> None:
    from aduan.models import Report

    source = Path(__file__).resolve().parents[1] / "channels" / "fixtures" / "email"
    raw = source / "report_plain_qp.eml"
    target = tmp_path / "laporan.eml"
    target.write_bytes(raw.read_bytes())
    out = io.StringIO()
    call_command("intake", "--kanal", "email", "--file", str(target), stdout=out)
    assert '"received": 1' in out.getvalue()
    assert Report.objects.filter(channel="email").count() == 1
