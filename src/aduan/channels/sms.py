"""`sms`: text messages from an SMS gateway's inbound webhook, and replies through the gateway's send API.

Gateways shape their webhooks differently — Twilio posts a form with ``From``/``To``/``Body``/``MessageSid``,
Africa's Talking a form with ``from``/``to``/``text``/``id``/``date``, Vonage ``msisdn``/``to``/``text``/
``messageId``/``message-timestamp``, an Android phone gateway (SMS Gateway for Android) JSON
``{"event": "sms:received", "id", "payload": {"phoneNumber", "message", "receivedAt"}}``. The common names are
read out of the box; ``options["fields"]`` maps ours (from, to, text, id, timestamp) to a gateway's own.

The gateway authenticates with the channel's secret as a token: the ``X-Gateway-Token`` header or, for
gateways that only let one configure a URL, ``?token=`` (compared in constant time). Replies go to
``POST {api_base}/send`` with JSON ``{"to", "text", "reference"}`` and answer ``{"id": …}``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx

from aduan.channels.base import (
    Channel,
    ChannelConfig,
    DeliveryError,
    Item,
    PayloadError,
    SignatureError,
    WebhookRequest,
    raise_for_status,
    token_matches,
)
from aduan.channels.fields import lookup, merged_mapping, normalize_phone, text
from aduan.domain.messages import Contact, InboundMessage, OutboundMessage
from aduan.domain.tickets import normalize_ticket

TOKEN_HEADER = "X-Gateway-Token"
SMS_LIMIT = 160

# Our field → the names gateways use for it, tried in order.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "from": ("from", "From", "msisdn", "sender", "payload.phoneNumber", "phoneNumber", "SenderNumber"),
    "to": ("to", "To", "recipient"),
    "text": ("text", "message", "Body", "body", "payload.message", "TextDecoded", "content"),
    "id": ("id", "message_id", "messageId", "MessageSid", "SmsSid", "payload.messageId", "ID"),
    "timestamp": (
        "timestamp",
        "date",
        "message-timestamp",
        "received_at",
        "payload.receivedAt",
        "ReceivingDateTime",
    ),
}

# "STATUS ABCD-1234", "cek abcd1234", "TIKET: ABCD 1234": a keyword, then the ticket (dash optional).
_KEYWORD_TICKET = re.compile(
    r"^\s*(?:status|cek|tiket|info|balas)\b\s*[:#.]?\s*([0-9a-z]{4})[-\s]?([0-9a-z]{4})(?![0-9a-z])",
    re.IGNORECASE,
)
# Elsewhere in a text only the written form with its dash counts: any 8 letters would "normalise" to one.
_DASHED_TICKET = re.compile(r"(?<![0-9A-Za-z-])([0-9A-Za-z]{4}-[0-9A-Za-z]{4})(?![0-9A-Za-z-])")


class SmsChannel(Channel):
    kanal = "sms"
    label = "SMS"
    max_text = SMS_LIMIT

    def __init__(self, config: ChannelConfig | None = None) -> None:
        super().__init__(config)
        self.fields = merged_mapping(
            DEFAULT_FIELDS, self.config.options.get("fields"), "sms fields", required=("from", "text")
        )
        self.country = str(self.config.options.get("country_code", "62"))

    def verify(self, request: WebhookRequest) -> None:
        given = request.header(TOKEN_HEADER) or request.query.get("token", "")
        if not given:
            raise SignatureError(f"Token gateway SMS tidak ada ({TOKEN_HEADER} atau ?token=).", 401)
        if not token_matches(given, self.config.secret):
            raise SignatureError("Token gateway SMS tidak cocok.")

    def split(self, request: WebhookRequest) -> list[Item]:
        records = _records(request)
        items: list[Item] = []
        for number, record in enumerate(records):
            where = f"messages[{number}]." if len(records) > 1 else ""
            if _is_status_report(record):
                continue  # a delivery report posted to the same URL: nothing for the inbox
            _, sender = lookup(record, self.fields["from"])
            if sender is None:
                raise PayloadError("Nomor pengirim tidak ada.", where + "from")
            if normalize_phone(sender, self.country) is None:
                continue  # an operator's alphanumeric sender or a short code: nobody to answer
            try:
                inbound = self.parse(record)
            except PayloadError as error:
                raise PayloadError(str(error), where + error.field, error.status) from error
            if inbound is not None:
                items.append(Item(inbound.external_id, record))
        return items

    def parse(self, payload: Any) -> InboundMessage | None:
        if not isinstance(payload, Mapping):
            raise PayloadError("Pesan SMS harus berupa objek.", "body")
        _, sender = lookup(payload, self.fields["from"])
        if sender is None:
            raise PayloadError("Nomor pengirim tidak ada.", "from")
        phone = normalize_phone(sender, self.country)
        if phone is None:
            return None
        _, raw_text = lookup(payload, self.fields["text"])
        message = text(raw_text)
        if not message:
            raise PayloadError("Isi SMS kosong.", "text")
        _, raw_id = lookup(payload, self.fields["id"])
        _, timestamp = lookup(payload, self.fields["timestamp"])
        external_id = text(raw_id)
        if not external_id:
            # Some phone gateways send no id: the same text from the same number at the same time is one SMS.
            basis = f"{phone}|{text(timestamp)}|{message}".encode()
            external_id = "sha256:" + hashlib.sha256(basis).hexdigest()
        _, to = lookup(payload, self.fields["to"])
        return InboundMessage(
            kanal=self.kanal,
            external_id=external_id,
            text=message,
            sender=Contact(self.kanal, phone),
            ticket=ticket_in(message),
            reporter_phone=phone,
            extra={k: v for k, v in (("to", text(to)), ("timestamp", text(timestamp))) if v},
        )

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        if not self.config.api_base:
            raise DeliveryError("api_base gateway SMS belum diatur", permanent=True)
        to = normalize_phone(message.to.address, self.country)
        if to is None:
            raise DeliveryError(f"nomor tujuan tidak valid: {message.to.address!r}", permanent=True)
        token = self.config.access_token or self.config.secret
        response = client.post(
            f"{self.config.api_base.rstrip('/')}/send",
            json={"to": to, "text": fit_sms(message.text), "reference": message.key},
            headers={TOKEN_HEADER: token, "Authorization": f"Bearer {token}"},
        )
        raise_for_status(response)
        try:
            answer = response.json()
        except ValueError:
            return ""
        if not isinstance(answer, dict):
            return ""
        return text(answer.get("id") or answer.get("message_id") or answer.get("messageId"))


def fit_sms(body: str) -> str:
    """One SMS: at most 160 characters, cut at a word when it must be cut."""
    body = " ".join(body.split())
    if len(body) <= SMS_LIMIT:
        return body
    cut = body[: SMS_LIMIT - 1].rsplit(" ", 1)[0]
    return cut + "…"


def ticket_in(message: str) -> str:
    """The ticket a text names: after a keyword ("STATUS ABCD-1234"), or written with its dash anywhere."""
    keyword = _KEYWORD_TICKET.match(message)
    if keyword:
        ticket = normalize_ticket(keyword.group(1) + keyword.group(2))
        if ticket:
            return ticket
    for match in _DASHED_TICKET.finditer(message):
        ticket = normalize_ticket(match.group(1))
        if ticket:
            return ticket
    return ""


def _records(request: WebhookRequest) -> list[Any]:
    content_type = request.header("content-type").split(";")[0].strip().lower()
    body = request.body
    if not body.strip():
        raise PayloadError("Kiriman kosong.", "body")
    if content_type == "application/x-www-form-urlencoded" or (
        not content_type and not body.lstrip().startswith((b"{", b"["))
    ):
        try:
            return [dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))]
        except UnicodeDecodeError as error:
            raise PayloadError("Isi formulir bukan UTF-8.") from error
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise PayloadError(
            "Content-Type harus application/x-www-form-urlencoded atau application/json, "
            f"bukan {content_type}.",
            "content-type",
            415,
        )
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(f"JSON tidak valid: {error}") from error
    records = data.get("messages") if isinstance(data, dict) and "messages" in data else data
    records = records if isinstance(records, list) else [records]
    if not records or not all(isinstance(r, dict) for r in records):
        raise PayloadError("Isi harus satu pesan SMS, daftar pesan, atau {'messages': [...]}.")
    return records


def _is_status_report(record: Mapping[str, Any]) -> bool:
    """Delivery reports (Twilio's status callback, an Android gateway's sms:sent/delivered/failed)."""
    event = text(record.get("event"))
    if event and event != "sms:received":
        return True
    status = text(record.get("SmsStatus") or record.get("MessageStatus")).lower()
    return bool(status) and status != "received"
