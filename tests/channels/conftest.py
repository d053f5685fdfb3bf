"""Channel test helpers: recorded payloads from fixtures/<kanal>/, posted to /hooks/<kanal>/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from aduan.models import InboxMessage, Report

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


def nothing_stored() -> bool:
    return not InboxMessage.objects.exists() and not Report.objects.exists()


def assert_refused(response: Any, status: int, field: str) -> None:
    """The hook answered ``status`` with its error on ``field``, and nothing reached the inbox or a case."""
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["field"] == field
    assert nothing_stored()


@pytest.fixture
def hook_client() -> Client:
    return Client()
