"""`aduan intake --kanal K --file F`: feed a captured delivery (a webhook body, a raw e-mail) to a channel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.channels.base import PayloadError, WebhookRequest
from aduan.channels.registry import UnknownChannel
from aduan.services import intake


class Command(BaseCommand):
    help = (
        "Masukkan kiriman yang tersimpan (isi webhook, surel mentah) ke sebuah kanal tanpa memeriksa "
        "tanda tangan: untuk memutar ulang kiriman yang tertangkap atau mengimpor dari cadangan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kanal", required=True)
        parser.add_argument("--file", type=Path, required=True)
        parser.add_argument(
            "--content-type", help="default: message/rfc822 for .eml files, application/json otherwise"
        )

    def handle(self, *args: Any, kanal: str, file: Path, content_type: str | None, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"Berkas {file} tidak ditemukan.")
        if content_type is None:
            content_type = "message/rfc822" if file.suffix.lower() == ".eml" else "application/json"
        try:
            adapter = intake.channel_for(kanal)
        except UnknownChannel as error:
            raise CommandError(f"Kanal '{kanal}' tidak dikenal atau tidak aktif.") from error
        request = WebhookRequest("POST", {"content-type": content_type}, {}, file.read_bytes(), "cli")
        try:
            received = intake.store(kanal, adapter.split(request), "cli")
        except PayloadError as error:
            raise CommandError(f"{error.field}: {error}") from error
        states = [intake.process(inbox_id) for inbox_id in received.new]
        self.stdout.write(
            json.dumps(
                {
                    "received": len(received.new),
                    "repeated": received.repeated,
                    "tickets": [m.report.ticket for m in states if m.report is not None],
                    "failed": [m.error for m in states if m.error],
                }
            )
        )
