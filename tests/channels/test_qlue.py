"""Legacy Qlue: records pushed to /hooks/qlue/, and a whole export imported with `aduan intake`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from aduan.channels.base import ChannelConfig, hmac_sha256
from aduan.channels.qlue import QlueChannel
from aduan.models import Follower, InboxMessage, OutboxMessage, Report
from tests.channels.conftest import FIXTURES, assert_refused, fixture_bytes, nothing_stored, post_hook

SECRET = "dev-qlue"  # the development secret settings give every channel


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac_sha256(secret, body).hex()


def deliver(client: Client, body: bytes, content_type: str = "application/json") -> Any:
    return post_hook(client, "qlue", body, content_type, x_qlue_signature=sign(body))


def intake(path: Path) -> dict[str, Any]:
    out = StringIO()
    call_command("intake", "--kanal", "qlue", "--file", str(path), stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.mark.django_db
def test_a_pushed_export_record_becomes_a_case_without_a_follower(hook_client: Client) -> None:
    response = deliver(hook_client, fixture_bytes("qlue", "report_export.json"))
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "repeated": 0}
    report = Report.objects.get(channel="qlue", external_id="3349012")
    assert report.description.startswith("Got mampet di Jl. Haji Naman\n\nGot di depan Masjid Al-Ikhlas")
    assert (report.lat, report.lon) == (pytest.approx(-6.2231), pytest.approx(106.9287))
    assert report.address.startswith("Jl. H. Naman")
    assert report.reporter is not None and report.reporter.name == "wargadurensawit"
    # Qlue accounts cannot be answered any more: no follower on the kanal, so no receipt is queued.
    assert not Follower.objects.filter(report=report).exists()
    assert not OutboxMessage.objects.filter(report=report).exists()
    inbox = InboxMessage.objects.get(kanal="qlue")
    assert inbox.state == InboxMessage.State.PROCESSED and inbox.payload["status"] == "wait"


@pytest.mark.django_db
def test_a_record_in_qlues_old_feed_shape_is_read_too(hook_client: Client) -> None:
    response = deliver(hook_client, fixture_bytes("qlue", "report_feed.json"))
    assert response.status_code == 200, response.content
    report = Report.objects.get(channel="qlue", external_id="1902215")
    assert report.description.startswith("Banjir setinggi lutut di Jl. Kemang Raya")
    assert (report.lat, report.lon) == (pytest.approx(-6.2609), pytest.approx(106.8130))
    assert report.reporter is not None and report.reporter.name == "kemangwarga"


@pytest.mark.django_db
def test_the_same_record_twice_makes_one_case(hook_client: Client) -> None:
    body = fixture_bytes("qlue", "report_export.json")
    assert deliver(hook_client, body).json() == {"received": 1, "repeated": 0}
    assert deliver(hook_client, body).json() == {"received": 0, "repeated": 1}
    assert Report.objects.filter(channel="qlue").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"x_qlue_signature": "00"}, 403), ({"x_qlue_signature": sign(b"x", "other")}, 403)],
)
def test_unsigned_or_badly_signed_pushes_are_refused_and_nothing_is_stored(
    hook_client: Client, headers: dict[str, str], status: int
) -> None:
    response = post_hook(hook_client, "qlue", fixture_bytes("qlue", "report_export.json"), **headers)
    assert_refused(response, status, "signature")


@pytest.mark.django_db
def test_a_signature_with_the_sha256_prefix_is_accepted(hook_client: Client) -> None:
    body = fixture_bytes("qlue", "report_export.json")
    response = post_hook(hook_client, "qlue", body, x_qlue_signature="sha256=" + sign(body))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (fixture_bytes("qlue", "report_export.json")[:100], "application/json", 400, "body"),  # truncated
        (fixture_bytes("qlue", "export_5.json")[:700], "application/json", 400, "body"),
        (fixture_bytes("qlue", "report_export.json"), "text/csv", 415, "content-type"),
        (b'{"description": "Sampah menumpuk"}', "application/json", 400, "id"),
        (b'{"id": 7, "kategori": "Sampah"}', "application/json", 400, "description"),  # unknown fields only
        (b'{"id": 7, "description": "Banjir", "lat": "utara", "lng": 106.8}', "application/json", 400, "lat"),
        (b'{"id": 7, "description": "Banjir", "lat": -6.2}', "application/json", 400, "lng"),
        (b'[{"id": 1, "description": "a"}, {"id": 2}]', "application/json", 400, "[1].description"),
        (
            b'{"id": 1, "description": "a"}\n{"id": 2, "description": "b"}\n{"id": 3,',
            "application/x-ndjson",
            400,
            "line[3]",
        ),
        (b"[]", "application/json", 400, "body"),
        (b'"laporan"', "application/json", 400, "body"),
    ],
)
def test_bad_pushes_get_a_clear_4xx_and_leave_nothing(
    hook_client: Client, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = deliver(hook_client, body, content_type)
    assert_refused(response, status, field)


# ---------------------------------------------------------------- importing a legacy export


@pytest.mark.django_db
def test_an_export_of_five_imports_once_however_often_it_is_imported() -> None:
    first = intake(FIXTURES / "qlue" / "export_5.json")
    assert (first["received"], first["repeated"], first["failed"]) == (5, 0, [])
    assert len(first["tickets"]) == 5
    assert Report.objects.filter(channel="qlue").count() == 5
    again = intake(FIXTURES / "qlue" / "export_5.json")
    assert (again["received"], again["repeated"]) == (0, 5)
    as_lines = intake(FIXTURES / "qlue" / "export_5.jsonl")  # the same records as JSON Lines
    assert (as_lines["received"], as_lines["repeated"]) == (0, 5)
    assert Report.objects.filter(channel="qlue").count() == 5
    no_fix = Report.objects.get(channel="qlue", external_id="2713377")
    assert no_fix.lat is None and no_fix.lon is None  # Qlue's 0,0 means the phone had no location


@pytest.mark.django_db
def test_a_json_lines_export_imports_on_its_own() -> None:
    result = intake(FIXTURES / "qlue" / "export_5.jsonl")
    assert result["received"] == 5 and Report.objects.filter(channel="qlue").count() == 5


@pytest.mark.django_db
def test_an_export_with_a_bad_record_imports_nothing(tmp_path: Path) -> None:
    records = json.loads(fixture_bytes("qlue", "export_5.json"))
    records[3]["description"] = ""
    path = tmp_path / "qlue.json"
    path.write_text(json.dumps(records))
    with pytest.raises(CommandError, match=r"\[3\]\.description"):
        intake(path)
    assert nothing_stored()


# ---------------------------------------------------------------- the channel on its own


def test_labels_map_to_categories_and_names_to_fields_by_configuration() -> None:
    channel = QlueChannel(
        ChannelConfig(
            options={
                "mapping": {"text": "laporan.isi", "lat": "lokasi.0", "lon": "lokasi.1", "image": "foto"},
                "categories": {"Sampah": "SAMPAH"},
            }
        )
    )
    inbound = channel.parse(
        {
            "id": "A-1",
            "laporan": {"isi": "Sampah di Kali Sunter"},
            "lokasi": [-6.1358, 106.8603],
            "label": "Sampah",
            "foto": [{"url": "https://cdn.example/1.jpg"}, "https://cdn.example/2.jpg", "bukan-url"],
        }
    )
    assert inbound is not None
    assert (inbound.text, inbound.lat, inbound.lon, inbound.category) == (
        "Sampah di Kali Sunter",
        -6.1358,
        106.8603,
        "SAMPAH",
    )
    assert [a.url for a in inbound.attachments] == ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"]
    assert inbound.sender is None and inbound.extra["category"] == "Sampah"


def test_an_unmapped_label_leaves_the_category_to_the_classifier() -> None:
    inbound = QlueChannel().parse(json.loads(fixture_bytes("qlue", "report_export.json")))
    assert inbound is not None and inbound.category == ""
    assert inbound.attachments[0].url.startswith("https://s3-ap-southeast-1.amazonaws.com/qlue-report/")


def test_an_unknown_field_in_the_mapping_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="foto_profil"):
        QlueChannel(ChannelConfig(options={"mapping": {"foto_profil": "avatar"}}))
