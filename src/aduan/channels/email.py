"""`email`: raw RFC 822 messages from an inbound-mail relay; a reply naming its ticket comments on the case.

The relay (a Postfix pipe, an Exim transport, a Cloudflare Email Worker, a provider's "forward raw MIME"
route) POSTs each message exactly as it arrived to /hooks/email/ with ``Content-Type: message/rfc822`` and
``X-Aduan-Mail-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the channel's secret>``.

Replies are not sent here: the outbox sends them through Django's mail backend, with the ticket in the
subject (``[ABCD-1234] …``) and ``In-Reply-To`` set to the reporter's Message-ID, so the reporter's answer
comes back with the ticket and lands on the same case.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from email import policy
from email.errors import InvalidBase64LengthDefect
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any

from aduan.channels.base import (
    Channel,
    ChannelConfig,
    Item,
    PayloadError,
    WebhookRequest,
    check_signature,
)
from aduan.channels.fields import plausible_email
from aduan.domain.messages import Contact, InboundAttachment, InboundMessage
from aduan.domain.tickets import normalize_ticket

SIGNATURE_HEADER = "X-Aduan-Mail-Signature"
CONTENT_TYPES = ("message/rfc822", "")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024  # as the inbox keeps them (services.intake.MAX_INLINE_ATTACHMENT)
MAX_ATTACHMENTS = 10
MAX_EXTERNAL_ID = 120
NO_TEXT = "Laporan melalui surel dengan foto terlampir."

# The outbox writes "[ABCD-1234] Laporan Anda …"; replies keep it behind "Re:", "Balas:", "AW:" …
_TICKET_IN_SUBJECT = re.compile(r"\[\s*([0-9A-Za-z]{4}[-\s]?[0-9A-Za-z]{4})\s*\]")


class EmailChannel(Channel):
    kanal = "email"
    label = "Surel"

    def __init__(self, config: ChannelConfig | None = None) -> None:
        super().__init__(config)
        self.max_attachment_bytes = int(self.config.options.get("max_attachment_bytes", MAX_ATTACHMENT_BYTES))

    def verify(self, request: WebhookRequest) -> None:
        check_signature(
            request.header(SIGNATURE_HEADER), self.config.secret, request.body, header=SIGNATURE_HEADER
        )

    def split(self, request: WebhookRequest) -> list[Item]:
        content_type = request.header("content-type").split(";")[0].strip().lower()
        if content_type not in CONTENT_TYPES:
            raise PayloadError(
                f"Content-Type harus message/rfc822 (surel mentah), bukan {content_type}.",
                "content-type",
                415,
            )
        if not request.body.strip():
            raise PayloadError("Surel kosong.", "body")
        message = _parse_bytes(request.body)
        self._inbound(message, request.body)  # refuse an unreadable message now, before anything is stored
        payload = {"rfc822": base64.b64encode(request.body).decode("ascii")}
        return [Item(_external_id(message, request.body), payload)]

    def parse(self, payload: Any) -> InboundMessage | None:
        encoded = payload.get("rfc822") if isinstance(payload, dict) else None
        if not isinstance(encoded, str):
            raise PayloadError("Surel mentah tidak ada di pesan tersimpan.", "rfc822")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as error:
            raise PayloadError("Surel tersimpan rusak (base64).", "rfc822") from error
        return self._inbound(_parse_bytes(raw), raw)

    def _inbound(self, message: EmailMessage, raw: bytes) -> InboundMessage | None:
        address, name = _sender(message)
        if _automatic(message):
            return None  # an out-of-office answer or a bounce to one of our replies: nothing to act on
        subject = _header_text(message, "Subject")
        ticket = _ticket(subject)
        body = strip_quoted(_body_text(message))
        attachments = self._attachments(message)
        if not body and not attachments:
            raise PayloadError("Surel tanpa isi dan tanpa lampiran foto.", "body")
        if ticket:
            text = body or subject or NO_TEXT  # a reply: its subject is ours ("Re: [T] Laporan Anda …")
        elif subject and body and subject.lower() not in body.lower():
            text = f"{subject}\n\n{body}"
        else:
            text = body or subject or NO_TEXT
        message_id = _header_text(message, "Message-ID")
        return InboundMessage(
            kanal=self.kanal,
            external_id=_external_id(message, raw),
            text=text,
            sender=Contact(self.kanal, address, name, message_id),
            ticket=ticket,
            attachments=attachments,
            reporter_name=name[:120],
            reporter_email=address,
            extra={"subject": subject[:300]} if subject else {},
        )

    def _attachments(self, message: EmailMessage) -> tuple[InboundAttachment, ...]:
        """Inline image bytes (photos of the problem), each at most ``max_attachment_bytes``; the rest
        (documents, oversized photos) stay only in the stored raw message."""
        found: list[InboundAttachment] = []
        for part in message.walk():
            if part.is_multipart() or part.get_content_maintype() != "image":
                continue
            content = part.get_payload(decode=True)
            if not isinstance(content, bytes) or not content or len(content) > self.max_attachment_bytes:
                continue
            found.append(
                InboundAttachment(
                    part.get_content_type(), filename=part.get_filename() or "", content=content
                )
            )
            if len(found) == MAX_ATTACHMENTS:
                break
        return tuple(found)


# ---------------------------------------------------------------- reading the message


def _parse_bytes(raw: bytes) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except (ValueError, TypeError, IndexError, LookupError) as error:  # the parser is lenient; rarely
        raise PayloadError(f"Surel tidak dapat dibaca: {error}") from error
    assert isinstance(message, EmailMessage)
    return message


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, LookupError) as error:
        raise PayloadError(f"Kepala {name} tidak dapat dibaca.", name.lower()) from error
    return " ".join(_c1_as_windows_1252(str(value)).split()) if value is not None else ""


_WINDOWS_1252_LABELS = {"us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1"}
_C1 = re.compile("[\x80-\x9f]")


def _c1_as_windows_1252(text: str) -> str:
    """C1 control characters in a decoded header are windows-1252 punctuation sent as "iso-8859-1"
    (Outlook's en dash =96, curly quotes =93/=94)."""
    return _C1.sub(lambda match: bytes([ord(match.group())]).decode("windows-1252", errors="ignore"), text)


def _sender(message: EmailMessage) -> tuple[str, str]:
    """The From address (lower-cased) and display name; PayloadError("from") when there is none."""
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except (ValueError, TypeError, IndexError, LookupError, AttributeError) as error:
        raise PayloadError("Kepala From tidak dapat dibaca.", "from") from error
    if not addresses:
        raise PayloadError("Surel tanpa pengirim (From).", "from")
    address = plausible_email(addresses[0].addr_spec)
    if not address:
        raise PayloadError(f"Alamat pengirim tidak valid: {addresses[0].addr_spec!r}.", "from")
    return address, " ".join(_c1_as_windows_1252(str(addresses[0].display_name or "")).split())


def _automatic(message: EmailMessage) -> bool:
    """RFC 3834 auto-replies, vacation notices and delivery reports — answering them would loop."""
    submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if submitted and submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in ("bulk", "junk", "auto_reply"):
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    return message.get_content_type() == "multipart/report"


def _external_id(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID (without its angle brackets); a hash of it when longer than an inbox id may be, or
    of the whole message when it has none."""
    message_id = _header_text(message, "Message-ID").strip().strip("<>").strip()
    if message_id and len(message_id) <= MAX_EXTERNAL_ID:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()


def _ticket(subject: str) -> str:
    match = _TICKET_IN_SUBJECT.search(subject)
    return (normalize_ticket(match.group(1)) or "") if match else ""


def _body_text(message: EmailMessage) -> str:
    """The message's text: its text/plain body, or its HTML body as text when there is no usable plain one."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        text = _decode(plain)
        if text.strip():
            return text
    html = message.get_body(preferencelist=("html",))
    return html_to_text(_decode(html)) if html is not None else ""


def _decode(part: Any) -> str:
    """A text part's content in its declared charset (quoted-printable and base64 undone)."""
    content = part.get_payload(decode=True)  # records what it could not decode in part.defects
    if any(isinstance(defect, InvalidBase64LengthDefect) for defect in part.defects):
        raise PayloadError("Isi surel base64 rusak.", "body")
    if not isinstance(content, bytes):
        return ""
    charset = part.get_content_charset() or "us-ascii"
    if charset in _WINDOWS_1252_LABELS:
        # As browsers do (the WHATWG Encoding Standard): text labelled Latin-1 or ASCII is windows-1252.
        charset = "windows-1252"
    try:
        return str(content.decode(charset))
    except LookupError:
        try:  # an unknown charset name over what is often plain UTF-8
            return str(content.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise PayloadError(f"Charset surel tidak dikenal: {charset}.", "body") from error
    except UnicodeDecodeError:
        # Mislabelled mail is common ("us-ascii" over UTF-8, "iso-8859-1" over windows-1252).
        for fallback in ("utf-8", "windows-1252"):
            try:
                return str(content.decode(fallback))
            except UnicodeDecodeError:
                continue
        return str(content.decode(charset, errors="replace"))


# ---------------------------------------------------------------- HTML and quoted replies


class _HtmlText(HTMLParser):
    """HTML as plain text: blocks become line breaks, paragraphs blank lines; scripts, styles and quoted
    blocks (``<blockquote>``, how mail clients quote in HTML) vanish."""

    LINES = frozenset(
        {"address", "article", "aside", "dd", "div", "dl", "dt", "footer", "header", "li", "section"}
    )
    LINES_TOO = frozenset({"td", "th", "tr"})
    PARAGRAPHS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table", "ul"})
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif not self.skipping:
            self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping and tag != "br":
            self._boundary(tag)

    def _boundary(self, tag: str) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.PARAGRAPHS:
            self.parts.append(_PARAGRAPH)
        elif tag in self.LINES or tag in self.LINES_TOO:
            self.parts.append(_LINE)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


# Block boundaries, merged after parsing: nested <div>s make one line break, a </p> among them a blank line.
_LINE, _PARAGRAPH = "\x00", "\x01"
_BOUNDARIES = re.compile("[\\s\x00\x01]*[\x00\x01][\\s\x00\x01]*")


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    joined = _BOUNDARIES.sub(lambda m: "\n\n" if _PARAGRAPH in m.group() else "\n", "".join(parser.parts))
    lines = (line.strip() for line in joined.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_ATTRIBUTION = re.compile(r"^\s*(pada|on)\b.*\b(menulis|wrote)\s*:\s*$", re.IGNORECASE)
_ATTRIBUTION_START = re.compile(r"^\s*(pada|on)\b", re.IGNORECASE)
_FORWARD_BANNER = re.compile(
    r"^\s*-{3,}\s*(original message|pesan asli|pesan awal|forwarded message|pesan yang diteruskan)"
    r"\s*-{3,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(from|dari)\s*:", re.IGNORECASE)
_OUTLOOK_FIELD = re.compile(
    r"^\s*\*?(sent|dikirim|date|tanggal|to|kepada|subject|perihal|subjek|cc)\s*:", re.IGNORECASE
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(sent from my|dikirim dari|dikirim melalui|kirim dari|get outlook for)\b", re.IGNORECASE
)


def strip_quoted(text: str) -> str:
    """What the sender wrote: without the quoted message they answer ("Pada … menulis:", "On … wrote:",
    "> " lines, Outlook's "-----Original Message-----" and "Dari:/From:" blocks), the signature after "-- "
    and a mobile client's "Dikirim dari …" line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = len(lines)
    for number, line in enumerate(lines):
        following = lines[number + 1 : number + 4]
        if line.rstrip("\n") in ("-- ", "--") or _FORWARD_BANNER.match(line) or _ATTRIBUTION.match(line):
            end = number
            break
        if (
            _ATTRIBUTION_START.match(line)
            and following
            and len(line) + len(following[0]) < 400
            and _ATTRIBUTION.match(f"{line} {following[0]}")
        ):  # Gmail wraps a long attribution over two lines
            end = number
            break
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_FIELD.match(other) for other in following):
            end = number
            break
        if _RULE.match(line) and any(_OUTLOOK_FROM.match(other) for other in following):
            end = number
            break
    kept = [line.rstrip() for line in lines[:end] if not line.lstrip().startswith(">")]
    while kept and (not kept[-1].strip() or _MOBILE_FOOTER.match(kept[-1])):
        kept.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
