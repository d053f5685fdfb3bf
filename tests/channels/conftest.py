"""Channel test helpers: recorded payloads from fixtures/<kanal>/, posted to /hooks/<kanal>/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(kanal: str, name: str) -> bytes:
    return (FIXTURES / kanal / name).read_bytes()


def post_hook(
    client: Client, kanal: str, body: bytes, content_type: str = "application/json", **headers: str
):  # type: ignore[no-untyped-def]
    """POST a delivery to /hooks/<kanal>/ with extra headers given as header_name="value"."""
    return client.generic(
        "POST",
        f"/hooks/{kanal}/",
        body,
        content_type=content_type,
        headers={k.replace("_", "-"): v for k, v in headers.items()},
    )


@pytest.fixture
def hook_client() -> Client:
    return Client()
