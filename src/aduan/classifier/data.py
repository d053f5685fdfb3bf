"""Labelled examples: reading and writing the CSV format, and the seed set shipped with the package."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

JENIS = ("pengaduan", "informasi", "aspirasi")
KEWENANGAN = ("dki", "luar")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    category: str
    jenis: str
    kewenangan: str


class BadData(ValueError):
    """A labelled file that cannot be used, with the row that says why."""


def read_examples(lines: Iterable[str], name: str, categories: set[str] | None = None) -> list[Example]:
    reader = csv.DictReader(lines)
    needed = {"text", "category", "jenis", "kewenangan"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        raise BadData(f"{name}: kolom {', '.join(sorted(missing))} tidak ada")
    examples = []
    for number, row in enumerate(reader, start=2):
        text = (row["text"] or "").strip()
        example = Example(text, row["category"].strip(), row["jenis"].strip(), row["kewenangan"].strip())
        if not text:
            raise BadData(f"{name} baris {number}: teks kosong")
        if example.jenis not in JENIS:
            raise BadData(f"{name} baris {number}: jenis '{example.jenis}' tidak dikenal")
        if example.kewenangan not in KEWENANGAN:
            raise BadData(f"{name} baris {number}: kewenangan '{example.kewenangan}' tidak dikenal")
        if categories is not None and example.category not in categories:
            raise BadData(f"{name} baris {number}: kategori '{example.category}' tidak dikenal")
        examples.append(example)
    return examples


def read_file(path: Path, categories: set[str] | None = None) -> list[Example]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return read_examples(handle, path.name, categories)


def seed_path() -> Traversable:
    return resources.files("aduan.classifier").joinpath("seed").joinpath("seed.csv")


def seed_examples() -> list[Example]:
    """The project's own labelled seed set (docs/training-data.md says how it was written)."""
    with seed_path().open(encoding="utf-8") as handle:
        return read_examples(handle, "seed.csv")
