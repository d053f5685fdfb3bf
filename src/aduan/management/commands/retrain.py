"""`aduan retrain`: train on the seed set plus officers' decisions; activate only if not worse."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aduan.services import classification


class Command(BaseCommand):
    help = (
        "Latih ulang model klasifikasi dari set benih dan keputusan petugas. Model baru disimpan sebagai "
        "versi baru dan hanya diaktifkan bila tidak lebih buruk pada data uji yang tidak pernah dilatih."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--note", default="", help="catatan untuk versi ini")

    def handle(self, *args: Any, note: str, **options: Any) -> None:
        result = classification.retrain(note=note)
        self.stdout.write(
            f"Versi {result.version}: {result.train_size} contoh latih "
            f"({result.officer_examples} dari petugas), {result.heldout_size} contoh uji."
        )
        for head, score in result.scores.items():
            before = (result.previous_scores or {}).get(head)
            was = f" (sebelumnya {before['macro_f1']:.3f})" if before else ""
            self.stdout.write(
                f"  {head}: macro-F1 {score['macro_f1']:.3f}, akurasi {score['accuracy']:.3f}{was}"
            )
        if result.activated:
            self.stdout.write(self.style.SUCCESS(f"Versi {result.version} aktif."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Versi {result.version} lebih buruk pada data uji: "
                    f"versi {result.previous_version} tetap aktif."
                )
            )
