"""The masked relay's answer links: a short signed key per question, so a reporter can answer without the
officer (or the link) revealing who they are, and without the private access token (stored hashed)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "aduan.relay.answer"
_MAC_CHARS = 20  # 80 bits: short enough for an SMS, far beyond guessing


def _mac(event_id: int, ticket: str) -> str:
    return salted_hmac(_SALT, f"{event_id}:{ticket}", algorithm="sha256").hexdigest()[:_MAC_CHARS]


def answer_key(event_id: int, ticket: str) -> str:
    """The key of the answer link for the question ``event_id`` of case ``ticket``."""
    return f"{event_id}-{_mac(event_id, ticket)}"


def key_event_id(key: str) -> int | None:
    """The question a key claims to answer (unchecked), or None when it is not shaped like a key."""
    number, _, mac = key.partition("-")
    if not number.isdigit() or len(mac) != _MAC_CHARS or len(number) > 18:
        return None
    return int(number)


def key_matches(key: str, event_id: int, ticket: str) -> bool:
    return hmac.compare_digest(key.encode(), answer_key(event_id, ticket).encode())


def answer_path(key: str) -> str:
    return f"/j/{key}/"


def answer_url(event_id: int, ticket: str) -> str:
    """The link in the question's message: the answer page, without the ticket's private token."""
    return f"{settings.ADUAN_PUBLIC_URL}{answer_path(answer_key(event_id, ticket))}"
