"""`aduan worker`: processes the inbox, delivers the outbox and polls channels, until stopped."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandParser

from aduan.services import worker


class Command(BaseCommand):
    help = (
        "Jalankan pekerja latar: memproses pesan masuk yang tertunda atau gagal, mengirim pesan keluar "
        "dengan percobaan ulang, dan menarik laporan dari kanal yang perlu ditarik (LAPOR!)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="satu putaran saja, lalu berhenti")
        parser.add_argument("--interval", type=float, default=2.0, help="jeda antar putaran (detik)")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True  # finish the round in hand; nothing is left half-done

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        poller = worker.Poller()
        with httpx.Client(timeout=10.0) as client:
            while True:
                result = worker.tick(client=client, poller=poller)
                if once or result.processed or result.sent or result.polled:
                    self.stdout.write(
                        f"diproses {result.processed}, terkirim {result.sent}"
                        + "".join(f", ditarik {k} {n}" for k, n in result.polled.items())
                    )
                if once or stopping:
                    return
                time.sleep(interval)
