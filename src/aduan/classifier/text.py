"""Normalising informal Indonesian complaint text into the tokens the classifier counts."""

from __future__ import annotations

import itertools
import re

from aduan.classifier.places import read_places

# Features of their own for "names a region outside Jakarta" and "names a Jakarta kota, kecamatan or
# kelurahan" (see places.py); no word token can look like them.
ELSEWHERE = "@wilayah_luar"
JAKARTA = "@wilayah_dki"

# Abbreviations, slang and Betawi words that Jakarta residents write, mapped to the standard word, so that
# "tdk", "gak", "kagak" and "tidak" count as one feature. Extend it when officers' corrections show a gap.
SLANG: dict[str, str] = {
    "yth": "yang terhormat",
    "tdk": "tidak",
    "tak": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "kagak": "tidak",
    "kaga": "tidak",
    "g": "tidak",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "blom": "belum",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "gmana": "bagaimana",
    "bgmn": "bagaimana",
    "knp": "kenapa",
    "napa": "kenapa",
    "jln": "jalan",
    "jl": "jalan",
    "jalanan": "jalan",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "krn": "karena",
    "karna": "karena",
    "utk": "untuk",
    "untk": "untuk",
    "dr": "dari",
    "dri": "dari",
    "sy": "saya",
    "aye": "saya",
    "gw": "saya",
    "gue": "saya",
    "gua": "saya",
    "aku": "saya",
    "bgt": "banget",
    "bngt": "banget",
    "kl": "kalau",
    "klo": "kalau",
    "kalo": "kalau",
    "tp": "tapi",
    "tpi": "tapi",
    "jg": "juga",
    "lg": "lagi",
    "org": "orang",
    "sm": "sama",
    "bs": "bisa",
    "bisa2": "bisa",
    "hrs": "harus",
    "msh": "masih",
    "skrg": "sekarang",
    "skrng": "sekarang",
    "bln": "bulan",
    "hr": "hari",
    "thn": "tahun",
    "mhn": "mohon",
    "tlg": "tolong",
    "tolongin": "tolong",
    "pls": "tolong",
    "please": "tolong",
    "dpn": "depan",
    "blkg": "belakang",
    "dkt": "dekat",
    "sblh": "sebelah",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "pemprov": "pemerintah provinsi",
    "pemkot": "pemerintah kota",
    "dki": "jakarta",
    "jkt": "jakarta",
    "lampu2": "lampu",
    "mati2": "mati",
    "got": "saluran",
    "selokan": "saluran",
    "comberan": "saluran",
    "kuburan": "makam",
    "pemakaman": "makam",
    "rusunawa": "rusun",
    "rusunami": "rusun",
    "tj": "transjakarta",
    "busway": "transjakarta",
    "krl": "commuter",
    "ktp": "ktp",
    "kk": "kartu keluarga",
    "pkl": "pedagang kaki lima",
    "jukir": "juru parkir",
}

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"[@#]\w+")
_TOKEN = re.compile(r"[a-z]+")
_REPEAT = re.compile(r"(.)\1{2,}")

# Words that carry no signal about category, jenis or authority (greetings and glue).
STOPWORDS = frozenset(
    [
        "yang",
        "di",
        "ke",
        "dari",
        "dan",
        "atau",
        "ini",
        "itu",
        "ada",
        "dengan",
        "untuk",
        "pada",
        "dalam",
        "juga",
        "saya",
        "kami",
        "kita",
        "anda",
        "bapak",
        "ibu",
        "pak",
        "bu",
        "mohon",
        "tolong",
        "terima",
        "kasih",
        "terimakasih",
        "hormat",
        "yang",
        "terhormat",
        "dengan",
        "hormat",
        "assalamualaikum",
        "wr",
        "wb",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "sangat",
        "sekali",
        "banget",
        "nya",
        "lah",
        "kah",
        "pun",
        "akan",
        "telah",
        "sudah",
        "belum",
        "masih",
        "bisa",
        "agar",
        "supaya",
        "oleh",
        "sebagai",
        "karena",
        "jadi",
        "tapi",
        "namun",
        "lagi",
        "sama",
        "seperti",
        "hal",
        "tersebut",
        "para",
        "bagi",
        "tentang",
        "atas",
        "demikian",
    ]
)


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens with slang expanded, URLs, mentions, digits and stop words removed."""
    text = _URL.sub(" ", text.lower())
    text = _MENTION.sub(" ", text)
    text = _REPEAT.sub(r"\1\1", text)  # "bangeeet" → "bangeet": elongation is emphasis, not a new word
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        word = SLANG.get(raw, raw)
        if " " in word:
            tokens.extend(w for w in word.split() if w not in STOPWORDS)
        elif word not in STOPWORDS and len(word) > 1:
            tokens.append(word)
    return tokens


def features(text: str, limit: int = 3000) -> list[str]:
    """Word unigrams and bigrams of the first ``limit`` characters (long letters say it early enough), and
    whether the text names a region outside Jakarta."""
    text = text[:limit]
    tokens = normalise(text)
    result = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
    elsewhere, jakarta = read_places(text)
    if elsewhere:
        result.append(ELSEWHERE)
    if jakarta:
        result.append(JAKARTA)
    return result
