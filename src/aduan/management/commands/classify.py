"""`aduan classify --in IN.csv --out OUT.csv`: id,text in; id,category,jenis,kewenangan,confidence out."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.services import classification

BATCH = 5000


class Command(BaseCommand):
    help = (
        "Klasifikasikan teks: baca CSV berkolom id,text; tulis id,category,jenis,kewenangan,confidence "
        "(kewenangan: dki atau luar; confidence: keyakinan terendah dari ketiganya)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--in", dest="source", type=Path, required=True)
        parser.add_argument("--out", dest="target", type=Path, required=True)

    def handle(self, *args: Any, source: Path, target: Path, **options: Any) -> None:
        classifier = classification.active_classifier()
        if classifier is None:
            raise CommandError("Belum ada model aktif: jalankan `aduan retrain` lebih dahulu.")
        if not source.is_file():
            raise CommandError(f"Berkas {source} tidak ditemukan.")
        csv.field_size_limit(sys.maxsize)
        with source.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"id", "text"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{source.name}: kolom {', '.join(sorted(missing))} tidak ada.")
            rows = [(row["id"], row["text"] or "") for row in reader]
        # Written to a temporary file first, so a failure never leaves half an output behind.
        partial = target.with_name(target.name + ".partial")
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "category", "jenis", "kewenangan", "confidence"])
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                for (row_id, _), guess in zip(chunk, classifier.predict([t for _, t in chunk]), strict=True):
                    writer.writerow(
                        [
                            row_id,
                            guess.category.label,
                            guess.jenis.label,
                            guess.kewenangan.label,
                            f"{guess.confidence:.4f}",
                        ]
                    )
        partial.replace(target)
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} teks diklasifikasikan ke {target}."))
