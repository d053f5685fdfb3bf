"""`qlue`: legacy Qlue reports (Jakarta's citizen app 2014–2019), pushed one by one or from an export.

Two shapes are read out of the box: the export (``id``/``post_id``, ``description``, ``lat``, ``lng``,
``address``, ``category``/``label``, ``username``, ``image``/``photo_url``, ``created_at``, ``status``) and
Qlue's old feed (``post_id``, ``post_title``, ``post_desc``, ``loc_lat``, ``loc_lng``, ``post_images``,
``profile_name``, ``post_date``); ``options["mapping"]`` maps our fields to other names.

Live records are POSTed to /hooks/qlue/ signed with ``X-Qlue-Signature: <hex HMAC-SHA256 of the body>``; an
export (a JSON array, ``{"data": [...]}`` or JSON Lines) goes through ``aduan intake --kanal qlue --file F``.
Either way a record's Qlue id makes it idempotent: importing an export twice makes each case once.

Qlue accounts cannot be answered any more, so a case from Qlue has no follower on this kanal (the reporter
follows it on the web with the ticket); Qlue's own status is kept in the inbox payload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aduan.channels.base import (
    Channel,
    ChannelConfig,
    Item,
    PayloadError,
    WebhookRequest,
    check_signature,
)
from aduan.channels.fields import lookup, merged_mapping, point, required_text, text
from aduan.domain.messages import InboundAttachment, InboundMessage

SIGNATURE_HEADER = "X-Qlue-Signature"
JSON_TYPES = ("application/json", "application/x-ndjson", "application/jsonl", "application/json-lines", "")

DEFAULT_MAPPING: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "post_id"),
    "text": ("description", "post_desc", "text"),
    "title": ("title", "post_title"),
    "lat": ("lat", "loc_lat", "latitude"),
    "lon": ("lng", "loc_lng", "lon", "longitude"),
    "address": ("address", "alamat"),
    "category": ("category", "label", "kategori"),
    "name": ("username", "profile_name"),
    "image": ("image", "photo_url", "post_images", "image_url"),
    "created_at": ("created_at", "post_date"),
    "status": ("status",),
}


class QlueChannel(Channel):
    kanal = "qlue"
    label = "Qlue"

    def __init__(self, config: ChannelConfig | None = None) -> None:
        super().__init__(config)
        self.mapping = merged_mapping(
            DEFAULT_MAPPING,
            self.config.options.get("mapping"),
            "qlue mapping",
            required=("external_id", "text"),
        )
        self.categories: Mapping[str, str] = self.config.options.get("categories") or {}

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
        records = _records(request)
        items: dict[str, Item] = {}
        for number_, record in enumerate(records):
            try:
                inbound = self.parse(record)
            except PayloadError as error:
                where = f"[{number_}]." if len(records) > 1 else ""
                raise PayloadError(str(error), where + error.field, error.status) from error
            assert inbound is not None
            items.setdefault(inbound.external_id, Item(inbound.external_id, record))
        return list(items.values())

    def parse(self, payload: Any) -> InboundMessage | None:
        if not isinstance(payload, Mapping):
            raise PayloadError("Laporan Qlue harus berupa objek.", "body")
        external_id = required_text(payload, self.mapping["external_id"], "Laporan Qlue tanpa id.")
        text_path, raw_text = lookup(payload, self.mapping["text"])
        title = self._value(payload, "title")
        body = text(raw_text) or title
        if not body:
            raise PayloadError("Uraian laporan Qlue kosong.", text_path)
        description = f"{title}\n\n{body}" if title and title.lower() not in body.lower() else body
        lat, lon = point(payload, self.mapping["lat"], self.mapping["lon"])
        if lat == 0 and lon == 0:
            lat = lon = None  # Qlue wrote 0,0 when the phone had no fix
        category = self._value(payload, "category")
        name = self._value(payload, "name")
        extra = {
            "category": category,
            "status": self._value(payload, "status"),
            "created_at": self._value(payload, "created_at"),
            "username": name,
        }
        return InboundMessage(
            kanal=self.kanal,
            external_id=external_id,
            text=description,
            lat=lat,
            lon=lon,
            address=self._value(payload, "address")[:300],
            category=str(self.categories.get(category, "")),
            attachments=tuple(
                InboundAttachment("image/jpeg", url=url)
                for url in _image_urls(lookup(payload, self.mapping["image"])[1])
            ),
            reporter_name=name[:120],
            extra={k: v for k, v in extra.items() if v},
        )

    def _value(self, payload: Mapping[str, Any], name: str) -> str:
        return text(lookup(payload, self.mapping[name])[1])


def _records(request: WebhookRequest) -> list[Any]:
    """The records of a delivery or an export: one object, a JSON array, {"data": [...]}, or JSON Lines."""
    content_type = request.header("content-type").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise PayloadError(f"Content-Type harus application/json, bukan {content_type}.", "content-type", 415)
    try:
        source = request.body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PayloadError("Isi bukan UTF-8.") from error
    if not source.strip():
        raise PayloadError("Kiriman kosong.")
    try:
        data = json.loads(source)
    except json.JSONDecodeError as error:
        data = _json_lines(source, error)
    records = data.get("data") if isinstance(data, dict) and isinstance(data.get("data"), list) else data
    records = records if isinstance(records, list) else [records]
    if not records or not all(isinstance(r, dict) for r in records):
        raise PayloadError("Isi harus laporan Qlue, daftar laporan, {'data': [...]}, atau JSON Lines.")
    return records


def _json_lines(source: str, whole_error: json.JSONDecodeError) -> list[Any]:
    lines = [(n, line) for n, line in enumerate(source.splitlines(), start=1) if line.strip()]
    if len(lines) < 2:
        raise PayloadError(f"JSON tidak valid: {whole_error}") from whole_error
    records = []
    for position, (line_number, line) in enumerate(lines):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            if position == 0:  # not JSON Lines either: say what is wrong with the JSON
                raise PayloadError(f"JSON tidak valid: {whole_error}") from whole_error
            raise PayloadError(
                f"JSON Lines baris {line_number} tidak valid: {error}", f"line[{line_number}]"
            ) from error
    return records


def _image_urls(value: Any) -> list[str]:
    """A photo URL, a list of them, or a comma-separated string (Qlue's ``post_images``)."""
    if isinstance(value, list):
        candidates = [text(v.get("url") if isinstance(v, dict) else v) for v in value]
    else:
        candidates = [part.strip() for part in text(value).split(",")]
    return [url.replace("\\/", "/") for url in candidates if url.startswith(("http://", "https://"))]
