"""`lapor`: the SP4N-LAPOR! 1708 exchange — pull cases disposed to the city, push status and follow-up back.

LAPOR!'s integration API is documented only to registered agencies (on its admin pages, for accounts with the
developer role) and its fields differ by agreement, so every name here is configuration. The defaults are an
assumption modelled on what is public: the tracking id that names every LAPOR! report
(lapor.go.id/pengaduan/<TrackingID>), and the Indonesian field names of LAPOR!'s older integration stream
(``pelapor`` with ``email``/``telpon``, ``laporan`` with ``isi`` and the ``rahasia``/``anonim`` flags). A
default record::

    {"tracking_id": "4821937", "judul": "…", "isi": "…", "kategori": {"id": "…", "nama": "…"},
     "lokasi": {"lat": -6.19, "lng": 106.82, "alamat": "…"},
     "pelapor": {"nama": "…", "telpon": "…", "email": "…"},
     "rahasia": false, "tanggal_lapor": "2026-11-28T08:41:00+07:00"}

``poll`` GETs ``{api_base}/{list_path}`` with the bearer ``access_token``, page after page (``links.next``, or
``?page=N`` until a page comes back empty, at most ``max_pages``). The same records may instead be pushed to
/hooks/lapor/ signed with ``X-Lapor-Signature: <hex HMAC-SHA256 of the body>``. ``send`` reports each status
change and follow-up to ``{api_base}/{status_path}`` for the LAPOR! tracking id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

from aduan.channels.base import (
    Channel,
    ChannelConfig,
    DeliveryError,
    Item,
    PayloadError,
    WebhookRequest,
    check_signature,
    json_body,
    raise_for_status,
)
from aduan.channels.fields import (
    get_path,
    lookup,
    merged_mapping,
    normalize_phone,
    plausible_email,
    point,
    required_text,
    set_path,
    text,
)
from aduan.domain.messages import Contact, InboundMessage, OutboundMessage

log = logging.getLogger("aduan.channels.lapor")

SIGNATURE_HEADER = "X-Lapor-Signature"

# Our field → LAPOR!'s (dotted paths); options["mapping"] overrides any of them.
DEFAULT_MAPPING: dict[str, str] = {
    "external_id": "tracking_id",
    "title": "judul",
    "text": "isi",
    "lat": "lokasi.lat",
    "lon": "lokasi.lng",
    "address": "lokasi.alamat",
    "category": "kategori.nama",
    "name": "pelapor.nama",
    "phone": "pelapor.telpon",
    "email": "pelapor.email",
    "created_at": "tanggal_lapor",
    "visibility": "rahasia",
}

# What a status push carries → where in LAPOR!'s body; options["send_mapping"] overrides.
DEFAULT_SEND_MAPPING: dict[str, str] = {
    "tracking_id": "tracking_id",
    "status": "status",
    "text": "tindak_lanjut",
    "ticket": "nomor_tiket",
    "subject": "judul",
}

DEFAULTS: dict[str, Any] = {
    "list_path": "api/v1/disposisi",
    "records": "data",  # where the list sits in a page ("" when the page is the list)
    "next": "links.next",  # the next page's URL in a page; absent → ?page=N+1 until a page is empty
    "page_param": "page",
    "max_pages": 20,
    "status_path": "api/v1/disposisi/{tracking_id}/tindak-lanjut",
    "status_method": "POST",
    "response_id": "id",
    # The report's public page, linked from the case ("" for none); LAPOR! documents /pengaduan/<TrackingID>.
    "public_url": "https://www.lapor.go.id/pengaduan/{tracking_id}",
}

# The case's status as the outbox's reply names it (services.outbox._STATUS_TEXT) → our status code, which
# options["statuses"] may translate into the agreement's own values. Longest phrases first.
STATUS_PHRASES: tuple[tuple[str, str], ...] = (
    ("sudah ditindaklanjuti, menunggu validasi", "menunggu_validasi"),
    ("diterima dan menunggu ditangani", "menunggu"),
    ("diteruskan ke instansi yang berwenang", "koordinasi"),
    ("digabung dengan laporan lain", "duplikat"),
    ("diteruskan ke suku dinas", "disposisi"),
    ("sedang ditangani", "proses"),
    ("selesai", "selesai"),
    ("ditolak", "ditolak"),
)

_PRIVATE = {"1", "true", "ya", "y", "yes", "rahasia", "private", "privat"}


class LaporChannel(Channel):
    kanal = "lapor"
    label = "LAPOR! 1708"
    max_text = 4000

    def __init__(self, config: ChannelConfig | None = None) -> None:
        super().__init__(config)
        options = self.config.options
        self.mapping = merged_mapping(
            DEFAULT_MAPPING, options.get("mapping"), "lapor mapping", required=("external_id", "text")
        )
        self.send_mapping = merged_mapping(
            DEFAULT_SEND_MAPPING, options.get("send_mapping"), "lapor send_mapping", required=("tracking_id",)
        )
        self.settings = {key: options.get(key, default) for key, default in DEFAULTS.items()}
        self.categories: Mapping[str, str] = options.get("categories") or {}
        self.statuses: Mapping[str, str] = options.get("statuses") or {}

    # ------------------------------------------------------------ pushed to /hooks/lapor/

    def verify(self, request: WebhookRequest) -> None:
        check_signature(
            request.header(SIGNATURE_HEADER).strip(),  # stripped first: a blank header is a missing one
            self.config.secret,
            request.body,
            header=SIGNATURE_HEADER,
            prefix_optional=True,
            ignore_case=True,
        )

    def split(self, request: WebhookRequest) -> list[Item]:
        body = json_body(request)
        records, where = self._records(body, allow_single=True)
        return self._items(records, where)

    # ------------------------------------------------------------ pulled by the worker

    def poll(self, client: httpx.Client) -> list[Item]:
        """The cases waiting at LAPOR!, every page of them (bounded): an HTTP failure raises httpx's error,
        an unreadable record a PayloadError — the worker logs either and asks again at the next interval."""
        if not self.config.api_base:
            log.warning("lapor: api_base belum diatur, tidak ada yang ditarik")
            return []
        base = self.config.api_base.rstrip("/") + "/"
        url = urljoin(base, str(self.settings["list_path"]).lstrip("/"))
        page: int | None = 1
        found: dict[str, Item] = {}
        for _ in range(int(self.settings["max_pages"])):
            params = {str(self.settings["page_param"]): page} if page is not None else None
            response = client.get(url, params=params, headers=self._auth())
            response.raise_for_status()
            try:
                body = response.json()
            except ValueError as error:
                raise PayloadError("Jawaban LAPOR! bukan JSON.", "body") from error
            records, where = self._records(body, allow_single=False)
            if not records:
                break
            for item in self._items(records, where):
                found.setdefault(item.external_id, item)
            next_path = str(self.settings["next"])
            has_next = isinstance(body, dict) and bool(next_path) and _has_path(body, next_path)
            if not has_next:
                if page is None:
                    break
                page += 1  # numbered pages: ask for the next until one comes back empty
                continue
            following = text(get_path(body, next_path))
            if not following:
                break
            url = urljoin(url, following)
            if not _same_origin(url, base):
                log.warning("lapor: halaman berikut %s di luar api_base, berhenti", url)
                break
            page = None
        return list(found.values())

    def _auth(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.config.access_token:
            headers["Authorization"] = f"Bearer {self.config.access_token}"
        return headers

    def _records(self, body: Any, allow_single: bool) -> tuple[list[Any], str]:
        """The records in a page ({"data": [...]}), a bare list, or — pushed — one record."""
        records_path = str(self.settings["records"])
        if isinstance(body, list):
            records, where = body, ""
        elif isinstance(body, dict) and records_path and get_path(body, records_path) is not None:
            records, where = get_path(body, records_path), records_path
        elif isinstance(body, dict) and allow_single:
            return [body], "single"
        else:
            raise PayloadError(f"Isi harus daftar laporan LAPOR! atau {{'{records_path}': [...]}}.", "body")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise PayloadError("Setiap laporan LAPOR! harus berupa objek.", where or "body")
        return records, where

    def _items(self, records: list[Any], where: str) -> list[Item]:
        items = []
        for number_, record in enumerate(records):
            prefix = "" if where == "single" else f"{where}[{number_}]."
            try:
                inbound = self.parse(record)
            except PayloadError as error:
                raise PayloadError(str(error), prefix + error.field, error.status) from error
            assert inbound is not None
            items.append(Item(inbound.external_id, record))
        return items

    # ------------------------------------------------------------ one record

    def parse(self, payload: Any) -> InboundMessage | None:
        if not isinstance(payload, Mapping):
            raise PayloadError("Laporan LAPOR! harus berupa objek.", "body")
        tracking_id = required_text(payload, self.mapping["external_id"], "Laporan LAPOR! tanpa tracking id.")
        body = required_text(payload, self.mapping["text"], "Isi laporan LAPOR! kosong.")
        title = self._value(payload, "title")
        description = f"{title}\n\n{body}" if title and title.lower() not in body.lower() else body
        lat, lon = point(payload, self.mapping["lat"], self.mapping["lon"])
        name = self._value(payload, "name")
        phone = normalize_phone(self._value(payload, "phone")) or ""
        category = self._value(payload, "category")
        _, visibility = lookup(payload, self.mapping["visibility"])
        private = visibility is True or text(visibility).lower() in _PRIVATE
        extra = {"category": category, "created_at": self._value(payload, "created_at"), "title": title}
        return InboundMessage(
            kanal=self.kanal,
            external_id=tracking_id,
            text=description,
            sender=Contact(self.kanal, tracking_id, name[:120], tracking_id),
            lat=lat,
            lon=lon,
            address=self._value(payload, "address")[:300],
            category=str(self.categories.get(category, "")),
            visibility="private" if private else "public",
            reporter_name=name[:120],
            reporter_phone=phone,
            reporter_email=plausible_email(self._value(payload, "email")),
            source_url=self._public_url(tracking_id),
            extra={k: v for k, v in extra.items() if v},
        )

    def _public_url(self, tracking_id: str) -> str:
        template = str(self.settings["public_url"])
        return template.format(tracking_id=quote(tracking_id, safe="")) if template else ""

    def _value(self, payload: Mapping[str, Any], name: str) -> str:
        return text(lookup(payload, self.mapping[name])[1])

    # ------------------------------------------------------------ status and follow-up back to LAPOR!

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        if not self.config.api_base:
            raise DeliveryError("api_base LAPOR! belum diatur", permanent=True)
        tracking_id = message.to.thread or message.to.address
        if not tracking_id:
            raise DeliveryError("laporan ini tidak punya tracking id LAPOR!", permanent=True)
        status = status_of(message.subject or message.text)
        values = {
            "tracking_id": tracking_id,
            "status": str(self.statuses.get(status, status)),
            "text": message.text,
            "ticket": message.ticket,
            "subject": message.subject,
        }
        body: dict[str, Any] = {}
        for ours, targets in self.send_mapping.items():
            for target in targets:
                set_path(body, target, values[ours])
        path = str(self.settings["status_path"]).format(tracking_id=quote(tracking_id, safe=""))
        method = str(self.settings["status_method"]).upper()
        if method not in ("POST", "PUT", "PATCH"):
            raise DeliveryError(f"status_method {method} tidak didukung", permanent=True)
        response = client.request(
            method,
            urljoin(self.config.api_base.rstrip("/") + "/", path.lstrip("/")),
            content=json.dumps(body).encode(),
            headers={**self._auth(), "Content-Type": "application/json", "Idempotency-Key": message.key},
        )
        raise_for_status(response)
        try:
            answer = response.json()
        except ValueError:
            return ""
        return text(get_path(answer, str(self.settings["response_id"])))


def status_of(reply: str) -> str:
    """Our status code named in a reply's subject or text ("[T] Laporan Anda sedang ditangani" → proses)."""
    lowered = reply.lower()
    for phrase, status in STATUS_PHRASES:
        if phrase in lowered:
            return status
    return ""


def _has_path(data: Any, path: str) -> bool:
    *parents, last = path.split(".")
    holder = get_path(data, ".".join(parents)) if parents else data
    return isinstance(holder, Mapping) and last in holder


def _same_origin(url: str, base: str) -> bool:
    """The bearer token only goes to LAPOR!'s own host, whatever a page's ``next`` says."""
    one, other = urlsplit(url), urlsplit(base)
    return (one.scheme, one.netloc) == (other.scheme, other.netloc)
