"""The officer's pages: login, queue, case page, and every lifecycle action through the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aduan.models import Report
from aduan.services import reports
from aduan.services.reports import ReporterInput
from tests.factories import DinasFactory, SukuDinasFactory, UserFactory, officer_at
from tests.services.test_photos import image_bytes
from tests.web.helpers import GAMBIR, MONAS, submit, text

pytestmark = pytest.mark.django_db

BIRO = "BIROPEM"
TRIAGE = "TRIASE"
OTHER_KELURAHAN = "KEL-31.71.01.1002"


def act(client, ticket: str, action: str, **data):
    return client.post(f"/petugas/laporan/{ticket}/{action}/", data)


def evidence() -> SimpleUploadedFile:
    """A "sesudah" photo: a pengaduan's follow-up needs one (services/casework.py)."""
    return SimpleUploadedFile("sesudah.jpg", image_bytes(), content_type="image/jpeg")


def fresh(report: Report) -> Report:
    return Report.objects.select_related("holder").get(pk=report.pk)


@pytest.fixture
def dinas_units():
    """A dinas with one suku dinas, made here so the flow does not need ../shared/data."""
    dinas = DinasFactory(code="WEBDINAS", name="Dinas Uji Web")
    return dinas, SukuDinasFactory(parent=dinas, name="Suku Dinas Uji Web Jakpus")


def test_login_page_and_login_and_logout(client):
    user = UserFactory(username="lurah.uji")
    page = client.get("/masuk/")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    response = client.post("/masuk/", {"username": user.username, "password": "rahasia-uji-123"})
    assert response.status_code == 302
    assert response["Location"] == "/petugas/"
    assert client.get("/keluar/").status_code == 405  # logging out is a POST
    response = client.post("/keluar/")
    assert response.status_code == 302
    assert client.get("/petugas/").status_code == 302  # logged out again


def test_wrong_password_shows_an_error(client):
    UserFactory(username="petugas.salah")
    response = client.post("/masuk/", {"username": "petugas.salah", "password": "salah"})
    assert response.status_code == 200
    assert "msg error" in response.content.decode()


def test_queue_needs_login(client):
    response = client.get("/petugas/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=/petugas/")


def test_user_without_officer_record_gets_a_clear_403(client):
    client.force_login(UserFactory())
    for url in ("/petugas/", f"/petugas/laporan/{submit().report.ticket}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "tidak terdaftar sebagai petugas" in text(response)


def test_queue_shows_only_the_units_open_cases_oldest_first(client):
    triage = officer_at(TRIAGE)
    first = submit("Pohon tumbang menutup jalan").report
    second = submit("Sampah menumpuk di pasar").report
    stays = submit("Banjir di kolong jembatan").report
    closed = submit("Iklan judi daring").report
    reports.koordinasi(first.ticket, triage.user, GAMBIR, "Lokasi di Gambir")
    reports.koordinasi(second.ticket, triage.user, GAMBIR, "Lokasi di Gambir")
    reports.reject(closed.ticket, triage.user, "spam", "Iklan")

    client.force_login(officer_at(GAMBIR).user)
    page = text(client.get("/petugas/"))
    assert first.ticket in page and second.ticket in page
    assert page.index(first.ticket) < page.index(second.ticket)
    assert stays.ticket not in page
    assert closed.ticket not in page
    assert "<strong>2</strong> Koordinasi" in page

    client.force_login(triage.user)
    page = text(client.get("/petugas/"))
    assert stays.ticket in page
    assert first.ticket not in page and closed.ticket not in page


def test_queue_lookup_opens_the_case(client):
    ticket = submit().report.ticket
    client.force_login(officer_at(TRIAGE).user)
    response = client.get("/petugas/", {"ticket": ticket.lower()})
    assert response["Location"] == f"/petugas/laporan/{ticket}/"


def test_officer_of_another_unit_gets_403_and_a_refused_action_changes_nothing(client):
    report = submit().report
    before = (report.status, report.holder_id, report.events.count())
    client.force_login(officer_at(OTHER_KELURAHAN).user)
    assert client.get(f"/petugas/laporan/{report.ticket}/").status_code == 403
    response = act(client, report.ticket, "accept")
    assert response.status_code == 403
    response = act(client, report.ticket, "reject", reject_reason="spam", reason="iseng")
    assert response.status_code == 403
    report = fresh(report)
    assert (report.status, report.holder_id, report.events.count()) == before


def test_an_action_the_lifecycle_refuses_shows_its_message_and_changes_nothing(client):
    triage = officer_at(TRIAGE)
    report = submit().report
    reports.koordinasi(report.ticket, triage.user, GAMBIR, "Lokasi di Gambir")
    report = fresh(report)
    before = (report.status, report.holder_id, report.events.count())

    client.force_login(triage.user)  # it held the case, so it may look, but no longer act
    response = act(client, report.ticket, "accept")
    assert response.status_code == 302
    assert response["Location"] == f"/petugas/laporan/{report.ticket}/"
    page = text(client.get(response["Location"]))
    assert "Laporan ini dipegang oleh unit lain" in page
    report = fresh(report)
    assert (report.status, report.holder_id, report.events.count()) == before


def test_missing_reason_is_refused_with_the_domain_message(client):
    report = submit().report
    client.force_login(officer_at(TRIAGE).user)
    response = act(client, report.ticket, "koordinasi", target=GAMBIR, reason="  ")
    page = text(client.get(response["Location"]))
    assert "Alasan atau keterangan wajib diisi." in page
    assert fresh(report).events.count() == 1


def test_reject_outside_authority_needs_a_referral(client):
    report = submit().report
    client.force_login(officer_at(TRIAGE).user)
    response = act(client, report.ticket, "reject", reject_reason="luar_kewenangan", reason="Jalan tol")
    assert "Sebutkan instansi berwenang" in text(client.get(response["Location"]))
    assert fresh(report).status == "menunggu"
    act(client, report.ticket, "reject", reject_reason="luar_kewenangan", reason="Jalan tol", referral="BPJT")
    report = fresh(report)
    assert report.status == "ditolak"
    page = text(client.get(f"/petugas/laporan/{report.ticket}/"))
    assert "Di luar kewenangan Pemprov DKI" in page
    assert "BPJT" in page


def test_merge_into_another_open_case(client):
    survivor = submit("Lubang besar di Jl. Abdul Muis").report
    duplicate = submit("Jalan Abdul Muis berlubang").report
    client.force_login(officer_at(TRIAGE).user)
    act(client, duplicate.ticket, "merge", into=survivor.ticket.replace("-", "").lower(), reason="Sama")
    duplicate = fresh(duplicate)
    assert duplicate.status == "duplikat"
    assert duplicate.merged_into_id == survivor.pk
    public = text(client.get(f"/laporan/{duplicate.ticket}/"))
    assert f'href="/laporan/{survivor.ticket}/"' in public


def test_case_page_shows_reporter_only_on_public_reports(client):
    who = ReporterInput(name="Rina Kusuma", phone="081311112222", email="rina@example.id")
    public = submit("Trotoar rusak", reporter=who).report
    private = submit("Pungli parkir", reporter=who, visibility="private").report
    client.force_login(officer_at(TRIAGE).user)

    page = text(client.get(f"/petugas/laporan/{public.ticket}/"))
    assert "Rina Kusuma" in page and "081311112222" in page and "rina@example.id" in page

    page = text(client.get(f"/petugas/laporan/{private.ticket}/"))
    assert "Pelapor dirahasiakan" in page
    assert "Pungli parkir" in page  # officers see the content of private reports
    for personal in ("Rina Kusuma", "081311112222", "rina@example.id"):
        assert personal not in page


def test_case_page_shows_routing_reason_facts_and_only_allowed_forms(client):
    report = submit(address="Jl. Kramat Raya 5", landmark="depan apotek").report
    client.force_login(officer_at(TRIAGE).user)
    page = text(client.get(f"/petugas/laporan/{report.ticket}/"))
    assert "Laporan tanpa titik lokasi" in page  # the routing reason of the submit event
    assert "no_point" in page  # and its facts
    assert "Jl. Kramat Raya 5" in page and "depan apotek" in page
    assert "Situs web" in page  # channel
    for action in ("accept", "koordinasi", "reject", "merge"):
        assert f"/petugas/laporan/{report.ticket}/{action}/" in page
    for action in ("validate", "report_followup", "return", "disposisi"):
        assert f"/petugas/laporan/{report.ticket}/{action}/" not in page
    assert 'value="KEL-31.71.01.1001"' in page  # koordinasi targets include any holding unit
    assert 'value="BIROPEM"' not in page  # but never the Biro, which does not hold cases


def test_get_on_an_action_is_not_allowed(client):
    report = submit().report
    client.force_login(officer_at(TRIAGE).user)
    assert client.get(f"/petugas/laporan/{report.ticket}/accept/").status_code == 405
    assert act(client, report.ticket, "terbang").status_code == 404


def test_full_flow_from_the_web_form_to_selesai(client, shared_data):
    response = client.post(
        "/lapor/",
        {"description": "Jalan berlubang dekat Monas", "jenis": "pengaduan", "visibility": "public", **MONAS},
    )
    report = Report.objects.get()
    assert response.status_code == 302 and report.holder.code == GAMBIR

    client.force_login(officer_at(GAMBIR).user)
    assert report.ticket in text(client.get("/petugas/"))
    response = act(client, report.ticket, "accept")
    assert "Berhasil" in text(client.get(response["Location"]))
    assert fresh(report).status == "proses"

    response = act(
        client, report.ticket, "koordinasi", target="BINAMARGA", reason="Jalan kewenangan Bina Marga"
    )
    assert response["Location"] == "/petugas/"  # the case left the unit
    report = fresh(report)
    assert (report.status, report.holder.code) == ("koordinasi", "BINAMARGA")

    client.force_login(officer_at("BINAMARGA").user)
    assert report.ticket in text(client.get("/petugas/"))
    act(client, report.ticket, "accept")
    assert fresh(report).status == "proses"
    act(client, report.ticket, "report_followup", note="Lubang sudah ditambal", after=evidence())
    assert fresh(report).status == "menunggu_validasi"

    client.force_login(officer_at(BIRO, role="validator").user)
    queue = text(client.get("/petugas/"))
    assert report.ticket in queue  # the Biro's validation list
    act(client, report.ticket, "validate", note="Foto sesuai")
    report = fresh(report)
    assert report.status == "selesai"
    assert [e.action for e in report.events.order_by("id")] == [
        "submit",
        "accept",
        "koordinasi",
        "accept",
        "report_followup",
        "validate",
    ]
    public = text(client.get(f"/laporan/{report.ticket}/"))
    assert "Selesai" in public
    assert "Lubang sudah ditambal" in public
    assert "Koordinasi ke unit lain" in public


def test_disposisi_ews_tl_ditolak_and_dispute_flow(client, dinas_units):
    dinas, sudin = dinas_units
    result = submit("Trotoar amblas, bahaya untuk pejalan kaki")  # no place: the triage desk holds it
    ticket = result.report.ticket
    client.force_login(officer_at(TRIAGE).user)
    act(client, ticket, "koordinasi", target=dinas.code, reason="Tupoksi dinas")

    client.force_login(officer_at(dinas.code).user)
    page = text(client.get(f"/petugas/laporan/{ticket}/"))
    assert f'value="{sudin.code}"' in page  # its own suku dinas in the disposisi form
    act(client, ticket, "disposisi", target=sudin.code, reason="Kerjakan minggu ini")
    assert (fresh(result.report).status, fresh(result.report).holder.code) == ("disposisi", sudin.code)

    client.force_login(officer_at(sudin.code).user)
    act(client, ticket, "accept")
    past = timezone.localdate() - dt.timedelta(days=1)
    response = act(client, ticket, "set_ews", ews_date=past.isoformat(), reason="Menunggu material")
    assert "EWS" in text(client.get(response["Location"]))
    assert fresh(result.report).ews_date is None
    future = timezone.localdate() + dt.timedelta(days=14)
    act(client, ticket, "set_ews", ews_date=future.isoformat(), reason="Menunggu material")
    assert fresh(result.report).ews_date == future
    act(client, ticket, "report_followup", note="Trotoar diperbaiki", after=evidence())

    client.force_login(officer_at(BIRO, role="validator").user)
    act(client, ticket, "reject_followup", reason="Foto tidak jelas")
    report = fresh(result.report)
    assert (report.status, report.holder.code, report.tl_rejections) == ("proses", sudin.code, 1)

    client.force_login(officer_at(sudin.code).user)
    act(client, ticket, "report_followup", note="Foto baru terlampir", after=evidence())
    client.force_login(officer_at(BIRO, role="validator").user)
    act(client, ticket, "validate")
    assert fresh(result.report).status == "selesai"

    client.logout()
    url = f"/laporan/{ticket}/"
    assert 'name="reason"' not in text(client.get(url))  # no dispute form without the token
    page = text(client.get(url, {"token": result.access_token}))
    assert "Sanggah penyelesaian" in page
    response = client.post(
        f"/laporan/{ticket}/sanggah/", {"token": result.access_token, "reason": "Masih amblas"}
    )
    assert response.status_code == 302
    report = fresh(result.report)
    assert (report.status, report.reopens) == ("proses", 1)
    assert "Sanggahan diterima" in text(client.get(response["Location"]))


def test_dispute_with_a_wrong_token_changes_nothing(client):
    result = submit()
    events = result.report.events.count()
    response = client.post(
        f"/laporan/{result.report.ticket}/sanggah/", {"token": "palsu", "reason": "Belum selesai"}
    )
    assert response.status_code == 302
    assert "Tautan pelapor tidak valid" in text(client.get(response["Location"]))
    assert fresh(result.report).events.count() == events


def test_biro_sees_every_case(client):
    report = submit().report
    client.force_login(officer_at(BIRO).user)
    response = client.get(f"/petugas/laporan/{report.ticket}/")
    assert response.status_code == 200
    assert f"/petugas/laporan/{report.ticket}/reject/" in text(response)


def test_triage_decision_is_one_click_and_becomes_training_data(client):
    from aduan.models import TrainingExample
    from tests.factories import CategoryFactory

    CategoryFactory(code="UJISAMPAH", name="Sampah (uji)", kelurahan_handles="yes", agency=None)
    report = submit("Sampah numpuk di ujung gang, bau sekali").report
    assert report.needs_triage and report.holder.code == TRIAGE  # no point, no model: a human decides
    client.force_login(officer_at(TRIAGE).user)
    page = text(client.get(f"/petugas/laporan/{report.ticket}/"))
    assert "perlu triase" in text(client.get("/petugas/")) and "Tetapkan kategori" in page
    response = act(
        client, report.ticket, "recategorise", category="UJISAMPAH", jenis="pengaduan", kewenangan="dki"
    )
    assert response.status_code == 302
    decided = fresh(report)
    assert (decided.category.code, decided.needs_triage, decided.category_confidence) == (
        "UJISAMPAH",
        False,
        1.0,
    )
    example = TrainingExample.objects.get(report=decided)
    assert (example.category, example.source, example.text) == ("UJISAMPAH", "triage", decided.description)
    assert decided.events.last().action == "recategorise"


def test_another_unit_cannot_recategorise(client):
    from aduan.models import TrainingExample

    report = submit("Sampah numpuk").report
    client.force_login(officer_at(OTHER_KELURAHAN).user)
    act(client, report.ticket, "recategorise", category="LAINNYA", jenis="pengaduan", kewenangan="dki")
    assert fresh(report).needs_triage and not TrainingExample.objects.exists()
