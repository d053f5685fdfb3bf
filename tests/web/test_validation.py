"""The Biro's validation queue: follow-ups oldest first with before/after photos and their flags in front;
validate or TL Ditolak with a reason (back to the handler, counted); only for validating roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.models import Report, ReportEvent
from aduan.services import casework, reports
from tests.factories import BIRO, MONAS, at_monas, officer_at
from tests.services.test_photos import exif_with, image_bytes
from tests.web.helpers import GAMBIR, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "gambir_polygon")]


def jpeg(
    *, hours: float = 2, lat: float | None = MONAS[0], lon: float | None = MONAS[1], exif: bool = True
) -> bytes:
    taken = (timezone.now() + timedelta(hours=hours)).astimezone(timezone.get_default_timezone())
    return image_bytes(
        exif=exif_with(taken=taken.strftime("%Y:%m:%d %H:%M:%S"), lat=lat, lon=lon) if exif else None
    )


def followed_up(
    description: str, note: str, *, after: list[bytes], before: list[bytes] | None = None
) -> Report:
    report = at_monas(description, external_id=description).report
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    casework.post_followup(report.ticket, lurah, note, before=before or [], after=after)
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def validator(client):
    client.force_login(officer_at(BIRO, role="validator").user)
    return client


def test_only_the_biros_validating_roles_open_the_queue(client) -> None:
    assert client.get("/petugas/validasi/").status_code == 302  # log in first
    for unit, role in ((GAMBIR, "officer"), (GAMBIR, "head"), (BIRO, "officer"), (BIRO, "supervisor")):
        client.force_login(officer_at(unit, role=role).user)
        response = client.get("/petugas/validasi/")
        assert response.status_code == 403, (unit, role)
    for role in ("validator", "head", "admin"):
        client.force_login(officer_at(BIRO, role=role).user)
        assert client.get("/petugas/validasi/").status_code == 200, role


def test_queue_lists_oldest_first_with_photos_side_by_side_and_flags_in_front(validator) -> None:
    first = followed_up("Lubang di depan halte", "Ditambal", before=[jpeg(hours=-1)], after=[jpeg()])
    far = followed_up("Lubang kedua di jalan", "Ditambal juga", after=[jpeg(lat=-6.2297, lon=106.8295)])
    early = followed_up("Lubang ketiga di gang", "Sudah", after=[jpeg(hours=-48)])
    bare = followed_up("Lubang keempat di pasar", "Beres", after=[jpeg(exif=False)])
    page = text(validator.get("/petugas/validasi/"))
    order = [page.index(f'id="v-{r.ticket}"') for r in (first, far, early, bare)]
    assert order == sorted(order)
    assert "4 tindak lanjut menunggu validasi" in page

    def card(report: Report) -> str:
        start = page.index(f'id="v-{report.ticket}"')
        return page[start : page.index("</li>\n", start)]

    assert 'class="flags"' not in card(first)
    one = card(first)
    assert one.index("Sebelum") < one.index("/petugas/foto/") < one.index("Sesudah")
    assert "Ditambal" in one and "Lubang di depan halte" in one
    assert 'class="flags"' in card(far) and "km dari titik laporan" in card(far)
    assert "sebelum laporan dibuat" in card(early)
    assert "tanpa data EXIF" in card(bare)
    for report in (first, far):
        assert f"/petugas/validasi/{report.ticket}/validate/" in card(report)
        assert f"/petugas/validasi/{report.ticket}/reject_followup/" in card(report)


def test_a_follow_up_without_photos_is_flagged(validator) -> None:
    report = at_monas("Lubang lama").report
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    reports.report_followup(report.ticket, lurah, "Sudah")  # a caller that does not require photos
    page = text(validator.get("/petugas/validasi/"))
    assert "Tidak ada foto sesudah penanganan." in page


def test_validate_from_the_queue_closes_the_case(validator) -> None:
    report = followed_up("Lubang di depan halte", "Ditambal", after=[jpeg()])
    response = validator.post(f"/petugas/validasi/{report.ticket}/validate/", {"note": "Foto sesuai"})
    assert response.status_code == 302 and response["Location"] == "/petugas/validasi/"
    page = text(validator.get(response["Location"]))
    assert f"{report.ticket} divalidasi: selesai." in page
    assert f'id="v-{report.ticket}"' not in page
    report.refresh_from_db()
    assert report.status == "selesai"
    assert ReportEvent.objects.get(report=report, action="validate").reason == "Foto sesuai"


def test_tl_ditolak_needs_a_reason_sends_back_to_the_handler_and_counts(validator) -> None:
    report = followed_up("Lubang di depan halte", "Ditambal", after=[jpeg(exif=False)])
    url = f"/petugas/validasi/{report.ticket}/reject_followup/"
    refused = validator.post(url, {"reason": "  "})
    assert "Alasan atau keterangan wajib diisi." in text(validator.get(refused["Location"]))
    assert Report.objects.get(pk=report.pk).status == "menunggu_validasi"

    validator.post(url, {"reason": "Foto tanpa waktu dan lokasi; ambil ulang di lokasi"})
    report = Report.objects.select_related("holder").get(pk=report.pk)
    assert (report.status, report.holder.code, report.tl_rejections) == ("proses", GAMBIR, 1)

    casework.post_followup(report.ticket, officer_at(GAMBIR).user, "Ditambal ulang", after=[jpeg()])
    page = text(validator.get("/petugas/validasi/"))
    assert "TL Ditolak 1×" in page and "Ditambal ulang" in page


def test_htmx_gets_just_the_row_back(validator) -> None:
    report = followed_up("Lubang di depan halte", "Ditambal", after=[jpeg()])
    response = validator.post(
        f"/petugas/validasi/{report.ticket}/reject_followup/",
        {"reason": "Belum tuntas"},
        HTTP_HX_REQUEST="true",
    )
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert (
        f'id="v-{report.ticket}"' in body and "TL Ditolak, kembali ke Kelurahan Gambir (ditolak 1×)" in body
    )
    again = validator.post(f"/petugas/validasi/{report.ticket}/validate/", {}, HTTP_HX_REQUEST="true")
    assert 'class="msg error"' in text(again)  # no longer waiting: the lifecycle's refusal, in the row


def test_those_who_may_not_validate_change_nothing(client) -> None:
    report = followed_up("Lubang di depan halte", "Ditambal", after=[jpeg()])
    for unit, role in ((GAMBIR, "officer"), (BIRO, "officer")):
        client.force_login(officer_at(unit, role=role).user)
        assert client.post(f"/petugas/validasi/{report.ticket}/validate/").status_code == 403
        assert (
            client.post(f"/petugas/validasi/{report.ticket}/reject_followup/", {"reason": "x"}).status_code
            == 403
        )
    client.force_login(officer_at(BIRO, role="validator").user)
    assert client.post(f"/petugas/validasi/{report.ticket}/terbang/").status_code == 404
    assert Report.objects.get(pk=report.pk).status == "menunggu_validasi"
    assert not ReportEvent.objects.filter(report=report, action__in=("validate", "reject_followup")).exists()
