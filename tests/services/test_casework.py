"""Casework: the follow-up with before/after photos and its checks, asking the reporter through the masked
relay and their answer, the koordinasi suggestion, response templates, and the validation queue."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.messages import Contact, InboundMessage
from aduan.models import (
    Attachment,
    OutboxMessage,
    Region,
    Report,
    ReportEvent,
    ResponseTemplate,
    Unit,
)
from aduan.services import casework, intake, outbox, photos, relay, reports
from aduan.services.reports import NewReport, NotFound, ReporterInput
from tests.conftest import stored_files
from tests.factories import (
    GAMBIR,
    MONAS,
    CategoryFactory,
    DinasFactory,
    SukuDinasFactory,
    at_monas,
    officer_at,
)
from tests.services.test_photos import exif_with, image_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "gambir_polygon")]

JAKARTA = ZoneInfo("Asia/Jakarta")


def exif_time(moment: datetime) -> str:
    return moment.astimezone(JAKARTA).strftime("%Y:%m:%d %H:%M:%S")


def photo(
    *, at: datetime | None = None, lat: float | None = None, lon: float | None = None, fmt: str = "JPEG"
) -> io.BytesIO:
    exif = exif_with(taken=exif_time(at) if at else None, lat=lat, lon=lon) if (at or lat) else None
    return io.BytesIO(image_bytes(fmt, size=(320, 240), exif=exif))


def good_after() -> io.BytesIO:
    return photo(at=timezone.now() + timedelta(hours=2), lat=MONAS[0] + 0.0005, lon=MONAS[1])


def in_proses(jenis: str = "pengaduan", **fields: object) -> Report:
    """A report at Monas, held by Gambir and accepted there."""
    fields.setdefault("description", "Jalan berlubang besar di depan halte, bahaya untuk motor")
    report = at_monas(jenis=jenis, **fields).report
    assert report.holder.code == GAMBIR
    reports.accept(report.ticket, officer_at(GAMBIR).user)
    return Report.objects.get(pk=report.pk)


# ---------------------------------------------------------------- the follow-up with photos


def test_follow_up_with_before_and_after_photos_stores_them_with_the_event_read_and_stripped(media) -> None:
    report = in_proses()
    lurah = officer_at(GAMBIR)
    taken = timezone.now() + timedelta(hours=2)
    done = casework.post_followup(
        report.ticket,
        lurah.user,
        "Lubang ditambal aspal dingin",
        before=[photo(at=timezone.now() - timedelta(days=3), fmt="PNG")],
        after=[photo(at=taken, lat=MONAS[0] + 0.001, lon=MONAS[1] + 0.001, fmt="WEBP")],
    )
    assert done.status == "menunggu_validasi"
    event = ReportEvent.objects.get(report=report, action="report_followup")
    assert event.data["photos"] == {"sebelum": 1, "sesudah": 1}
    before, after = Attachment.objects.filter(event=event).order_by("kind")  # "sebelum" < "sesudah"
    assert (before.kind, after.kind) == ("sebelum", "sesudah")
    assert before.flag == ""  # only "sesudah" photos are checked
    assert after.flag == ""  # taken after the report, 157 m away
    assert after.taken_at is not None and abs((after.taken_at - taken).total_seconds()) < 1
    assert after.lat == pytest.approx(MONAS[0] + 0.001, abs=1e-5)
    for attachment in (before, after):
        assert attachment.content_type == "image/jpeg" and attachment.report_id == report.pk
        with attachment.file.open("rb") as handle:
            stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and len(stored.getexif()) == 0
    assert len(stored_files(media)) == 2


def test_far_early_and_bare_after_photos_are_flagged_not_refused() -> None:
    report = in_proses()
    casework.post_followup(
        report.ticket,
        officer_at(GAMBIR).user,
        "Sudah diperbaiki",
        after=[
            photo(at=timezone.now() + timedelta(hours=1), lat=-6.2297, lon=106.8295),  # Semanggi, ~6 km
            photo(at=timezone.now() - timedelta(days=2), lat=MONAS[0], lon=MONAS[1]),
            photo(),  # no EXIF at all
            good_after(),
        ],
    )
    flags = list(
        Attachment.objects.filter(report=report, kind="sesudah").order_by("id").values_list("flag", flat=True)
    )
    assert "km dari titik laporan" in flags[0]
    assert "sebelum laporan dibuat" in flags[1]
    assert "tanpa data EXIF" in flags[2]
    assert flags[3] == ""
    assert Report.objects.get(pk=report.pk).status == "menunggu_validasi"


def test_a_storage_failure_on_the_second_photo_leaves_no_follow_up_and_no_file(media, monkeypatch) -> None:
    report = in_proses()
    events = report.events.count()
    real_save = FileSystemStorage._save
    saved: list[str] = []

    def failing_save(self, name, content):  # the disk fills up after the first photo
        if saved:
            raise OSError("disk penuh")
        saved.append(name)
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    with pytest.raises(OSError):
        casework.post_followup(
            report.ticket, officer_at(GAMBIR).user, "Sudah", before=[photo()], after=[photo()]
        )
    assert saved  # the first photo's file was written before the failure
    assert Report.objects.get(pk=report.pk).status == "proses"
    assert report.events.count() == events
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_files_of_a_nested_block_are_deleted_when_the_enclosing_one_rolls_back(media) -> None:
    report = in_proses()
    prepared = photos.prepare(photo(), "photos", "Foto")
    with pytest.raises(RuntimeError), photos.stored_atomically():
        with photos.stored_atomically():
            photos.attach(report, None, prepared, Attachment.Kind.REPORT)
        assert len(stored_files(media)) == 1
        raise RuntimeError("the enclosing transaction fails after the inner one succeeded")
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_pengaduan_needs_an_after_photo_and_nothing_is_written_without_one(media) -> None:
    report = in_proses()
    events = report.events.count()
    with pytest.raises(InvalidInput) as refused:
        casework.post_followup(report.ticket, officer_at(GAMBIR).user, "Sudah", before=[photo()])
    assert list(refused.value.errors) == ["after"]
    assert "foto sesudah" in refused.value.errors["after"]
    assert Report.objects.get(pk=report.pk).status == "proses"
    assert report.events.count() == events
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_question_needs_no_photo() -> None:
    report = in_proses(jenis="informasi", description="Bagaimana cara mendaftar rusun?")
    done = casework.post_followup(report.ticket, officer_at(GAMBIR).user, "Daftar lewat JAKI, menu Rusun.")
    assert done.status == "menunggu_validasi"
    assert not Attachment.objects.filter(report=report).exists()


def test_a_bad_photo_is_refused_by_its_field_and_number_and_nothing_is_stored(media) -> None:
    report = in_proses()
    events = report.events.count()
    with pytest.raises(InvalidInput) as refused:
        casework.post_followup(
            report.ticket,
            officer_at(GAMBIR).user,
            "Sudah",
            before=[photo(), io.BytesIO(b"GIF89a" + b"\0" * 64)],
            after=[good_after()],
        )
    assert refused.value.errors == {"before": "Foto sebelum 2: bukan foto JPEG, PNG atau WebP."}
    assert report.events.count() == events and Report.objects.get(pk=report.pk).status == "proses"
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_another_unit_hears_the_lifecycle_refusal_not_a_photo_complaint(media) -> None:
    report = in_proses()
    with pytest.raises(DomainError) as refused:
        casework.post_followup(report.ticket, officer_at("KEL-31.71.01.1002").user, "Sudah", after=[photo()])
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as empty:
        casework.post_followup(report.ticket, officer_at(GAMBIR).user, "  ", after=[good_after()])
    assert empty.value.code == "reason_required"
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_the_old_call_without_photos_still_works() -> None:
    report = in_proses()
    assert (
        reports.report_followup(report.ticket, officer_at(GAMBIR).user, "Sudah").status == "menunggu_validasi"
    )


# ---------------------------------------------------------------- asking the reporter


def from_whatsapp(number: str = "+6281377770001", **fields: object) -> Report:
    values: dict[str, object] = {
        "channel": "whatsapp",
        "description": "Lampu jalan mati di gang kami sudah seminggu",
        "lat": MONAS[0],
        "lon": MONAS[1],
        "visibility": "private",
        "reporter": ReporterInput(name="Siti Aminah", phone=number),
        "contact": Contact("whatsapp", number, "Siti Aminah"),
        "external_id": f"wamid-{number}",
    }
    values.update(fields)
    return reports.submit_report(NewReport(**values)).report  # type: ignore[arg-type]


def test_asking_sends_the_question_on_the_reporters_own_kanal_with_an_answer_link() -> None:
    report = from_whatsapp()
    other = from_whatsapp("+6281377770002", description="Lampu jalan mati di gang, gelap sekali")
    reports.merge(other.ticket, officer_at(GAMBIR).user, report.ticket)  # a second reporter in the cluster
    before = OutboxMessage.objects.count()
    reports.ask(report.ticket, officer_at(GAMBIR).user, "Di depan rumah nomor berapa lampunya?")
    rows = list(OutboxMessage.objects.order_by("id")[before:])
    assert [(r.kanal, r.address) for r in rows] == [
        ("whatsapp", "+6281377770001")
    ]  # not the cluster's others
    ask = ReportEvent.objects.get(report=report, action="ask")
    assert rows[0].event_id == ask.pk
    assert "Petugas menanyakan" in rows[0].body and "nomor berapa lampunya" in rows[0].body
    assert relay.answer_url(ask.pk, report.ticket) in rows[0].body
    assert "Balas pesan ini" in rows[0].body


def test_the_sms_question_fits_in_one_message_and_keeps_its_link() -> None:
    report = reports.submit_report(
        NewReport(channel="sms", description="Got mampet", contact=Contact("sms", "+6281311112222"))
    ).report
    holder = Unit.objects.get(pk=report.holder_id)
    reports.ask(report.ticket, officer_at(holder.code).user, "Mohon jelaskan lokasinya " * 20)
    sms = OutboxMessage.objects.get(report=report, event__action="ask")
    assert len(sms.body) <= outbox.SMS_LIMIT
    ask = ReportEvent.objects.get(report=report, action="ask")
    assert sms.body.endswith(relay.answer_url(ask.pk, report.ticket))
    assert f"Balas diawali {report.ticket}" in sms.body


def test_only_the_holder_asks_and_a_question_is_required() -> None:
    report = from_whatsapp()
    with pytest.raises(DomainError) as stranger:
        reports.ask(report.ticket, officer_at("KEL-31.71.01.1002").user, "Siapa nama Anda?")
    assert stranger.value.code == "forbidden"
    with pytest.raises(DomainError) as empty:
        reports.ask(report.ticket, officer_at(GAMBIR).user, "   ")
    assert empty.value.code == "reason_required"
    with pytest.raises(InvalidInput):
        reports.ask(report.ticket, officer_at(GAMBIR).user, "x" * 1001)
    assert not ReportEvent.objects.filter(report=report, action="ask").exists()
    assert not OutboxMessage.objects.filter(report=report, event__action="ask").exists()


def test_a_reply_to_the_question_on_the_kanal_lands_on_the_case_and_answers_it() -> None:
    report = from_whatsapp()
    reports.ask(report.ticket, officer_at(GAMBIR).user, "Di depan rumah nomor berapa?")
    OutboxMessage.objects.filter(report=report, event__action="ask").update(
        provider_id="wamid.ASK1", state="sent"
    )
    reply = InboundMessage(
        kanal="whatsapp",
        external_id="wamid.REPLY1",
        text="Depan rumah nomor 12, dekat musala",
        sender=Contact("whatsapp", "+6281377770001"),
        extra={"in_reply_to": "wamid.ASK1"},
    )
    assert intake.apply(reply).pk == report.pk
    comment = ReportEvent.objects.get(report=report, action="comment")
    assert comment.reason == "Depan rumah nomor 12, dekat musala"
    assert [q.answered for q in casework.questions(report)] == [True]


def test_answer_with_the_private_token_or_the_links_key_and_nothing_without_them() -> None:
    result = reports.submit_report(
        NewReport(
            channel="web", description="Trotoar amblas", lat=MONAS[0], lon=MONAS[1], visibility="private"
        )
    )
    report, token = result.report, result.access_token or ""
    lurah = officer_at(GAMBIR)
    reports.ask(report.ticket, lurah.user, "Sejak kapan amblasnya?")
    first = casework.questions(report)[0]
    assert not first.answered and first.unit_name == lurah.unit.name

    for bad in ({"token": "palsu"}, {"token": ""}, {"key": relay.answer_key(first.event_id, "ZZZZ-ZZZZ")}):
        with pytest.raises(DomainError):
            casework.answer(report.ticket, "Sejak Senin", **bad)
    with pytest.raises(NotFound):
        casework.question_by_key(f"{first.event_id}-{'0' * 20}")
    assert not ReportEvent.objects.filter(report=report, action="comment").exists()

    casework.answer(report.ticket, "Sejak Senin lalu", token=token)
    comment = ReportEvent.objects.get(report=report, action="comment")
    assert comment.data == {"kanal": "web", "answers": first.event_id}
    assert comment.actor_kind == "reporter"

    reports.ask(report.ticket, lurah.user, "Seberapa dalam?")
    second = casework.questions(report)[1]
    key = relay.answer_key(second.event_id, report.ticket)
    found, question = casework.question_by_key(key)
    assert (found.pk, question.text) == (report.pk, "Seberapa dalam?")
    casework.answer(report.ticket, "Sekitar setengah meter", key=key)
    assert [q.answered for q in casework.questions(report)] == [True, True]
    with pytest.raises(InvalidInput):
        casework.answer(report.ticket, "   ", key=key)


def test_answer_without_any_question_is_refused() -> None:
    result = reports.submit_report(NewReport(channel="web", description="Trotoar amblas"))
    with pytest.raises(DomainError) as refused:
        casework.answer(result.report.ticket, "Halo", token=result.access_token or "")
    assert refused.value.code == "no_question"


def test_reporter_kanal_lists_kanal_never_addresses() -> None:
    report = from_whatsapp()
    assert casework.reporter_kanal(report) == ["whatsapp"]


# ---------------------------------------------------------------- suggestions and templates


@pytest.fixture
def roads() -> tuple[Unit, Unit]:
    """An agency with a dinas and a suku dinas in Jakarta Pusat, and a category of it."""
    dinas = DinasFactory(code="UJIBM", name="Dinas Uji Jalan", agency__scope="jalan, trotoar, jembatan")
    kota = Region.objects.get(code="31.71")
    sudin = SukuDinasFactory(parent=dinas, name="Suku Dinas Uji Jalan Jakarta Pusat", region=kota)
    CategoryFactory(
        code="UJIJALAN",
        name="Jalan Uji",
        agency=dinas.agency,
        kelurahan_handles="minor",
        scope="jalan berlubang",
    )
    return dinas, sudin


def test_koordinasi_suggests_the_suku_dinas_of_the_reports_kota_with_the_tupoksi(roads) -> None:
    dinas, sudin = roads
    report = in_proses(category="UJIJALAN")
    suggestion = casework.suggest_koordinasi(report)
    assert suggestion is not None
    assert suggestion.unit_code == sudin.code
    assert (
        "Jalan Uji: jalan berlubang" in suggestion.reason
        and "Dinas Uji Jalan: jalan, trotoar" in suggestion.reason
    )

    nowhere = reports.submit_report(
        NewReport(channel="web", description="Jalan rusak parah", category="UJIJALAN")
    ).report
    assert casework.suggest_koordinasi(nowhere).unit_code == dinas.code  # no kota known: the dinas


def test_no_suggestion_without_an_agency_or_when_the_case_is_already_there(roads) -> None:
    _, sudin = roads
    CategoryFactory(code="UJIKEL", name="Urusan Kelurahan", agency=None, kelurahan_handles="yes")
    assert casework.suggest_koordinasi(in_proses(category="UJIKEL")) is None
    assert casework.suggest_koordinasi(in_proses()) is None  # no category
    report = in_proses(category="UJIJALAN")
    reports.koordinasi(report.ticket, officer_at(GAMBIR).user, sudin.code, "Tupoksi suku dinas")
    assert casework.suggest_koordinasi(Report.objects.get(pk=report.pk)) is None


def test_response_templates_by_action_category_first_with_the_case_filled_in(roads) -> None:
    report = in_proses(category="UJIJALAN")
    ResponseTemplate.objects.create(name="Umum", action="ask", text="Mohon info lokasi untuk {tiket}.")
    ResponseTemplate.objects.create(
        name="Khusus jalan",
        action="ask",
        category=report.category,
        text="Berapa lebar lubang di {kategori}? ({unit})",
    )
    ResponseTemplate.objects.create(name="Mati", action="ask", text="x", active=False)
    ResponseTemplate.objects.create(
        name="Kategori lain", action="ask", category=CategoryFactory(code="UJILAIN"), text="y"
    )
    ask = casework.response_templates(report)["ask"]
    assert [t.name for t in ask] == ["Khusus jalan", "Umum"]
    assert ask[0].text == f"Berapa lebar lubang di Jalan Uji? ({report.holder.name})"
    assert ask[1].text == f"Mohon info lokasi untuk {report.ticket}."


def test_seeding_templates_is_idempotent_and_keeps_an_admins_edit() -> None:
    created = casework.seed_response_templates()
    assert created == len(casework.SEED_TEMPLATES) >= 10
    edited = ResponseTemplate.objects.filter(action="ask").first()
    assert edited is not None
    ResponseTemplate.objects.filter(pk=edited.pk).update(text="Teks admin", active=False)
    assert casework.seed_response_templates() == 0
    edited.refresh_from_db()
    assert (edited.text, edited.active) == ("Teks admin", False)
    assert {a for a, _, _ in casework.SEED_TEMPLATES} >= {
        "ask",
        "report_followup",
        "reject_followup",
        "reject",
    }


# ---------------------------------------------------------------- the validation queue


def test_validation_queue_is_oldest_follow_up_first_with_photos_in_constant_queries(
    django_assert_max_num_queries,
) -> None:
    lurah = officer_at(GAMBIR).user
    tickets = []
    for number in range(4):
        report = in_proses(description=f"Lubang nomor {number} di jalan ini", external_id=f"v-{number}")
        casework.post_followup(report.ticket, lurah, f"Ditambal {number}", after=[good_after()])
        tickets.append(report.ticket)
    legacy = in_proses(description="Tindak lanjut lama tanpa foto", external_id="v-legacy")
    reports.report_followup(legacy.ticket, lurah, "Sudah")
    with django_assert_max_num_queries(4):
        items, total = casework.awaiting_validation()
        assert [item.report.ticket for item in items] == [*tickets, legacy.ticket]
        assert all(len(item.followup.after) == 1 for item in items[:4] if item.followup)
        assert items[-1].flags == ["Tidak ada foto sesudah penanganan."]
        assert items[0].flags == []
    assert total == 5
    small, total = casework.awaiting_validation(limit=2)
    assert len(small) == 2 and total == 5


def test_tl_ditolak_sends_back_and_the_next_follow_up_is_the_one_shown() -> None:
    report = in_proses()
    lurah = officer_at(GAMBIR).user
    casework.post_followup(report.ticket, lurah, "Pertama", after=[photo()])
    reports.reject_followup(report.ticket, officer_at("BIROPEM", role="validator").user, "Foto tanpa EXIF")
    again = Report.objects.get(pk=report.pk)
    assert (again.status, again.holder.code, again.tl_rejections) == ("proses", GAMBIR, 1)
    casework.post_followup(report.ticket, lurah, "Kedua", after=[good_after()])
    [item], _ = casework.awaiting_validation()
    assert item.followup is not None and item.followup.event.reason == "Kedua" and item.flags == []
    groups = casework.case_photos(again).followups
    assert [g.event.reason for g in groups] == ["Kedua", "Pertama"]  # newest first, each with its photos
    assert "tanpa data EXIF" in groups[1].flags[0]


def test_a_report_photo_without_an_event_is_the_reports_own() -> None:
    report = in_proses()
    Attachment.objects.create(report=report, file="attachments/x.jpg", content_type="image/jpeg")
    assert [a.kind for a in casework.case_photos(report).report] == ["laporan"]


def test_cluster_and_similar_reports(roads) -> None:
    lurah = officer_at(GAMBIR).user
    root = in_proses(category="UJIJALAN", description="Jalan berlubang besar depan halte Monas")
    member = reports.submit_report(
        NewReport(
            channel="web",
            description="Ada lubang besar di jalan",
            lat=MONAS[0],
            lon=MONAS[1],
            external_id="m1",
        )
    ).report
    reports.merge(member.ticket, lurah, root.ticket)
    near = reports.submit_report(
        NewReport(
            channel="web",
            description="Jalan berlubang dekat halte Monas, motor sering jatuh",  # alike, not the same
            lat=MONAS[0] + 0.0003,
            lon=MONAS[1],
            category="UJIJALAN",
            external_id="n1",
        )
    ).report
    assert Report.objects.get(pk=near.pk).merged_into_id is None
    links = casework.cluster(Report.objects.get(pk=root.pk))
    assert [(link.ticket, link.relation) for link in links] == [(member.ticket, "member")]
    assert [(link.ticket, link.relation) for link in casework.cluster(Report.objects.get(pk=member.pk))] == [
        (root.ticket, "into")
    ]
    similar = casework.similar(Report.objects.get(pk=root.pk))
    assert [c.ticket for c in similar] == [near.ticket]
    assert member.ticket not in [c.ticket for c in similar]  # already in the cluster
    assert casework.similar(Report.objects.get(pk=member.pk)) == []  # closed (duplikat): nothing to merge


def test_the_case_pages_reads_are_a_handful_of_queries() -> None:
    """The case page's reads stay a handful of queries."""
    report = in_proses()
    with CaptureQueriesContext(connection) as queries:
        casework.case_photos(report)
        casework.questions(report)
        casework.reporter_kanal(report)
        casework.cluster(report)
    assert len(queries) <= 6
