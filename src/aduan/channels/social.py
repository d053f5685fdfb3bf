"""Helpers the social-media channels share: a ticket named in free text, a provider's JSON answer."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx

from aduan.channels.base import DeliveryError, PayloadError, WebhookResponse
from aduan.domain.tickets import normalize_ticket

# A ticket as people write it: two groups of four with a dash ("7KQ4-M2XD", "7kq4 - m2xd"). The dash is
# required: without it any eight-letter word ("SEKARANG") would read as a ticket.
_TICKET = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})\s?[-‐–]\s?([0-9A-Za-z]{4})(?![0-9A-Za-z])")

# What a report says when the citizen sent only a photo or a point (an officer can still act on it).
PHOTO_ONLY = "Foto dikirim tanpa keterangan."
LOCATION_ONLY = "Lokasi dikirim tanpa keterangan"


def find_ticket(*texts: str) -> str:
    """The first ticket named in ``texts`` (canonical form), or ""."""
    for text in texts:
        for match in _TICKET.finditer(text or ""):
            ticket = normalize_ticket(match.group(1) + match.group(2))
            if ticket:
                return ticket
    return ""


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def nested(error: PayloadError, prefix: str) -> PayloadError:
    """``error`` with its field placed under ``prefix`` (an item's path inside the delivery)."""
    field = f"{prefix}.{error.field}" if error.field and error.field != "body" else prefix
    return PayloadError(str(error), field, error.status)


def answer_json(response: httpx.Response) -> dict[str, Any]:
    """A provider's successful JSON answer; a body that is not a JSON object is the provider's fault, so a
    retry may help."""
    try:
        body = response.json()
    except ValueError as error:
        raise DeliveryError(f"jawaban penyedia bukan JSON: {response.text[:200]}") from error
    if not isinstance(body, dict):
        raise DeliveryError(f"jawaban penyedia bukan objek JSON: {response.text[:200]}")
    return body


def number(value: Any) -> float | None:
    """A coordinate as a float, or None (booleans, text and blanks are not numbers)."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def valid_point(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def moment(value: Any, milliseconds: bool = False) -> datetime | None:
    """A provider's epoch timestamp (seconds or milliseconds, number or string) as a datetime, or None."""
    try:
        number = float(value) / (1000 if milliseconds else 1)
        return datetime.fromtimestamp(number, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def refusal(status: int, message: str, field: str) -> WebhookResponse:
    """A refused verification request, shaped like the webhook view's other errors."""
    body = {"detail": message, "errors": [{"field": field, "message": message}]}
    return WebhookResponse(status, json.dumps(body).encode(), "application/json")
