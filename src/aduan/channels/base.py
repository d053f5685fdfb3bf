"""The small interface every channel implements, the errors it raises and the signature checks it shares."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import httpx

from aduan.domain.messages import InboundMessage, OutboundMessage


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """An HTTP request as a channel sees it: no Django, so channels stay testable on their own.

    ``headers`` has lower-case names."""

    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    remote_addr: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What a channel answers to a verification request (Twitter's CRC, Meta's hub.challenge)."""

    status: int
    body: bytes
    content_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class Item:
    """One message inside a webhook delivery, with the id that makes its processing idempotent.

    ``payload`` is stored in the inbox as it came (JSON-able), and parsed again from there."""

    external_id: str
    payload: Any


class SignatureError(Exception):
    """The request is not signed by the provider: refused (401/403), logged, nothing stored."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


class PayloadError(Exception):
    """The payload cannot be read (truncated JSON, wrong type, malformed MIME): a 4xx, nothing stored."""

    def __init__(self, message: str, field: str = "body", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


class DeliveryError(Exception):
    """Sending failed; ``permanent`` means retrying cannot help (an unknown recipient, a 4xx)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass
class ChannelConfig:
    """A deployment's settings for one channel (from ``ADUAN_CHANNELS`` in settings)."""

    enabled: bool = True
    secret: str = ""  # the signing secret: Twitter's consumer secret, Meta's app secret, a gateway's token
    verify_token: str = ""  # Meta's hub.verify_token
    api_base: str = ""  # the provider's API root (a local fake server in tests)
    access_token: str = ""  # the bearer token for sending
    account: str = ""  # the city's own account: Twitter user id / handle, WhatsApp phone-number id, page id
    options: dict[str, Any] = field(default_factory=dict)


class Channel:
    """A kanal's adapter. Subclasses set ``kanal`` and override what their provider needs."""

    kanal: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # Webhook channels receive HTTP deliveries at /hooks/<kanal>/; the others come through forms or polls.
    webhook: ClassVar[bool] = True
    max_text: ClassVar[int] = 4000  # the longest reply this kanal carries

    def __init__(self, config: ChannelConfig | None = None) -> None:
        self.config = config or ChannelConfig()

    def challenge(self, request: WebhookRequest) -> WebhookResponse | None:
        """Answer a provider's GET verification; None when the request is not one."""
        return None

    def verify(self, request: WebhookRequest) -> None:
        """Raise SignatureError unless the request carries the provider's valid signature."""

    def split(self, request: WebhookRequest) -> list[Item]:
        """The messages in one verified delivery; PayloadError when it cannot be read."""
        raise NotImplementedError

    def parse(self, payload: Any) -> InboundMessage | None:
        """One stored item as an InboundMessage; None when it is nothing to act on (a status update, our
        own tweet). PayloadError when it lacks what a report needs."""
        raise NotImplementedError

    def poll(self, client: httpx.Client) -> list[Item]:
        """For channels that pull (LAPOR!): the messages waiting at the provider. Webhook channels: none."""
        return []

    def send(self, message: OutboundMessage, client: httpx.Client) -> str:
        """Deliver a reply through the provider's API; returns the provider's message id."""
        raise DeliveryError(f"kanal {self.kanal} tidak dapat mengirim balasan", permanent=True)


def hmac_sha256(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def signature(secret: str, body: bytes, encoding: Literal["hex", "base64"] = "hex") -> str:
    """The HMAC-SHA256 of ``body`` under ``secret`` as providers write it in a header: hex or base64."""
    digest = hmac_sha256(secret, body)
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()


def check_signature(
    given: str | None,
    secret: str,
    body: bytes,
    *,
    header: str,
    prefix: str = "sha256=",
    prefix_optional: bool = False,
    encoding: Literal["hex", "base64"] = "hex",
    ignore_case: bool = False,
    strip: bool = True,
    secret_name: str = "",
) -> None:
    """Raise SignatureError unless ``given``, the value of ``header``, is ``prefix`` and the ``signature`` of
    ``body`` under ``secret``: 401 when it is missing or empty, 403 when it does not match.

    ``prefix_optional`` also accepts the bare digest, ``ignore_case`` upper-case hex (after the prefix is
    taken off, when it is optional), ``strip=False`` no whitespace around the value. While the secret is
    unset (a channels file that names the kanal without one) every request is refused: an empty key is
    one anybody can sign with. ``secret_name`` ("App secret") names it in that refusal."""
    if not given:
        raise SignatureError(f"Tanda tangan {header} tidak ada.", 401)
    if not secret:
        raise SignatureError(f"{secret_name or 'Secret'} kanal ini belum diatur.")
    value = given.strip() if strip else given
    expected = signature(secret, body, encoding)
    if prefix_optional:
        value = value.removeprefix(prefix)
    else:
        expected = prefix + expected
    if ignore_case:
        value = value.lower()
    if not hmac.compare_digest(value.encode(), expected.encode()):
        raise SignatureError(f"Tanda tangan {header} tidak cocok.")


def token_matches(given: str, token: str) -> bool:
    """Whether ``given`` is the configured shared ``token`` (in constant time); never while none is set."""
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def json_body(request: WebhookRequest) -> Any:
    """The request's JSON body, or a PayloadError naming what is wrong with it."""
    content_type = request.header("content-type").split(";")[0].strip().lower()
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise PayloadError(f"Content-Type harus application/json, bukan {content_type}.", "content-type", 415)
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(f"JSON tidak valid: {error}") from error


def raise_for_status(response: httpx.Response) -> None:
    """A provider's error as a DeliveryError: 4xx (but 408/429) cannot be fixed by retrying."""
    if response.is_success:
        return
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 409, 425, 429)
    raise DeliveryError(f"{response.status_code}: {response.text[:300]}", permanent=permanent)
