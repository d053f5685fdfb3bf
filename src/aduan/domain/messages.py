"""What every channel speaks: an inbound message that becomes (or adds to) a case, and an outbound reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach a reporter back on one kanal: a phone number, an e-mail address, an account id.

    ``thread`` is what a reply must refer to so that it lands in the same conversation: the tweet to reply
    to, the e-mail's Message-ID, the LAPOR! case id."""

    kanal: str
    address: str
    name: str = ""
    thread: str = ""


@dataclass(frozen=True, slots=True)
class InboundAttachment:
    """A photo or file that came with a message: fetched later from ``url``, or its bytes when inline."""

    content_type: str
    url: str = ""
    filename: str = ""
    content: bytes = b""


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a kanal, parsed: a new report, or — when it names a ticket — more on a case."""

    kanal: str
    external_id: str
    text: str
    sender: Contact | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    landmark: str = ""
    category: str = ""
    visibility: str = "public"
    ticket: str = ""  # a reply to one of our messages (the ticket in a subject, a LAPOR! case we hold)
    attachments: tuple[InboundAttachment, ...] = ()
    received_at: datetime | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    source_url: str = ""  # a mass-media item's link, a tweet's URL
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A reply to one reporter on one kanal, about one case."""

    kanal: str
    to: Contact
    text: str
    ticket: str
    subject: str = ""
    key: str = ""  # idempotency key: the outbox row's id, passed to providers that accept one
