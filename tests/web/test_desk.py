"""Walk-in desks and staff-entered items: the officer-assisted form and its printable receipt."""

from __future__ import annotations

import uuid

import pytest

from aduan.models import Follower, OutboxMessage, Report
from tests.factories import UserFactory, officer_at
from tests.web.helpers import GAMBIR, text

pytestmark = pytest.mark.django_db


def desk_form(**fields: str) -> dict[str, str]:
    data = {
        "intake_id": str(uuid.uuid4()),
        "kanal": "kelurahan",
        "description": "Warga datang: saluran air di RT 05 RW 02 meluap setiap hujan.",
        "jenis": "pengaduan",
        "visibility": "public",
        "reporter_name": "Pak Rahmat",
        "reporter_phone": "081234567890",
    }
    data.update(fields)
    return data


def test_a_lurahs_desk_records_a_walk_in_report_and_prints_a_receipt(officer_client) -> None:
    client = officer_client(officer_at(GAMBIR))
    page = client.get("/petugas/loket/")
    assert page.status_code == 200
    assert 'value="kelurahan"' in text(page) and 'value="pendopo"' not in text(page)

    response = client.post("/petugas/loket/", desk_form(), follow=True)
    report = Report.objects.get(channel="kelurahan")
    assert response.redirect_chain[-1][0] == f"/petugas/loket/{report.ticket}/"
    receipt = text(response)
    assert report.ticket in receipt and "Kantor Kelurahan" in receipt
    assert f"/laporan/{report.ticket}/?token=" in receipt  # the private link, printed once
    assert Follower.objects.filter(report=report, kanal="sms", address="+6281234567890").exists()
    assert OutboxMessage.objects.filter(report=report, kanal="sms").count() == 1


def test_a_double_submit_makes_one_report(officer_client) -> None:
    client = officer_client(officer_at(GAMBIR))
    data = desk_form()
    client.post("/petugas/loket/", data)
    again = client.post("/petugas/loket/", data, follow=True)
    assert Report.objects.filter(channel="kelurahan").count() == 1
    assert again.status_code == 200


def test_the_biro_records_pendopo_and_media_items_with_their_source(officer_client) -> None:
    client = officer_client(officer_at("BIROPEM"))
    missing = client.post("/petugas/loket/", desk_form(kanal="media", source_url=""))
    assert missing.status_code == 200
    assert "tautan sumber" in text(missing).lower()
    assert not Report.objects.exists()

    client.post(
        "/petugas/loket/",
        desk_form(
            kanal="media", source_url="https://megapolitan.example.id/banjir-kemang", reporter_phone=""
        ),
    )
    report = Report.objects.get(channel="media")
    assert report.description.endswith("Sumber: https://megapolitan.example.id/banjir-kemang")


def test_a_kanal_the_desk_does_not_have_is_refused(officer_client) -> None:
    client = officer_client(officer_at(GAMBIR))
    response = client.post("/petugas/loket/", desk_form(kanal="pendopo"))
    assert response.status_code == 200 and not Report.objects.exists()


def test_the_desk_needs_an_officer(client) -> None:
    assert client.get("/petugas/loket/").status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert client.get("/petugas/loket/").status_code == 403
