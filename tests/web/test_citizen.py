"""The citizen's pages: home, filing a report, the receipt, the public (and private) report page."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from aduan.models import Report
from aduan.services import reports
from aduan.services.reports import ReporterInput
from tests.factories import CategoryFactory
from tests.web.helpers import GAMBIR, MONAS, field_block, submit, text

pytestmark = pytest.mark.django_db

VALID = {"description": "Lampu jalan mati sejak seminggu", "jenis": "pengaduan", "visibility": "public"}


def test_home_explains_and_links_to_the_form(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "Aduan menerima laporan" in page
    assert 'href="/lapor/"' in page
    assert 'name="ticket"' in page


def test_typed_ticket_finds_the_report(client):
    ticket = submit().report.ticket
    typed = ticket.replace("-", "").lower()
    response = client.get("/laporan/", {"ticket": f" {typed} "})
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{ticket}/"


def test_malformed_ticket_shows_an_error_on_home(client):
    response = client.get("/laporan/", {"ticket": "abc"})
    assert response.status_code == 200
    assert "Nomor tiket terdiri atas 8 huruf dan angka" in field_block(response, "ticket")


def test_file_form_offers_active_categories_and_tidak_tahu(client):
    CategoryFactory(code="WEBCAT1", name="Kategori Aktif Web")
    CategoryFactory(code="WEBCAT2", name="Kategori Nonaktif Web", active=False)
    block = field_block(client.get("/lapor/"), "category")
    assert "Tidak tahu" in block
    assert 'value="WEBCAT1"' in block
    assert "WEBCAT2" not in block


def test_filing_at_monas_lands_at_kelurahan_gambir_and_shows_the_receipt(client, shared_data):
    response = client.post("/lapor/", {**VALID, **MONAS, "address": "Jl. Medan Merdeka"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == f"/laporan/{report.ticket}/tanda-terima/"
    assert report.kelurahan is not None and report.kelurahan.code == "31.71.01.1001"
    assert report.holder.code == GAMBIR
    assert report.channel == "web"
    assert (report.lat, report.lon) == (-6.1754, 106.8272)

    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    page = text(receipt)
    assert f'<p class="ticket">{report.ticket}</p>' in page
    assert "Gambir" in page
    link = re.search(rf"http://testserver/laporan/{report.ticket}/\?token=([\w\-]+)", page)
    assert link is not None, "the receipt must show the private link"
    assert reports.check_access_token(report, link.group(1))
    assert "no-store" in receipt["Cache-Control"]


def test_receipt_without_the_filing_session_shows_no_private_link(client):
    ticket = submit().report.ticket
    response = client.get(f"/laporan/{ticket}/tanda-terima/")
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{ticket}/"


def test_filing_without_a_point_goes_to_triage(client):
    response = client.post("/lapor/", VALID)
    assert response.status_code == 302
    assert Report.objects.get().holder.code == "TRIASE"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": "   "}, "description", "Uraian laporan wajib diisi."),
        ({"lat": "-6.2"}, "lon", "Lintang dan bujur harus diisi bersama."),
        ({"lat": "200", "lon": "106.8"}, "lat", "Lintang harus antara -90 dan 90."),
        ({"category": "TIDAKADA"}, "category", "Kategori 'TIDAKADA' tidak dikenal."),
        ({"lat": "abc", "lon": "106.8"}, "lat", "Masukkan"),  # Django's own "enter a number", in Indonesian
        ({"reporter_email": "bukan-surel"}, "reporter_email", "Alamat surel tidak valid."),
        ({"reporter_phone": "telp saya"}, "reporter_phone", "Nomor telepon tidak valid."),
    ],
)
def test_bad_input_shows_the_message_at_its_field_keeps_input_and_stores_nothing(
    client, changes, field, message
):
    data = {**VALID, "address": "Jl. Kebon Sirih 1", "reporter_name": "Siti Aminah", **changes}
    response = client.post("/lapor/", data)
    assert response.status_code == 200
    assert message in field_block(response, field)
    assert Report.objects.count() == 0
    page = text(response)
    assert 'value="Jl. Kebon Sirih 1"' in page
    assert 'value="Siti Aminah"' in page
    if changes.get("description") != "   ":
        assert VALID["description"] in field_block(response, "description")


def test_public_page_never_shows_the_reporter(client):
    who = ReporterInput(name="Budi Santoso Unik", phone="081234567890", email="budi.unik@example.id")
    result = submit("Got mampet di gang", reporter=who, address="Gang Kelinci")
    for url in (
        f"/laporan/{result.report.ticket}/",
        f"/laporan/{result.report.ticket}/?token={result.access_token}",
    ):
        page = text(client.get(url))
        assert "Got mampet di gang" in page
        for personal in ("Budi Santoso Unik", "081234567890", "budi.unik@example.id"):
            assert personal not in page


def test_public_page_shows_status_holder_and_timeline_in_jakarta_time(client):
    report = submit().report
    response = client.get(f"/laporan/{report.ticket}/")
    assert response.status_code == 200
    page = text(response)
    assert "Menunggu" in page
    assert "Meja Triase CRM" in page
    assert "Laporan masuk" in page
    event = report.events.get()
    local = event.created_at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert f"{local:%H:%M} WIB" in page


def test_private_report_is_hidden_without_the_token_and_shown_with_it(client):
    result = submit("Pungutan liar di kantor RW 05", visibility="private", address="Jl. Rahasia 9")
    url = f"/laporan/{result.report.ticket}/"

    hidden = text(client.get(url))
    assert "Pungutan liar" not in hidden
    assert "Jl. Rahasia 9" not in hidden
    assert "Laporan ini rahasia" in hidden

    wrong = text(client.get(url, {"token": "bukan-token"}))
    assert "Pungutan liar" not in wrong
    assert "Tautan pribadi tidak valid" in wrong

    shown = client.get(url, {"token": result.access_token})
    assert "Pungutan liar di kantor RW 05" in text(shown)
    assert "Jl. Rahasia 9" in text(shown)
    assert "no-store" in shown["Cache-Control"]


def test_typed_ticket_in_the_address_redirects_to_the_canonical_one(client):
    ticket = submit().report.ticket
    response = client.get(f"/laporan/{ticket.replace('-', '').lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{ticket}/"


def test_unknown_ticket_is_an_indonesian_404(client):
    response = client.get("/laporan/ZZZZ-ZZZZ/")
    assert response.status_code == 404
    assert "Laporan tidak ditemukan" in text(response)


def test_indonesian_first_even_when_the_phone_asks_for_english(client):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "Laporkan masalah di Jakarta" in page
    assert "Report a problem in Jakarta" not in page


def test_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get("/"))
    assert "Report a problem in Jakarta" in page
    assert "Laporkan masalah di Jakarta" not in page


def test_language_switch_sets_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/lapor/"})
    assert response.status_code == 302
    assert response["Location"] == "/lapor/"
    page = text(client.get("/lapor/"))
    assert "File a report" in page
    assert "Use my location" in page
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Gunakan lokasi saya" in text(client.get("/lapor/"))
