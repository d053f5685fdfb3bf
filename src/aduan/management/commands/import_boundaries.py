"""`aduan import-boundaries FILE.geojson ...`: load kota/kecamatan/kelurahan polygons by Kemendagri code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.domain.errors import DomainError
from aduan.models import Region
from aduan.services import masterdata


class Command(BaseCommand):
    help = (
        "Impor poligon batas wilayah dari GeoJSON (FeatureCollection, properti 'kode' = kode Kemendagri). "
        "Geometri tidak sah diperbaiki (buffer(0)); satu feature rusak membatalkan seluruh berkas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        if not Region.objects.exists():
            raise CommandError("Wilayah belum dimuat: jalankan `aduan setup` lebih dahulu.")
        for path in files:
            try:
                result = masterdata.import_boundaries(path)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            line = f"{path.name}: {result.count} poligon {result.level} diimpor, {result.repaired} diperbaiki"
            if result.unknown_codes:
                sample = ", ".join(result.unknown_codes[:5])
                line += f"; {len(result.unknown_codes)} kode tidak dikenal dilewati ({sample})"
            self.stdout.write(self.style.SUCCESS(line))
