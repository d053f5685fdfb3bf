"""`aduan evaluate --in LABELS.csv`: per-class precision/recall/F1, macro-F1, accuracy and confusions."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.classifier.evaluation import evaluate, format_report
from aduan.classifier.model import HEADS
from aduan.services import classification


class Command(BaseCommand):
    help = (
        "Ukur model aktif pada CSV berlabel (text,category,jenis,kewenangan; kolom label boleh sebagian). "
        "Dengan --texts, teks diambil dari berkas lain lewat kolom id (mis. label LAPOR! tanpa teksnya)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--in", dest="source", type=Path, required=True)
        parser.add_argument("--texts", type=Path, help="CSV with the texts, joined on --id-column")
        parser.add_argument("--id-column", default="id")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the scores as JSON")
        parser.add_argument(
            "--strip-lapor-form",
            action="store_true",
            help="drop the lines LAPOR!'s form adds (Yth. <addressee>, Kpd Yth. …, Mohon ditindaklanjuti/"
            "informasinya/dipertimbangkan): they name the answer, so a fair score leaves them out",
        )

    def handle(
        self,
        *args: Any,
        source: Path,
        texts: Path | None,
        id_column: str,
        as_json: bool,
        strip_lapor_form: bool,
        **options: Any,
    ) -> None:
        classifier = classification.active_classifier()
        if classifier is None:
            raise CommandError("Belum ada model aktif: jalankan `aduan retrain` lebih dahulu.")
        rows = _read(source)
        heads = [h for h in HEADS if rows and h in rows[0]]
        if not heads:
            raise CommandError(f"{source.name}: tidak ada kolom label (category, jenis, kewenangan).")
        if texts is not None:
            by_id = {r[id_column]: _text_of(r) for r in _read(texts)}
            missing = [r.get(id_column, "") for r in rows if r.get(id_column) not in by_id]
            if missing:
                raise CommandError(f"{len(missing)} id tidak ada di {texts.name}, mis. {missing[:3]}")
            for row in rows:
                row["text"] = by_id[row[id_column]]
        elif rows and "text" not in rows[0]:
            raise CommandError(f"{source.name}: kolom text tidak ada (atau berikan --texts).")
        gold = {head: [r[head].strip() for r in rows] for head in heads}
        inputs = [_strip_lapor_form(r["text"]) if strip_lapor_form else r["text"] for r in rows]
        scores = evaluate(classifier, inputs, gold)
        if as_json:
            summary = {
                h: {"accuracy": s.accuracy, "macro_f1": s.macro_f1, "n": s.total} for h, s in scores.items()
            }
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(format_report(scores))


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise CommandError(f"Berkas {path} tidak ditemukan.")
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _text_of(row: dict[str, str]) -> str:
    # LAPOR! rows carry a title and a body; a citizen's title is part of what they wrote.
    return "\n".join(part for part in (row.get("title", ""), row.get("text", "")) if part)


_FORM_LINE = re.compile(
    r"^\s*(yth\b|kpd\.?\s+yth|kepada\s+yth|mohon (ditindaklanjuti|informasinya|dipertimbangkan))", re.I
)


def _strip_lapor_form(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _FORM_LINE.match(line))
