"""`aduan apikey create|list|revoke`: Open311 clients' API keys (only their hashes are stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from aduan.domain.errors import DomainError, InvalidInput
from aduan.services import open311


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = (
        "Kunci API Open311 (POST requests): `create --name NAMA` membuat kunci dan menampilkannya sekali; "
        "`list` menampilkan awalan, nama dan pemakaian terakhir; `revoke --prefix AWALAN` mencabutnya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="buat kunci baru untuk satu klien")
        create.add_argument("--name", required=True, help="nama klien (aplikasi atau instansi)")
        actions.add_parser("list", help="daftar kunci")
        revoke = actions.add_parser("revoke", help="cabut kunci")
        revoke.add_argument("--prefix", required=True, help="awalan kunci seperti pada `list`")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            try:
                row, key = open311.create_api_key(options["name"])
            except InvalidInput as error:
                raise CommandError(str(error)) from error
            self.stdout.write(key)
            self.stderr.write(
                f"Kunci untuk '{row.name}' (awalan {row.prefix}). Simpan sekarang: kunci ini tidak dapat "
                "ditampilkan lagi, hanya hash-nya yang disimpan."
            )
        elif action == "list":
            rows = open311.api_keys()
            if not rows:
                self.stdout.write("Belum ada kunci API.")
            for row in rows:
                state = "aktif" if row.active else "dicabut"
                self.stdout.write(
                    f"{row.prefix}  {state:<7}  dibuat {_when(row.created_at)}  "
                    f"terakhir dipakai {_when(row.last_used_at)}  {row.name}"
                )
        else:
            try:
                row = open311.revoke_api_key(options["prefix"])
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(f"Kunci {row.prefix} ({row.name}) dicabut.")
