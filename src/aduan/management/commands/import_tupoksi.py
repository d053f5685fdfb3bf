"""`aduan import-tupoksi --agencies A.csv --categories C.csv`: load or update agencies and categories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.domain.errors import DomainError
from aduan.services import masterdata


class Command(BaseCommand):
    help = "Muat atau perbarui perangkat daerah dan kategori (tabel tupoksi), lalu unit suku dinasnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=Path, required=True)
        parser.add_argument("--categories", type=Path, required=True)

    def handle(self, *args: Any, agencies: Path, categories: Path, **options: Any) -> None:
        try:
            result = masterdata.load_tupoksi(agencies, categories)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Tupoksi dimuat: baru {result.created}, diperbarui {result.updated}.")
        )
