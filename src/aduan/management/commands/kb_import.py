"""`aduan kb-import FILE…`: add knowledge-base articles from JSON files (idempotent by title/question)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.domain.errors import DomainError, InvalidInput
from aduan.services import knowledge


class Command(BaseCommand):
    help = (
        "Impor artikel basis pengetahuan dari berkas JSON (format Aduan, atau 'entries' berisi topic, "
        "question, answer, sources). Artikel yang judul atau pertanyaannya sudah ada tidak digandakan; "
        "tanpa berkas, memuat benih bawaan Aduan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="berkas JSON; kosong: benih bawaan")
        parser.add_argument(
            "--update",
            action="store_true",
            help="timpa artikel yang sudah ada dengan isi berkas (bawaan: suntingan admin dipertahankan)",
        )

    def handle(self, *args: Any, files: list[Path], update: bool, **options: Any) -> None:
        try:
            if not files:
                self._report("benih bawaan", knowledge.load_seed())
            for path in files:
                data = knowledge.read_file(path)
                self._report(path.name, knowledge.import_articles(data, update=update, source=path.name))
        except InvalidInput as exc:
            problems = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            raise CommandError(f"Berkas ditolak, tidak ada yang diimpor: {problems}") from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _report(self, name: str, result: knowledge.ImportResult) -> None:
        for note in result.notes:
            self.stderr.write(note)
        self.stdout.write(
            self.style.SUCCESS(
                f"{name}: {result.created} artikel baru, {result.updated} diperbarui, "
                f"{result.unchanged} sudah ada."
            )
        )
