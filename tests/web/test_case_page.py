"""The case page: description, photos, map, the reporter's kanal (never a private reporter's identity), the
timeline, similar and clustered reports, every action as a form with its suggestion and templates; asking
the reporter and their answer; follow-up photos through the web; photos only behind the case's access."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aduan.domain.messages import Contact
from aduan.models import Attachment, OutboxMessage, Region, Report, ReportEvent, ResponseTemplate
from aduan.services import casework, relay, reports
from aduan.services.reports import ReporterInput
from tests.factories import MONAS, CategoryFactory, DinasFactory, SukuDinasFactory, at_monas, officer_at
from tests.services.test_photos import exif_with, image_bytes
from tests.web.helpers import GAMBIR, submit, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "gambir_polygon")]

JAKARTA = ZoneInfo("Asia/Jakarta")
PERSONAL = ("Siti Aminah", "6281377770001", "siti@example.id")


def upload(
    name: str = "sesudah.jpg", *, hours: float = 2, near: bool = True, fmt: str = "JPEG"
) -> SimpleUploadedFile:
    taken = (timezone.now() + timedelta(hours=hours)).astimezone(JAKARTA).strftime("%Y:%m:%d %H:%M:%S")
    lat, lon = (MONAS[0] + 0.0005, MONAS[1]) if near else (-6.2297, 106.8295)
    content = image_bytes(fmt, size=(200, 150), exif=exif_with(taken=taken, lat=lat, lon=lon))
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def private_from_whatsapp() -> Report:
    return at_monas(
        channel="whatsapp",
        description="Pungli parkir liar di depan pasar",
        visibility="private",
        reporter=ReporterInput(name=PERSONAL[0], phone="+" + PERSONAL[1], email=PERSONAL[2]),
        contact=Contact("whatsapp", "+" + PERSONAL[1], PERSONAL[0]),
        external_id="wamid.HBgNNjI4MTM3Nzc3MDAwMRUCABIYFjNFQjA",
    ).report


def page_of(client, report: Report) -> str:
    response = client.get(f"/petugas/laporan/{report.ticket}/")
    assert response.status_code == 200
    return text(response)


def test_case_page_shows_description_map_kanal_and_timeline_facts(client, settings) -> None:
    report = at_monas(address="Jl. Medan Merdeka Barat", landmark="depan halte").report
    client.force_login(officer_at(GAMBIR).user)
    page = page_of(client, report)
    assert "Jalan berlubang besar di depan halte" in page
    assert "Jl. Medan Merdeka Barat" in page and "depan halte" in page
    assert 'id="case-map"' in page and 'data-lat="-6.1754000"' in page and 'data-lon="106.8272000"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/vendor/leaflet/leaflet.css" in page
    assert 'id="case-map-boundary"' in page  # the kelurahan's outline on the blank map
    assert 'data-tiles=""' in page and "Peta tanpa latar" in page
    assert "Situs web" in page  # the kanal label
    assert "Penentuan unit" in page or "Sumber lokasi" in page  # routing facts in the timeline
    settings.ADUAN_MAP_TILES = "https://peta.jakarta.go.id/{z}/{x}/{y}.png"
    page = page_of(client, report)
    assert (
        'data-tiles="https://peta.jakarta.go.id/{z}/{x}/{y}.png"' in page and "Peta tanpa latar" not in page
    )


def test_no_map_without_a_point(client) -> None:
    report = submit().report
    client.force_login(officer_at("TRIASE").user)
    page = page_of(client, report)
    assert 'id="case-map"' not in page and "leaflet.js" not in page


def test_a_private_reporter_stays_anonymous_through_asking_and_answering(client) -> None:
    report = private_from_whatsapp()
    lurah = officer_at(GAMBIR)
    client.force_login(lurah.user)
    response = client.post(
        f"/petugas/laporan/{report.ticket}/ask/",
        {"reason": "Di depan pasar yang mana, sisi utara atau selatan?"},
    )
    assert response.status_code == 302 and response["Location"] == f"/petugas/laporan/{report.ticket}/"
    sent = OutboxMessage.objects.get(report=report, event__action="ask")
    assert (sent.kanal, sent.address) == ("whatsapp", "+" + PERSONAL[1])
    ask = ReportEvent.objects.get(report=report, action="ask")

    key = relay.answer_key(ask.pk, report.ticket)
    client.logout()
    answer_page = client.get(f"/j/{key}/")
    assert answer_page.status_code == 200 and "sisi utara atau selatan" in text(answer_page)
    assert "Pungli parkir" not in text(answer_page)  # the link shows the question, not the report
    response = client.post(f"/j/{key}/", {"answer": "Sisi utara, dekat pintu masuk parkir motor"})
    assert response.status_code == 302
    assert "jawaban Anda sudah diterima" in text(client.get(response["Location"]))

    client.force_login(lurah.user)
    page = page_of(client, report)
    assert "Pelapor dirahasiakan" in page
    assert "Jawaban pelapor" in page and "Sisi utara, dekat pintu masuk parkir motor" in page
    assert "Dikirim ke pelapor lewat: WhatsApp" in page
    assert "WhatsApp" in page  # the kanal, never the number
    for personal in PERSONAL:
        assert personal not in page
    assert "HBgNNjI4" not in page  # the message id on the kanal could name the sender: hidden too


def test_a_public_reporter_is_shown_to_officers(client) -> None:
    who = ReporterInput(name="Rina Kusuma", phone="081311112222", email="rina@example.id")
    report = at_monas(reporter=who).report
    client.force_login(officer_at(GAMBIR).user)
    page = page_of(client, report)
    assert "Rina Kusuma" in page and "081311112222" in page and "rina@example.id" in page
    assert "Dapat ditanya lewat" in page and "SMS" in page


def test_the_reporter_answers_from_their_private_link_and_a_wrong_token_writes_nothing(client) -> None:
    result = at_monas(visibility="private")
    report, token = result.report, result.access_token or ""
    reports.ask(report.ticket, officer_at(GAMBIR).user, "Sejak kapan lubangnya ada?")

    own = text(client.get(f"/laporan/{report.ticket}/", {"token": token}))
    assert "Petugas bertanya" in own and "Sejak kapan lubangnya ada?" in own
    assert 'name="answer"' in own
    public = text(client.get(f"/laporan/{report.ticket}/"))
    assert 'name="answer"' not in public and "Sejak kapan lubangnya" not in public

    form = client.get(f"/laporan/{report.ticket}/jawab/", {"token": token})
    assert form.status_code == 200 and "Sejak kapan lubangnya ada?" in text(form)
    assert "no-store" in form["Cache-Control"]
    refused = client.post(f"/laporan/{report.ticket}/jawab/", {"token": "palsu", "answer": "Sejak Senin"})
    assert refused.status_code == 403
    assert client.get(f"/j/{relay.answer_key(1, 'AAAA-AAAA')}/").status_code == 404
    assert client.get("/j/bukan-kunci/").status_code == 404
    assert not ReportEvent.objects.filter(report=report, action="comment").exists()

    empty = client.post(f"/laporan/{report.ticket}/jawab/", {"token": token, "answer": "  "})
    assert empty.status_code == 200 and "wajib diisi" in text(empty)
    done = client.post(f"/laporan/{report.ticket}/jawab/", {"token": token, "answer": "Sejak Senin lalu"})
    assert done.status_code == 302
    comment = ReportEvent.objects.get(report=report, action="comment")
    assert comment.reason == "Sejak Senin lalu" and comment.actor_kind == "reporter"
    own = text(client.get(f"/laporan/{report.ticket}/", {"token": token}))
    assert 'name="answer"' not in own  # answered

    client.force_login(officer_at(GAMBIR).user)
    assert "Sejak Senin lalu" in page_of(client, report)


def test_follow_up_through_the_web_with_photos_side_by_side(client, media) -> None:
    report = at_monas().report
    lurah = officer_at(GAMBIR)
    reports.accept(report.ticket, lurah.user)
    client.force_login(lurah.user)
    url = f"/petugas/laporan/{report.ticket}/report_followup/"
    form = text(client.get(f"/petugas/laporan/{report.ticket}/"))
    assert 'enctype="multipart/form-data"' in form and 'name="after"' in form and "multiple" in form

    missing = client.post(url, {"note": "Sudah ditambal", "before": [upload("sebelum.jpg", hours=-1)]})
    assert "sedikitnya satu foto sesudah" in text(client.get(missing["Location"]))
    bad = client.post(
        url,
        {
            "note": "Sudah ditambal",
            "after": [SimpleUploadedFile("foto.jpg", b"GIF89a" + b"\0" * 40, "image/jpeg")],
        },
    )
    assert "Foto sesudah: bukan foto JPEG, PNG atau WebP." in text(client.get(bad["Location"]))
    assert Report.objects.get(pk=report.pk).status == "proses" and not Attachment.objects.exists()

    response = client.post(
        url,
        {
            "note": "Sudah ditambal",
            "before": [upload("sebelum.png", hours=-1, fmt="PNG")],
            "after": [upload("sesudah-1.jpg"), upload("sesudah-2.jpg", near=False)],
        },
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == "menunggu_validasi"
    page = page_of(client, report)
    pair = page[page.index('class="photo-pair"') :]
    ids = [a.pk for a in Attachment.objects.filter(report=report).order_by("id")]
    assert len(ids) == 3
    positions = [pair.index(f"/petugas/foto/{pk}/") for pk in ids]
    assert pair.index("Sebelum") < positions[0] < pair.index("Sesudah") < positions[1] < positions[2]
    assert "km dari titik laporan" in page  # the far one is flagged on the case page too


def test_photos_are_served_only_to_officers_who_may_open_the_case(client, media) -> None:
    report = at_monas().report
    lurah = officer_at(GAMBIR)
    reports.accept(report.ticket, lurah.user)
    casework.post_followup(report.ticket, lurah.user, "Sudah", after=[upload()])
    attachment = Attachment.objects.get(report=report)

    assert client.get(f"/petugas/foto/{attachment.pk}/").status_code == 302  # log in first
    client.force_login(lurah.user)
    response = client.get(f"/petugas/foto/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xff\xd8\xff" and b"Exif" not in body[:4096]
    assert "private" in response["Cache-Control"]

    client.force_login(officer_at("KEL-31.71.01.1002").user)
    assert client.get(f"/petugas/foto/{attachment.pk}/").status_code == 403
    assert client.get("/petugas/foto/999999/").status_code == 404
    client.logout()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404  # never from a public address


def test_koordinasi_preselects_the_tupoksi_unit_with_its_reason(client) -> None:
    dinas = DinasFactory(code="UJIBM", name="Dinas Uji Jalan", agency__scope="jalan dan trotoar")
    kota = Region.objects.get(code="31.71")
    SukuDinasFactory(parent=dinas, name="Suku Dinas Uji Jalan Jakarta Pusat", region=kota)
    CategoryFactory(
        code="UJIJALAN", name="Jalan Uji", agency=dinas.agency, kelurahan_handles="minor", scope="lubang"
    )
    report = at_monas(category="UJIJALAN").report
    client.force_login(officer_at(GAMBIR).user)
    page = page_of(client, report)
    block = page[page.index('id="action-koordinasi"') :]
    block = block[: block.index("</details>")]
    assert re.search(r'<option value="UJIBM-31\.71" selected>', block)
    assert "Saran sistem: Suku Dinas Uji Jalan Jakarta Pusat" in block
    assert "Tupoksi Dinas Uji Jalan: jalan dan trotoar." in block


def test_reject_is_prefilled_with_the_proposed_referral(client) -> None:
    report = submit("Tagihan listrik PLN naik tidak wajar").report
    Report.objects.filter(pk=report.pk).update(proposed_referral="PLN UID Jakarta Raya", kewenangan="luar")
    client.force_login(officer_at("TRIASE").user)
    page = page_of(client, report)
    block = page[page.index('id="action-reject"') :]
    block = block[: block.index("</details>")]
    assert 'value="PLN UID Jakarta Raya"' in block
    assert re.search(r'<option value="luar_kewenangan" selected>', block)


def test_response_templates_are_offered_per_action_and_fill_the_right_field(client) -> None:
    casework.seed_response_templates()
    ResponseTemplate.objects.create(name="Khusus {tiket}", action="ask", text="Tiket {tiket}: kirim foto?")
    report = at_monas().report
    client.force_login(officer_at(GAMBIR).user)
    page = page_of(client, report)
    block = page[page.index('id="action-ask"') :]
    block = block[: block.index("</details>")]
    assert 'data-fill="id_ask_reason"' in block and 'id="id_ask_reason"' in block
    assert "Minta lokasi yang tepat" in block
    assert f"Tiket {report.ticket}: kirim foto?" in block
    assert "/static/aduan/casework.js" in page
    reject = page[page.index('id="action-reject"') :]
    assert 'data-fill="id_reject_reason"' in reject[: reject.index("</details>")]


def test_cluster_and_similar_reports_are_linked(client) -> None:
    CategoryFactory(code="UJIJALAN", name="Jalan Uji", agency=None, kelurahan_handles="yes")
    root = at_monas(category="UJIJALAN", description="Jalan berlubang besar depan halte Monas").report
    member = at_monas(description="Ada got mampet di sini", external_id="m1").report
    lurah = officer_at(GAMBIR)
    reports.merge(member.ticket, lurah.user, root.ticket)
    near = at_monas(
        category="UJIJALAN",
        description="Jalan berlubang dekat halte Monas, motor sering jatuh",
        external_id="n1",
    ).report
    client.force_login(lurah.user)
    page = page_of(client, Report.objects.get(pk=root.pk))
    assert "Digabungkan ke laporan ini" in page and f'href="/petugas/laporan/{member.ticket}/"' in page
    assert "Laporan serupa di sekitar" in page and f'href="/petugas/laporan/{near.ticket}/"' in page
    page = page_of(client, Report.objects.get(pk=member.pk))
    assert "Laporan ini digabungkan ke" in page and f'href="/petugas/laporan/{root.ticket}/"' in page


def test_ask_is_offered_only_to_the_holder(client) -> None:
    report = at_monas().report
    client.force_login(officer_at(GAMBIR).user)
    assert f"/petugas/laporan/{report.ticket}/ask/" in page_of(client, report)
    client.force_login(officer_at("BIROPEM").user)  # sees every case, but does not hold this one
    assert f"/petugas/laporan/{report.ticket}/ask/" not in page_of(client, report)
    response = client.post(f"/petugas/laporan/{report.ticket}/ask/", {"reason": "Siapa Anda?"})
    assert response.status_code == 302
    assert not ReportEvent.objects.filter(report=report, action="ask").exists()


def test_a_private_reporters_message_id_on_their_kanal_is_hidden(client) -> None:
    report = private_from_whatsapp()
    ReportEvent.objects.create(
        report=report,
        action="comment",
        actor_kind="reporter",
        to_status=report.status,
        holder=report.holder,
        reason="Tambahan: pelakunya datang tiap pagi",
        data={"kanal": "whatsapp", "external_id": "wamid.SECRET-ID-42"},
    )
    client.force_login(officer_at(GAMBIR).user)
    page = page_of(client, report)
    assert "pelakunya datang tiap pagi" in page and "lewat WhatsApp" in page
    assert "SECRET-ID-42" not in page
