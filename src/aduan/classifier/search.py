"""Knowledge-base search in Indonesian: slang, synonyms, affixes, English words and typos tolerated (pure).

A question is normalised with the classifier's slang table (``text.normalise``), multi-word names are
folded into one term ("kartu keluarga" → kk, "rumah susun" → rusun), common English words are mapped
to their Indonesian term, and each word is reduced to its stem by a light affix stripper. Articles are
scored on two TF-IDF views — these word terms, and character n-grams of the normalised text for typos
("rusunnawa", "pemakamam") — and the two cosines are mixed. Unknown query words within one edit of a
known word are corrected before scoring. docs/knowledge-base.md explains the choices and their numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from aduan.classifier.text import normalise


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Multi-word names folded into one term (after the slang table, so "kk" has already become "kartu
# keluarga" and "pemakaman" "makam"). Longest phrases are tried first.
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("rumah", "susun", "sederhana", "sewa"): ("rusun", "sewa"),
    ("rumah", "susun", "sewa"): ("rusun", "sewa"),
    ("rumah", "susun"): ("rusun",),
    ("public", "housing"): ("rusun",),
    ("social", "housing"): ("rusun",),
    ("low", "cost", "housing"): ("rusun",),
    ("kartu", "keluarga"): ("kk",),
    ("family", "card"): ("kk",),
    ("family", "register"): ("kk",),
    ("kartu", "tanda", "penduduk"): ("ktp",),
    ("tanda", "penduduk"): ("ktp",),
    ("ktp", "el"): ("ktp",),
    ("ktp", "elektronik"): ("ktp",),
    ("id", "card"): ("ktp",),
    ("identity", "card"): ("ktp",),
    ("kartu", "identitas", "anak"): ("kia",),
    ("tempat", "makam", "umum"): ("tpu", "makam"),
    ("taman", "makam", "umum"): ("tpu", "makam"),
    ("kartu", "jakarta", "pintar"): ("kjp",),
    ("kartu", "lansia", "jakarta"): ("klj", "lansia"),
    ("kartu", "lansia"): ("klj", "lansia"),
    ("lanjut", "usia"): ("lansia",),
    ("orang", "tua", "jompo"): ("lansia",),
    ("bantuan", "sosial"): ("bansos",),
    ("social", "assistance"): ("bansos",),
    ("data", "terpadu", "kesejahteraan", "sosial"): ("dtks",),
    ("data", "terpadu"): ("dtks",),
    ("data", "tunggal", "sosial", "ekonomi", "nasional"): ("dtks",),
    ("penerima", "bantuan", "iuran"): ("pbi",),
    ("jaminan", "kesehatan"): ("bpjs",),
    ("health", "insurance"): ("bpjs",),
    ("asuransi", "kesehatan"): ("bpjs",),
    ("kartu", "indonesia", "sehat"): ("bpjs",),
    ("pajak", "bumi", "bangunan"): ("pbb",),
    ("pajak", "bumi"): ("pbb",),
    ("property", "tax"): ("pbb",),
    ("land", "tax"): ("pbb",),
    ("pajak", "rumah"): ("pbb",),
    ("izin", "mendirikan", "bangunan"): ("pbg",),
    ("ijin", "mendirikan", "bangunan"): ("pbg",),
    ("persetujuan", "bangunan", "gedung"): ("pbg",),
    ("building", "permit"): ("pbg",),
    ("izin", "bangun"): ("pbg",),
    ("izin", "bangunan"): ("pbg",),
    ("surat", "izin", "mengemudi"): ("sim",),
    ("driving", "license"): ("sim",),
    ("driver", "license"): ("sim",),
    ("driving", "licence"): ("sim",),
    ("pungutan", "liar"): ("pungli",),
    ("uang", "pelicin"): ("pungli",),
    ("uang", "rokok"): ("pungli",),
    ("akta", "kelahiran"): ("akta", "lahir"),
    ("birth", "certificate"): ("akta", "lahir"),
    ("surat", "pindah"): ("pindah",),
    ("pindah", "domisili"): ("pindah",),
    ("pindah", "alamat"): ("pindah",),
    ("nomor", "tiket"): ("tiket",),
    ("nomor", "laporan"): ("tiket",),
    ("cek", "status"): ("lacak",),
    ("how", "much"): ("biaya",),
    ("how", "long"): ("lama",),
    ("balai", "kota"): ("balaikota",),
    ("wali", "kota"): ("walikota",),
    ("luar", "kewenangan"): ("kewenangan",),
    ("tidak", "mampu"): ("miskin",),
    ("kurang", "mampu"): ("miskin",),
}

# One word to its canonical term(s): variants, Betawi and English words. Applied to the word itself and
# again to its stem, so that an inflected form lands on the same term.
WORDS: dict[str, tuple[str, ...]] = {
    # housing
    "rusunawa": ("rusun",),
    "rusunami": ("rusun",),
    "flat": ("rusun",),
    "flats": ("rusun",),
    "apartment": ("rusun",),
    "apartemen": ("rusun",),
    "housing": ("rusun",),
    "rent": ("sewa",),
    "rental": ("sewa",),
    "ngontrak": ("sewa",),
    "kontrak": ("sewa",),
    # burial
    "kuburan": ("makam",),
    "kubur": ("makam",),
    "pemakaman": ("makam",),
    "pekuburan": ("makam",),
    "grave": ("makam",),
    "graves": ("makam",),
    "cemetery": ("makam",),
    "burial": ("makam",),
    "bury": ("makam",),
    "funeral": ("makam",),
    "jenazah": ("jenazah", "makam"),
    "tpu": ("tpu", "makam"),
    "tumpangan": ("tumpang",),
    "numpang": ("tumpang",),
    # money
    "harga": ("biaya",),
    "tarif": ("biaya",),
    "ongkos": ("biaya",),
    "retribusi": ("biaya", "retribusi"),
    "cost": ("biaya",),
    "costs": ("biaya",),
    "price": ("biaya",),
    "fee": ("biaya",),
    "fees": ("biaya",),
    "pay": ("bayar",),
    "free": ("gratis",),
    "gratisan": ("gratis",),
    # documents and civil registration
    "ektp": ("ktp",),
    "ktpel": ("ktp",),
    "kk": ("kk",),
    "akte": ("akta",),
    "certificate": ("akta",),
    "lost": ("hilang",),
    "ilang": ("hilang",),
    "broken": ("rusak",),
    "damaged": ("rusak",),
    "alpukat": ("alpukat",),
    "dukcapil": ("dukcapil",),
    "disdukcapil": ("dukcapil",),
    "capil": ("dukcapil",),
    "moving": ("pindah",),
    "move": ("pindah",),
    # social aid, health, school
    "dtsen": ("dtks",),
    "pkh": ("bansos", "pkh"),
    "bpnt": ("bansos", "bpnt"),
    "blt": ("bansos",),
    "sembako": ("bansos", "sembako"),
    "welfare": ("bansos",),
    "aid": ("bansos",),
    "manula": ("lansia",),
    "jompo": ("lansia",),
    "elderly": ("lansia",),
    "kis": ("bpjs",),
    "jkn": ("bpjs",),
    "askes": ("bpjs",),
    "school": ("sekolah",),
    "scholarship": ("kjp",),
    "poor": ("miskin",),
    "sktm": ("miskin",),
    # taxes, permits, police
    "sppt": ("pbb",),
    "njop": ("pbb", "njop"),
    "tax": ("pajak",),
    "imb": ("pbg",),
    "pbg": ("pbg",),
    "simbg": ("pbg",),
    "stnk": ("sim", "stnk"),
    "satpas": ("sim",),
    "korlantas": ("sim",),
    "polisi": ("polri",),
    "police": ("polri",),
    # reporting
    "aduan": ("lapor",),
    "pengaduan": ("lapor",),
    "mengadu": ("lapor",),
    "ngadu": ("lapor",),
    "adu": ("lapor",),
    "keluhan": ("lapor",),
    "komplain": ("lapor",),
    "complaint": ("lapor",),
    "complain": ("lapor",),
    "report": ("lapor",),
    "reports": ("lapor",),
    "track": ("lacak",),
    "tracking": ("lacak",),
    "pantau": ("lacak",),
    "tiket": ("tiket",),
    "ticket": ("tiket",),
    "calo": ("pungli",),
    "suap": ("pungli",),
    "bribe": ("pungli",),
    # verbs and everyday words
    "register": ("daftar",),
    "registration": ("daftar",),
    "apply": ("daftar",),
    "application": ("daftar",),
    "signup": ("daftar",),
    "requirement": ("syarat",),
    "requirements": ("syarat",),
    "document": ("dokumen",),
    "documents": ("dokumen",),
    "berkas": ("dokumen",),
    "bikin": ("buat",),
    "make": ("buat",),
    "ngurus": ("urus",),
    "nyari": ("cari",),
    "ngecek": ("cek",),
    "check": ("cek",),
    "periksa": ("cek",),
    "renew": ("panjang",),
    "extend": ("panjang",),
    "hp": ("ponsel",),
    "handphone": ("ponsel",),
    "online": ("daring",),
    "internet": ("daring",),
    "aplikasi": ("aplikasi",),
    "app": ("aplikasi",),
    "apk": ("aplikasi",),
}

# Words that say nothing about which article answers: question words, politeness, chat fillers, and
# English glue. (The classifier's stop words are removed already by ``normalise``.)
STOPWORDS = _words(
    """
    apa apakah bagaimana berapa kapan dimana mana siapa kenapa mengapa gimana bgmn cara caranya
    mau ingin pengen pingin kepingin boleh bolehkah bisakah dapat dapatkah perlu harus
    min admin mimin kak kakak gan sis bang mas mbak om tante bapak ibu pak bu
    tanya nanya bertanya pertanyaan info informasi dong deh sih nih ya yah kok aja saja
    kah lah pun nya sdh halo hai hi hello permisi maaf
    punya ada adalah jadi buat bikin ini itu tsb tersebut kalau jika bila
    how what where when who why which is are am do does did can could should would will
    the a an to for of in on at by with from my me i you your we our it this that there
    get got need want please thanks thank about and or if any
    el e
    """
)

_PARTICLES = ("kah", "lah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "i")
_MIN_STEM = 4
# Short acronyms and words whose endings only look like affixes: never stripped.
_KEEP = _words(
    """
    ktp kk kia kjp klj tpu bpjs pbi pbb pbg imb sim stnk dtks bansos rusun makam lansia pajak sewa
    tarif biaya akta lahir pindah tiket lapor jaki crm uprs sirukim njop sppt polri lurah camat
    kelurahan kecamatan jakarta dinas bank daring ponsel syarat dokumen gratis miskin cek lacak
    pungli hilang rusak jenazah tumpang retribusi blok sekolah siswa anak iuran kesehatan puskesmas
    tagihan bangunan kawasan kewenangan layanan pelayanan bantuan
    """
)


def stem(word: str) -> str:
    """A light Indonesian stemmer: particles, possessives, one derivational suffix and up to two
    prefixes are removed, keeping at least four letters. Where a nasal prefix hides the root's first
    letter (menyewa → sewa, mengurus → urus, mengirim → kirim) the reading found in a small root list
    wins. Deliberately conservative: a stem that is a little too long still matches through the
    character n-grams; one that is too short matches nonsense."""
    if len(word) <= _MIN_STEM or word in _KEEP or word in _ROOTS:
        return word
    # Particles (-kah, -lah) and the short possessives (-ku, -mu) end many roots too (menikah, masalah,
    # berlaku): they go only when what is left is a known root; "-nya" always goes.
    for affix in (*_PARTICLES, *_POSSESSIVES):
        rest = word[: -len(affix)]
        if word.endswith(affix) and ((affix == "nya" and len(rest) >= _MIN_STEM) or rest in _ROOTS):
            word = rest
            break
    candidates = [_strip_suffix(w) for w in _strip_prefixes(word)]
    return next((c for c in candidates if c in _ROOTS or c in _KEEP), candidates[0])


def _strip_suffix(word: str) -> str:
    if word in _KEEP or word in _ROOTS:
        return word
    for suffix in _SUFFIXES:
        shorter = word[: -len(suffix)]
        if word.endswith(suffix) and (len(shorter) >= _MIN_STEM or shorter in _ROOTS):
            if suffix == "kan" and shorter + "k" in _ROOTS:  # "dudukan" is duduk+an, not dudu+kan
                return shorter + "k"
            return shorter
    return word


# Prefix → the letters that may have been swallowed when the root starts with a vowel after it
# (menyewa → sewa, memakai → pakai, menulis → tulis, mengirim → kirim), most common reading first.
_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meny", ("s",)),
    ("peny", ("s",)),
    ("meng", ("", "k")),
    ("peng", ("", "k")),
    ("mem", ("p", "m")),
    ("pem", ("p", "m")),
    ("men", ("t", "n")),
    ("pen", ("t", "n")),
    ("ber", ("",)),
    ("per", ("", "r")),
    ("ter", ("",)),
    ("me", ("",)),
    ("pe", ("",)),
    ("di", ("",)),
    ("ke", ("",)),
    ("se", ("",)),
    ("nge", ("",)),
    ("ng", ("",)),
)

# Roots the stemmer may land on where a prefix or suffix is ambiguous; not a dictionary, only the words
# the knowledge base is about.
_ROOTS = _words(
    """
    urus kirim terima tulis pakai sewa daftar bayar lapor makam ambil ganti tanya jawab cari buat ubah
    tinggal panjang bebas milik huni usul cair rekam cetak tunggak nikah ikut aju duduk rumah tanam
    laku masalah
    nilai catat kubur pindah lahir mati hilang rusak urai tolak proses selesai tunggu tangan anti
    """
)


def _strip_prefixes(word: str) -> list[str]:
    """The word without up to two prefixes, as one or more readings (most likely first)."""
    readings = [word]
    for _ in range(2):
        current = readings[0]
        if current in _KEEP or current in _ROOTS:
            break
        for prefix, replacements in _PREFIXES:
            rest = current[len(prefix) :]
            if not current.startswith(prefix):
                continue
            options = [r + rest for r in replacements] if rest[:1] in "aiueo" else [rest]
            if len(options[0]) >= _MIN_STEM or options[0] in _ROOTS:
                readings = options
                break
        else:
            break
    return readings


def _fold_phrases(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    longest = max(len(p) for p in PHRASES)
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 1, -1):
            canonical = PHRASES.get(tuple(tokens[i : i + size]))
            if canonical is not None:
                out.extend(canonical)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _canonical(word: str) -> tuple[str, ...]:
    mapped = WORDS.get(word)
    if mapped is not None:
        return mapped
    stemmed = stem(word)
    return WORDS.get(stemmed, (stemmed,))


_ASCII = re.compile(r"[^a-z0-9 ]+")


def analyse(text: str) -> list[str]:
    """The terms of a text: slang expanded, phrases folded, synonyms mapped, stems, no stop words."""
    # "e-KTP", "KTP-el": glue the pieces so that the slang and word tables see one token.
    text = re.sub(r"\be[-\s]?ktp\b", " ektp ", text.lower())
    text = re.sub(r"\bktp[-\s]?el\b", " ktpel ", text)
    tokens = [t for t in _fold_phrases(normalise(text)) if t not in STOPWORDS]
    terms: list[str] = []
    for token in tokens:
        terms.extend(t for t in _canonical(token) if t not in STOPWORDS)
    return terms


def surface(text: str) -> str:
    """The normalised text the character n-grams are taken from: slang and synonyms mapped, unstemmed."""
    tokens = [t for t in _fold_phrases(normalise(text)) if t not in STOPWORDS]
    return " ".join(" ".join(WORDS.get(t, (t,))) for t in tokens)


@dataclass(frozen=True, slots=True)
class Document:
    """One article as the index sees it."""

    id: int
    title: str
    question: str = ""
    keywords: str = ""
    body: str = ""
    topic: str = ""

    @property
    def head(self) -> str:
        return " \n".join(part for part in (self.title, self.question, self.keywords, self.topic) if part)


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    score: float
    snippet: str


@dataclass(frozen=True, slots=True)
class Weights:
    """How the two views are mixed; measured on tests/data/knowledge/questions.csv."""

    word: float = 0.6  # word terms (stems, synonyms)
    char: float = 0.4  # character 3-5-grams of the normalised words (typos)
    head_repeat: int = 2  # title, question and keywords count this many times against the body once


def _identity(terms: list[str]) -> list[str]:
    return terms


class Index:
    """An in-memory search index over a few hundred articles; built in well under a second."""

    def __init__(self, documents: Sequence[Document], weights: Weights | None = None) -> None:
        self.documents = list(documents)
        self.weights = weights or Weights()
        self._ids = [d.id for d in self.documents]
        heads = [analyse(d.head) for d in self.documents]
        bodies = [analyse(d.body) for d in self.documents]
        word_docs = [h * self.weights.head_repeat + b for h, b in zip(heads, bodies, strict=True)]
        char_docs = [
            " ".join([surface(d.head)] * self.weights.head_repeat + [surface(d.body)]) for d in self.documents
        ]
        self._words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
        if self.documents:
            self._word_matrix = self._words.fit_transform(word_docs)
            self._char_matrix = self._chars.fit_transform(char_docs)
        self.vocabulary = frozenset(t for terms in word_docs for t in terms)
        self._deletes = _delete_index(self.vocabulary)
        self._body_sentences = [_sentences(d.body) for d in self.documents]

    def __len__(self) -> int:
        return len(self.documents)

    def correct(self, terms: Iterable[str]) -> list[str]:
        """Each term unknown to the index replaced by the known terms one edit away (a typo), if any."""
        out: list[str] = []
        for term in terms:
            if term in self.vocabulary or len(term) < 4:
                out.append(term)
                continue
            candidates = _near(term, self._deletes)
            out.extend(sorted(candidates)[:3] if candidates else [term])
        return out

    def search(self, query: str, limit: int = 3, min_score: float = 0.0) -> list[Hit]:
        """The best ``limit`` articles for ``query`` with a score in [0, 1] and a snippet of each."""
        if not self.documents:
            return []
        terms = self.correct(analyse(query))
        if not terms:
            return []
        word_q = self._words.transform([terms])
        char_q = self._chars.transform([" ".join([surface(query), *terms])])
        scores = self.weights.word * _cosines(self._word_matrix, word_q) + self.weights.char * _cosines(
            self._char_matrix, char_q
        )
        order = np.argsort(-scores, kind="stable")[:limit]
        wanted = set(terms)
        return [
            Hit(self._ids[i], round(float(scores[i]), 4), self._snippet(i, wanted))
            for i in order
            if scores[i] > min_score
        ]

    def _snippet(self, i: int, terms: set[str], width: int = 240) -> str:
        sentences = self._body_sentences[i]
        if not sentences:
            return ""
        best = max(sentences, key=lambda s: (len(terms & s[1]), -sentences.index(s)))
        text = best[0] if terms & best[1] else sentences[0][0]
        return _shorten(text, width)


def _cosines(matrix: sparse.csr_matrix, query: sparse.csr_matrix) -> np.ndarray:
    # Both sides are L2-normalised by the vectoriser: the dot product is the cosine.
    return np.asarray((matrix @ query.T).toarray()).ravel()


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentences(body: str) -> list[tuple[str, frozenset[str]]]:
    parts = [p.strip() for p in _SENTENCE.split(body) if p and p.strip()]
    return [(p, frozenset(analyse(p))) for p in parts]


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _delete_index(vocabulary: Iterable[str]) -> dict[str, set[str]]:
    """Symmetric-delete index (as in SymSpell): every term and its one-letter deletions → the terms.
    Looking a word's own deletions up finds terms within one insertion, deletion, substitution or
    swap of adjacent letters, without comparing against the whole vocabulary."""
    index: dict[str, set[str]] = {}
    for term in vocabulary:
        if len(term) < 4:
            continue
        for key in {term, *_deletes(term)}:
            index.setdefault(key, set()).add(term)
    return index


def _near(word: str, index: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for key in {word, *_deletes(word)}:
        found |= index.get(key, set())
    # A deletion on both sides can also pair two different substitutions ("rusak" ~ "rumah" via "ru_a_");
    # keep only real one-edit neighbours.
    return {t for t in found if _one_edit(word, t)}


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass
class Evaluation:
    """Top-1 and top-3 accuracy of an index over labelled questions, and the misses."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, int, list[int]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def evaluate(index: Index, labelled: Iterable[tuple[str, int]]) -> Evaluation:
    result = Evaluation()
    for question, expected in labelled:
        found = [h.id for h in index.search(question, limit=3)]
        result.total += 1
        result.top1 += bool(found) and found[0] == expected
        if expected in found:
            result.top3 += 1
        else:
            result.misses.append((question, expected, found))
    return result


__all__ = ["Document", "Evaluation", "Hit", "Index", "Weights", "analyse", "evaluate", "stem", "surface"]
