"""Point → kelurahan on the real polygons, with landmarks across all six kota, islands and outside points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from aduan.domain.geo import KelurahanIndex, parse_geometry
from tests.conftest import HAS_SHARED_DATA, SHARED_DATA, SHARED_DATA_REASON

pytestmark = pytest.mark.skipif(not HAS_SHARED_DATA, reason=SHARED_DATA_REASON)

# (place, lat, lon, kelurahan code, kelurahan name): landmarks whose kelurahan a Jakarta resident knows.
PLACES = [
    ("Monas", -6.1754, 106.8272, "31.71.01.1001", "Gambir"),
    ("Gelora Bung Karno", -6.2183, 106.8020, "31.71.07.1001", "Gelora"),
    ("Museum Fatahillah, Kota Tua", -6.1352, 106.8133, "31.73.03.1008", "Pinangsia"),
    ("Puri Indah", -6.1870, 106.7340, "31.73.08.1006", "Kembangan Selatan"),
    ("Ancol", -6.1225, 106.8330, "31.72.05.1003", "Ancol"),
    ("Pluit", -6.1160, 106.7910, "31.72.01.1005", "Pluit"),
    ("JIExpo Kemayoran", -6.1465, 106.8460, "31.72.05.1001", "Pademangan Timur"),
    ("Cilincing", -6.1230, 106.9450, "31.72.04.1001", "Cilincing"),
    ("Blok M", -6.2441, 106.8001, "31.74.07.1001", "Melawai"),
    ("Kebun Binatang Ragunan", -6.3125, 106.8200, "31.74.04.1004", "Ragunan"),
    ("Pondok Indah Mall", -6.2655, 106.7840, "31.74.05.1002", "Pondok Pinang"),
    ("Bandara Halim Perdanakusuma", -6.2655, 106.8910, "31.75.08.1004", "Halim Perdana Kusuma"),
    ("Taman Mini Indonesia Indah", -6.3024, 106.8952, "31.75.10.1008", "Ceger"),
    ("Pulau Untung Jawa", -5.9780, 106.7050, "31.01.02.1001", "Pulau Untung Jawa"),
    ("Pulau Pramuka", -5.7450, 106.6140, "31.01.01.1001", "Pulau Panggang"),
]
# Just off the simplified island outline: still that kelurahan, flagged as taken from the edge.
NEAR_EDGE = [("Dermaga Pulau Tidung", -5.7990, 106.5050, "31.01.02.1002")]
OUTSIDE = [
    ("Bandara Soekarno-Hatta (Tangerang)", -6.1256, 106.6558),
    ("Universitas Indonesia (Depok)", -6.3600, 106.8270),
    ("Bandung", -6.9175, 107.6191),
    ("Teluk Jakarta, 8 km dari pantai", -6.0500, 106.8500),
]


def _features(name: str) -> list[dict]:
    return json.loads((SHARED_DATA / name).read_text())["features"]


@pytest.fixture(scope="module")
def index() -> KelurahanIndex:
    features = _features("jakarta_kelurahan_boundaries.geojson")
    return KelurahanIndex((f["properties"]["kode"], parse_geometry(f["geometry"])) for f in features)


def test_all_267_kelurahan_are_indexed(index: KelurahanIndex) -> None:
    assert len(index) == 267


@pytest.mark.parametrize(("place", "lat", "lon", "code", "name"), PLACES, ids=[p[0] for p in PLACES])
def test_landmarks_land_in_their_kelurahan(
    index: KelurahanIndex, place: str, lat: float, lon: float, code: str, name: str
) -> None:
    found = index.locate(lat, lon)
    assert found is not None and found.code == code and found.exact


def test_the_landmarks_cover_all_six_kota() -> None:
    assert {code[:5] for *_, code, _ in PLACES} == {"31.01", "31.71", "31.72", "31.73", "31.74", "31.75"}


@pytest.mark.parametrize(("place", "lat", "lon", "code"), NEAR_EDGE, ids=[p[0] for p in NEAR_EDGE])
def test_a_point_just_off_a_simplified_edge_takes_the_nearest_kelurahan(
    index: KelurahanIndex, place: str, lat: float, lon: float, code: str
) -> None:
    found = index.locate(lat, lon)
    assert found is not None and found.code == code and not found.exact and 0 < found.distance_m < 400


@pytest.mark.parametrize(("place", "lat", "lon"), OUTSIDE, ids=[p[0] for p in OUTSIDE])
def test_points_outside_jakarta_find_nothing(
    index: KelurahanIndex, place: str, lat: float, lon: float
) -> None:
    assert index.locate(lat, lon) is None


def test_the_two_broken_kepulauan_seribu_geometries_are_repaired() -> None:
    broken = [
        f
        for name in ("jakarta_kota_boundaries.geojson", "jakarta_kecamatan_boundaries.geojson")
        for f in _features(name)
        if not shape(f["geometry"]).is_valid
    ]
    assert {f["properties"]["kode"] for f in broken} == {"31.01", "31.01.01"}
    for feature in broken:
        repaired = parse_geometry(feature["geometry"])
        assert repaired.is_valid and repaired.area == pytest.approx(shape(feature["geometry"]).buffer(0).area)
        assert repaired.area > 0


def test_the_shared_file_is_not_part_of_the_package() -> None:
    package = Path(__file__).resolve().parents[2] / "src"
    assert not list(package.rglob("*.geojson"))
