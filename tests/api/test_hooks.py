"""The webhook endpoint itself: rate limits per source, methods, channels that take no webhooks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from aduan.channels.base import hmac_sha256
from aduan.models import InboxMessage
from tests.channels.conftest import fixture_bytes, post_hook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_intake_is_rate_limited_per_source(settings: Any) -> None:
    settings.ADUAN_INTAKE_RATE_PER_MINUTE = 3
    body = fixture_bytes("jaki", "report_geotag.json")
    signature = "sha256=" + hmac_sha256("dev-jaki", body).hex()
    here, elsewhere = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    statuses = [post_hook(here, "jaki", body, x_jaki_signature=signature).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = post_hook(here, "jaki", body, x_jaki_signature=signature)
    assert refused.json()["errors"][0]["field"] == "source"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert post_hook(elsewhere, "jaki", body, x_jaki_signature=signature).status_code == 200
    assert InboxMessage.objects.count() == 1


def test_other_methods_and_a_missing_verification_are_refused(client: Client) -> None:
    assert client.put("/hooks/jaki/", b"{}").status_code == 405
    assert client.get("/hooks/jaki/").status_code == 400  # JAKI has no GET verification


def test_a_disabled_channel_is_not_found(client: Client, settings: Any) -> None:
    settings.ADUAN_CHANNELS = {**settings.ADUAN_CHANNELS, "jaki": {"enabled": False}}
    body = fixture_bytes("jaki", "report_geotag.json")
    assert post_hook(client, "jaki", body).status_code == 404
