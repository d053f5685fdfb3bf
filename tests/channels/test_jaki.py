"""The JAKI app channel: recorded reports replayed through /hooks/jaki/, signatures, bad payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from aduan.channels.base import hmac_sha256
from aduan.models import Follower, InboxMessage, OutboxMessage, Report
from tests.channels.conftest import assert_refused, fixture_bytes, post_hook

SECRET = "dev-jaki"  # the development secret settings give every channel


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac_sha256(secret, body).hex()


@pytest.mark.django_db
def test_a_geotagged_report_becomes_a_case_with_its_reporter_following_it(hook_client: Client) -> None:
    body = fixture_bytes("jaki", "report_geotag.json")
    response = post_hook(hook_client, "jaki", body, x_jaki_signature=sign(body))
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "repeated": 0}
    report = Report.objects.get(channel="jaki", external_id="JAKI-20261130-004512")
    assert report.lat == pytest.approx(-6.1781) and report.lon == pytest.approx(106.8705)
    assert report.visibility == "public"
    assert report.reporter is not None and report.reporter.phone == "+6281299001122"
    follower = Follower.objects.get(report=report)
    assert (follower.kanal, follower.address, follower.thread) == (
        "jaki",
        "jaki-u-5520918",
        "JAKI-20261130-004512",
    )
    receipt = OutboxMessage.objects.get(report=report)
    assert receipt.kanal == "jaki" and report.ticket in receipt.body
    inbox = InboxMessage.objects.get(kanal="jaki")
    assert inbox.state == InboxMessage.State.PROCESSED and inbox.report == report
    photos = inbox.payload["report"]["photos"]
    assert len(photos) == 2  # linked media stay in the inbox payload (see docs/channels.md)


@pytest.mark.django_db
def test_a_private_report_without_a_point_goes_to_triage_and_stays_private(hook_client: Client) -> None:
    body = fixture_bytes("jaki", "report_private_no_geotag.json")
    response = post_hook(hook_client, "jaki", body, x_jaki_signature=sign(body))
    assert response.status_code == 200
    report = Report.objects.get(external_id="JAKI-20261130-004977")
    assert report.visibility == "private"
    assert report.lat is None


@pytest.mark.django_db
def test_the_same_delivery_twice_makes_one_case(hook_client: Client) -> None:
    body = fixture_bytes("jaki", "report_geotag.json")
    first = post_hook(hook_client, "jaki", body, x_jaki_signature=sign(body))
    again = post_hook(hook_client, "jaki", body, x_jaki_signature=sign(body))
    assert first.json()["received"] == 1
    assert again.json() == {"received": 0, "repeated": 1}
    assert Report.objects.filter(channel="jaki").count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"x_jaki_signature": "sha256=00"}, 403), ({"x_jaki_signature": sign(b"x", "other")}, 403)],
)
def test_unsigned_or_badly_signed_deliveries_are_refused_and_nothing_is_stored(
    hook_client: Client, headers: dict[str, str], status: int
) -> None:
    body = fixture_bytes("jaki", "report_geotag.json")
    response = post_hook(hook_client, "jaki", body, **headers)
    assert_refused(response, status, "signature")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (fixture_bytes("jaki", "report_geotag.json")[:150], "application/json", 400, "body"),  # truncated
        (fixture_bytes("jaki", "report_geotag.json"), "text/plain", 415, "content-type"),
        (b'{"id": "JAKI-1", "report": {"description": "  "}}', "application/json", 400, "report.description"),
        (b'{"report": {"description": "jalan rusak"}}', "application/json", 400, "reports[0].id"),
        (
            b'{"id": "J-2", "report": {"description": "x", "latitude": "utara", "longitude": 106.8}}',
            "application/json",
            400,
            "report.latitude",
        ),
        (b"[1, 2, 3]", "application/json", 400, "body"),
    ],
)
def test_bad_payloads_get_a_clear_4xx_and_leave_nothing(
    hook_client: Client, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = post_hook(hook_client, "jaki", body, content_type, x_jaki_signature=sign(body))
    assert_refused(response, status, field)


@pytest.mark.django_db
def test_a_batch_with_one_bad_report_stores_none_of_it(hook_client: Client) -> None:
    good = json.loads(fixture_bytes("jaki", "report_geotag.json"))
    bad = {"id": "JAKI-X", "report": {"description": ""}}
    body = json.dumps({"reports": [good, bad]}).encode()
    response = post_hook(hook_client, "jaki", body, x_jaki_signature=sign(body))
    assert response.status_code == 400
    assert InboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_unknown_kanal_and_giant_bodies_are_refused(hook_client: Client, settings: Any) -> None:
    assert post_hook(hook_client, "myspace", b"{}").status_code == 404
    settings.ADUAN_MAX_WEBHOOK_BYTES = 1000  # the view reads the limit on every call
    body = b'{"id": "J", "report": {"description": "' + b"a" * 2000 + b'"}}'
    response = post_hook(hook_client, "jaki", body, x_jaki_signature=sign(body))
    assert response.status_code == 413
    assert InboxMessage.objects.count() == 0
