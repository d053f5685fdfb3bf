"""`jaki`: reports from the city's JAKI app (JSON with a geotag, photos and the private/public choice).

JAKI's exchange is not public; this is the contract Aduan offers it: the app's backend POSTs each report to
/hooks/jaki/ signed with ``X-Jaki-Signature: sha256=<hex HMAC-SHA256 of the body>`` and receives replies
through its push-notification endpoint ``POST {api_base}/v1/notifications``.
"""

from __future__ import annotations

from typing import Any

import httpx

from aduan.channels.base import (
    Channel,
    DeliveryError,
    Item,
    PayloadError,
    WebhookRequest,
    check_signature,
    json_body,
    raise_for_status,
)
from aduan.domain.messages import Contact, InboundAttachment, InboundMessage, OutboundMessage


class JakiChannel(Channel):
    kanal = "jaki"
    label = "Aplikasi JAKI"
    max_text = 1000

    def verify(self, request: WebhookRequest) -> None:
        # Compared as sent, whitespace included, as this channel always has.
        check_signature(
            request.header("x-jaki-signature"),
            self.config.secret,
            request.body,
            header="X-Jaki-Signature",
            strip=False,
        )

    def split(self, request: WebhookRequest) -> list[Item]:
        body = json_body(request)
        reports = body.get("reports") if isinstance(body, dict) and "reports" in body else [body]
        if not isinstance(reports, list) or not all(isinstance(r, dict) for r in reports):
            raise PayloadError("Isi harus satu laporan JAKI atau {'reports': [...]}.")
        items = []
        for number, report in enumerate(reports):
            if not str(report.get("id", "")).strip():
                raise PayloadError("Laporan JAKI tanpa id.", f"reports[{number}].id")
            self.parse(report)  # refuse unreadable reports now, before anything is stored
            items.append(Item(str(report["id"]).strip(), report))
        return items

    def parse(self, payload: Any) -> InboundMessage | None:
        detail = payload.get("report")
        if not isinstance(detail, dict):
            raise PayloadError("Bagian 'report' tidak ada.", "report")
        text = str(detail.get("description") or "").strip()
        if not text:
            raise PayloadError("Uraian laporan kosong.", "report.description")
        user = payload.get("user") if isinstance(payload.get("user"), dict) else {}
        lat, lon = (
            _number(detail.get("latitude"), "report.latitude"),
            _number(detail.get("longitude"), "report.longitude"),
        )
        if (lat is None) != (lon is None):
            raise PayloadError("Lintang dan bujur harus ada bersama.", "report.latitude")
        raw_photos = detail.get("photos")
        photos: list[Any] = raw_photos if isinstance(raw_photos, list) else []
        user_id = str(user.get("id") or "").strip()
        return InboundMessage(
            kanal=self.kanal,
            external_id=str(payload["id"]).strip(),
            text=text,
            sender=Contact(self.kanal, user_id, str(user.get("name") or ""), str(payload["id"]))
            if user_id
            else None,
            lat=lat,
            lon=lon,
            address=str(detail.get("address") or ""),
            category=str(detail.get("category") or ""),
            visibility="private" if detail.get("is_private") else "public",
            attachments=tuple(
                InboundAttachment(str(p.get("mime") or "image/jpeg"), url=str(p["url"]))
                for p in photos
                if isinstance(p, dict) and p.get("url")
            ),
            reporter_name=str(user.get("name") or ""),
            reporter_phone=str(user.get("phone") or ""),
        )

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        if not self.config.api_base:
            raise DeliveryError("api_base JAKI belum diatur", permanent=True)
        response = client.post(
            f"{self.config.api_base.rstrip('/')}/v1/notifications",
            json={
                "user_id": message.to.address,
                "report_id": message.to.thread,
                "ticket": message.ticket,
                "title": message.subject or f"Laporan {message.ticket}",
                "message": message.text,
            },
            headers={"Authorization": f"Bearer {self.config.access_token}", "Idempotency-Key": message.key},
        )
        raise_for_status(response)
        return str(response.json().get("id", ""))


def _number(value: Any, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise PayloadError(f"{field} harus angka.", field) from error
