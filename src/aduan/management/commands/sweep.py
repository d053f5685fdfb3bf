"""`aduan sweep`: one pass of the deadline sweep (red flags, reminders, escalation), printing what it did."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.services import deadlines


class Command(BaseCommand):
    help = (
        "Satu putaran penyapu tenggat: memberi tenggat laporan lama yang belum punya, memasang bendera "
        "merah sehari kerja sebelum batas, mengingatkan tanggapan pertama yang terlambat, dan mengeskalasi "
        "laporan yang lewat batas ke unit di atasnya. Aman dijalankan ulang; `aduan worker` menjalankannya "
        "tiap menit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=None, help="berhenti setelah sekian laporan diubah (sisanya nanti)"
        )

    def handle(self, *args: Any, limit: int | None, **options: Any) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit harus bilangan bulat positif.")
        result = deadlines.sweep(limit=limit)
        for line in result.actions:
            self.stdout.write(line)
        if result.backfilled:
            self.stdout.write(f"{result.backfilled} laporan lama diberi tenggat.")
        if not (result.actions or result.backfilled):
            self.stdout.write("Tidak ada yang perlu dilakukan.")
        self.stdout.write(
            f"Bendera merah {result.red_flags}, tanggapan pertama terlambat {result.response_reminders}, "
            f"lewat batas {result.overdue}, eskalasi {result.escalations}, dilewati (sedang dikunci) "
            f"{result.skipped}, ditolak {result.refused}."
            + (" Berhenti di batas --limit; sisanya pada putaran berikutnya." if result.stopped_early else "")
        )
