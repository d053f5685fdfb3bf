"""Finding regions outside Jakarta in report text, without mistaking Jakarta streets and words for them."""

from __future__ import annotations

import pytest

from aduan.classifier.places import finder, read_places
from aduan.classifier.text import ELSEWHERE, JAKARTA, features


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jalan rusak di Kab. Badung, Bali", ["Kabupaten Badung", "Bali"]),
        ("warga kab lebong provinsi bengkulu minta fogging", ["Kabupaten Lebong", "Bengkulu"]),
        ("warga Semarang, taman kami rusak", ["Semarang"]),  # a kota and a kabupaten: the bare name
        ("pak wali Semarang, taman kami rusak", ["Kota Semarang"]),
        ("Pemkot Bandung tolong tertibkan PKL", ["Kota Bandung"]),
        ("kota batu jalannya rusak", ["Kota Batu"]),
        ("di malang jalan rusak parah", ["Malang"]),
        ("di Sumut jalan provinsi rusak", ["Sumatera Utara"]),
        ("PDAM Bekasi mati 3 hari", ["Bekasi"]),
        ("macet parah di Pangkalpinang", ["Kota Pangkal Pinang"]),
    ],
)
def test_regions_outside_jakarta_are_found(text: str, expected: list[str]) -> None:
    assert finder().find(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "jl. raya bogor depan pasar kramat jati berlubang",  # a Jakarta street named after a city
        "Jl. Surabaya Menteng trotoar rusak",
        "macet arah Bekasi di Cawang tiap pagi",  # a direction
        "sampah di Tegal Alur numpuk",  # a Jakarta kelurahan containing a region's name
        "banjir di kel. Kampung Bali, Tanah Abang",
        "nasib malang, motor kena lubang",  # an everyday word
        "rumah makan padang buang limbah ke got",
        "Kepulauan Seribu: kapal ojek tidak ada",
        "saya di jakarta pusat",
    ],
)
def test_jakarta_streets_words_and_places_are_not_regions_elsewhere(text: str) -> None:
    assert finder().find(text) == []


@pytest.mark.parametrize(
    ("text", "jakarta"),
    [
        ("got mampet di Rawamangun", True),
        ("lampu jalan mati di kec. Pasar Minggu", True),
        ("harga karet turun, petani rugi", False),  # 'Karet' is a kelurahan and a crop
        ("jalan rusak di Kab. Badung", False),
    ],
)
def test_jakarta_place_names_are_recognised(text: str, jakarta: bool) -> None:
    assert read_places(text)[1] is jakarta


def test_features_carry_the_place_signals() -> None:
    assert ELSEWHERE in features("Jalan desa di Kabupaten Garut rusak")
    assert ELSEWHERE not in features("Jalan di Jl. Raya Bekasi Cakung rusak")
    assert JAKARTA in features("Jalan di Cakung rusak")
