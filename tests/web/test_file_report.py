"""The citizen's web report (/lapor/): photos resized and stripped on the server, the first photo's GPS as
the point, the pin map and its fallbacks, categories suggested as one types, similar reports nearby with
"ini masalah saya juga" (follow instead of filing), contact by e-mail, phone or none; bad input stores
nothing; the receipt."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aduan.models import Attachment, Follower, OutboxMessage, Report, Reporter, ReportEvent
from tests.conftest import stored_files
from tests.factories import MONAS, CategoryFactory, at_monas
from tests.services.test_photos import exif_with, image_bytes
from tests.web.helpers import GAMBIR, field_block, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "gambir_polygon")]

BANDUNG = (-6.9175, 107.6191)
VALID = {
    "description": "Trotoar rusak dan berlubang di depan halte",
    "jenis": "pengaduan",
    "visibility": "public",
}


def photo(
    name: str = "foto.jpg", *, at: tuple[float, float] | None = MONAS, size=(2400, 1800)
) -> SimpleUploadedFile:
    exif = (
        exif_with(taken="2026:11:02 09:15:00", lat=at[0], lon=at[1])
        if at
        else exif_with(taken="2026:11:02 09:15:00")
    )
    return SimpleUploadedFile(name, image_bytes("JPEG", size=size, exif=exif), content_type="image/jpeg")


def not_a_photo(name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 bukan foto sama sekali", content_type="image/jpeg")


def nothing_stored() -> bool:
    return not (
        Report.objects.exists()
        or Attachment.objects.exists()
        or Reporter.objects.exists()
        or Follower.objects.exists()
        or OutboxMessage.objects.exists()
        or ReportEvent.objects.exists()
    )


# ---------------------------------------------------------------- the form


def test_the_form_is_multipart_with_photos_map_pin_contact_and_the_similar_slot(client) -> None:
    response = client.get("/lapor/")
    page = text(response)
    assert 'enctype="multipart/form-data"' in page
    assert 'id="report-form"' in page
    photos = field_block(response, "photos")
    assert (
        'type="file"' in photos
        and "multiple" in photos
        and 'accept="image/jpeg,image/png,image/webp"' in photos
    )
    assert 'id="file-map"' in page and 'data-tiles=""' in page  # no tile server: a plain map, still usable
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/aduan/file.js" in page
    assert 'id="use-location"' in page
    assert 'name="lat"' in page and 'name="lon"' in page  # typed coordinates without JavaScript
    for value in ("email", "phone", "none"):
        assert f'name="contact" value="{value}"' in page
    assert 'id="similar"' in page and 'hx-get="/lapor/serupa/"' in page
    assert 'hx-get="/lapor/kategori/"' in page and 'id="category-suggest"' in page
    assert "similar_checked" not in page  # nothing was checked yet
    assert all(src.startswith("/static/") for src in re.findall(r'src="([^"]+)"', page))  # nothing from a CDN


def test_a_configured_tile_server_reaches_the_map(client, settings) -> None:
    settings.ADUAN_MAP_TILES = "https://tiles.jakarta.go.id/{z}/{x}/{y}.png"
    assert 'data-tiles="https://tiles.jakarta.go.id/{z}/{x}/{y}.png"' in text(client.get("/lapor/"))


# ---------------------------------------------------------------- photos


def test_photos_are_resized_stripped_stored_with_the_report_and_the_first_ones_gps_is_the_point(
    client, media
) -> None:
    response = client.post("/lapor/", {**VALID, "photos": [photo("a.jpg"), photo("b.jpg", at=BANDUNG)]})
    assert response.status_code == 302, text(response)
    report = Report.objects.get()
    assert (report.lat, report.lon) == pytest.approx(MONAS, abs=1e-5)
    assert report.holder.code == GAMBIR
    attachments = list(report.attachments.order_by("id"))
    assert [a.kind for a in attachments] == ["laporan", "laporan"]
    assert attachments[0].event_id == report.events.get(action="submit").pk
    assert attachments[0].lat == pytest.approx(MONAS[0], abs=1e-5)  # what the EXIF said, kept as data
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert max(stored.size) == 1600
        assert not stored.getexif()  # no place, no time, no camera left in the file

    receipt = text(client.get(response["Location"]))
    assert "Lokasi diambil dari foto." in receipt
    assert re.search(r"<dt>Foto</dt><dd>2</dd>", receipt)


def test_a_point_given_by_the_reporter_wins_over_the_photos(client) -> None:
    data = {**VALID, "lat": "-6.1760", "lon": "106.8280", "photos": [photo(at=(-6.1700, 106.8300))]}
    assert client.post("/lapor/", data).status_code == 302
    report = Report.objects.get()
    assert (report.lat, report.lon) == (-6.1760, 106.8280)
    receipt = Report.objects.get().ticket
    assert "Lokasi diambil dari foto" not in text(client.get(f"/laporan/{receipt}/tanda-terima/"))


def test_a_photo_taken_outside_jakarta_does_not_place_the_report(client) -> None:
    assert client.post("/lapor/", {**VALID, "photos": [photo(at=BANDUNG)]}).status_code == 302
    report = Report.objects.get()
    assert (report.lat, report.lon) == (None, None)
    assert report.attachments.count() == 1


def test_a_photo_without_gps_leaves_the_point_empty(client) -> None:
    assert client.post("/lapor/", {**VALID, "photos": [photo(at=None)]}).status_code == 302
    assert Report.objects.get().lat is None


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([not_a_photo()], "Foto: bukan foto JPEG, PNG atau WebP."),
        ([photo("a.jpg"), not_a_photo("b.jpg")], "Foto 2: bukan foto JPEG, PNG atau WebP."),
        ([photo(f"{n}.jpg", size=(40, 30)) for n in range(6)], "paling banyak 5 foto"),
    ],
)
def test_a_bad_photo_is_named_at_the_photo_field_and_nothing_is_stored(
    client, media, uploads, message
) -> None:
    response = client.post("/lapor/", {**VALID, "reporter_email": "warga@example.id", "photos": uploads})
    assert response.status_code == 200
    assert message in field_block(response, "photos")
    assert nothing_stored()
    assert stored_files(media) == []
    assert VALID["description"] in field_block(response, "description")  # what was typed is kept


def test_a_failure_while_storing_the_second_photo_leaves_no_report(client, media, monkeypatch) -> None:
    saved = []
    real_save = FileSystemStorage._save

    def failing_save(self, name, content):
        if saved:
            raise OSError("disk penuh")
        saved.append(name)
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    with pytest.raises(OSError):
        client.post("/lapor/", {**VALID, "reporter_email": "warga@example.id", "photos": [photo(), photo()]})
    assert nothing_stored()  # the report, its event, reporter, follower, receipt and photo rows roll back
    assert stored_files(media) == []  # and the first photo's file, written before the second failed


def test_other_errors_ask_to_choose_the_photos_again(client) -> None:
    response = client.post("/lapor/", {**VALID, "description": "  ", "photos": [photo()]})
    assert response.status_code == 200
    assert "Uraian laporan wajib diisi." in field_block(response, "description")
    assert "pilih ulang foto Anda" in text(response)
    assert nothing_stored()


# ---------------------------------------------------------------- contact


def test_contact_by_email_keeps_only_the_email(client) -> None:
    data = {
        **VALID,
        "contact": "email",
        "reporter_email": "Warga@Example.id",
        "reporter_phone": "081234567890",
    }
    assert client.post("/lapor/", data).status_code == 302
    report = Report.objects.get()
    assert (report.reporter.email, report.reporter.phone) == ("Warga@Example.id", "")
    assert list(Follower.objects.values_list("kanal", "address")) == [("email", "warga@example.id")]


def test_contact_by_phone_keeps_only_the_phone(client) -> None:
    data = {
        **VALID,
        "contact": "phone",
        "reporter_email": "warga@example.id",
        "reporter_phone": "0812 3456 7890",
    }
    assert client.post("/lapor/", data).status_code == 302
    assert list(Follower.objects.values_list("kanal", "address")) == [("sms", "+6281234567890")]


def test_no_contact_keeps_nothing_of_the_reporter(client) -> None:
    data = {**VALID, "contact": "none", "reporter_name": "Siti", "reporter_email": "siti@example.id"}
    assert client.post("/lapor/", data).status_code == 302
    assert Report.objects.get().reporter is None
    assert not Follower.objects.exists()


@pytest.mark.parametrize(("contact", "field"), [("email", "reporter_email"), ("phone", "reporter_phone")])
def test_a_chosen_contact_must_be_filled_in(client, contact, field) -> None:
    response = client.post("/lapor/", {**VALID, "contact": contact})
    assert response.status_code == 200
    assert "atau pilih cara lain" in field_block(response, field)
    assert nothing_stored()


# ---------------------------------------------------------------- categories suggested as one types


def test_no_model_no_suggestion_and_no_error(client) -> None:
    response = client.get("/lapor/kategori/", {"description": "Jalan berlubang besar di depan sekolah"})
    assert response.status_code == 200
    assert "data-category" not in text(response)
    api = client.get("/api/v1/categories/suggest", {"text": "Jalan berlubang besar di depan sekolah"})
    assert (api.status_code, api.json()) == (200, [])


def test_the_classifiers_three_likeliest_categories_are_offered(client, active_model) -> None:
    CategoryFactory(code="JALAN", name="Jalan rusak")
    typed = "jalan berlubang besar di depan sekolah, motor sering jatuh"
    api = client.get("/api/v1/categories/suggest", {"text": typed}).json()
    assert 1 <= len(api) <= 3
    assert api[0]["code"] == "JALAN"
    assert [s["confidence"] for s in api] == sorted((s["confidence"] for s in api), reverse=True)
    page = text(client.get("/lapor/kategori/", {"description": typed}))
    assert 'data-category="JALAN"' in page
    assert page.count("data-category=") == len(api)
    assert client.get("/api/v1/categories/suggest", {"text": "halo"}).json() == []  # too short to tell


# ---------------------------------------------------------------- similar reports and "ini masalah saya juga"


def existing_case(**fields: object) -> Report:
    category = CategoryFactory(code="TESTTROTOAR", name="Trotoar uji", duplicate_radius_m=250)
    values: dict[str, object] = {
        "description": "Trotoar rusak dan berlubang di depan halte Monas",
        "lat": MONAS[0] + 0.0003,
        "category": category.code,
    }
    values.update(fields)
    return at_monas(**values).report  # type: ignore[arg-type]


def near(**extra: str) -> dict[str, str]:
    return {**VALID, "lat": str(MONAS[0]), "lon": str(MONAS[1]), "category": "TESTTROTOAR", **extra}


def test_similar_open_reports_nearby_are_shown_with_a_follow_button(client) -> None:
    case = existing_case()
    hidden = existing_case(
        visibility="private", description="Trotoar rusak dan berlubang di depan halte Monas juga"
    )
    response = client.get("/lapor/serupa/", {k: near()[k] for k in ("description", "lat", "lon", "category")})
    page = text(response)
    assert f'id="similar-{case.ticket}"' in page
    assert f'name="follow" value="{case.ticket}"' in page and "Ini masalah saya juga" in page
    assert "formnovalidate" in page
    assert 'name="similar_checked" value="1"' in page
    assert hidden.ticket not in page  # a private report is never suggested


def test_without_a_point_nothing_is_checked(client) -> None:
    existing_case()
    page = text(client.get("/lapor/serupa/", {"description": VALID["description"], "lat": "", "lon": "x"}))
    assert "similar_checked" not in page and "follow" not in page


def test_without_javascript_similar_reports_are_shown_once_before_filing(client) -> None:
    case = existing_case()
    first = client.post("/lapor/", near(address="Jl. Medan Merdeka"))
    assert first.status_code == 200
    page = text(first)
    assert f'id="similar-{case.ticket}"' in page
    assert 'name="similar_checked" value="1"' in page
    assert 'value="Jl. Medan Merdeka"' in page  # what was typed stays
    assert Report.objects.count() == 1
    second = client.post("/lapor/", near(address="Jl. Medan Merdeka", similar_checked="1"))
    assert second.status_code == 302
    assert Report.objects.count() == 2


def test_ini_masalah_saya_juga_follows_the_case_without_a_new_report(client) -> None:
    case = existing_case()
    events = case.events.count()
    data = {
        "follow": case.ticket,
        "contact": "email",
        "reporter_email": "tetangga@example.id",
        "description": "",
    }
    response = client.post("/lapor/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{case.ticket}/tanda-terima/"
    assert Report.objects.count() == 1
    assert list(case.followers.values_list("kanal", "address")) == [("email", "tetangga@example.id")]
    note = case.events.order_by("-id").first()
    assert note is not None and note.action == "comment" and note.data["also_reported"] is True
    assert case.events.count() == events + 1

    receipt = text(client.get(response["Location"]))
    assert "Anda mengikuti laporan ini" in receipt
    assert case.ticket in receipt
    assert "Anda akan diberi tahu lewat surel." in receipt
    assert "token=" not in receipt  # never the first reporter's private link

    client.post("/lapor/", data)  # the same person again: no second note, no second follower
    assert case.events.count() == events + 1
    assert case.followers.count() == 1
    public_page = text(client.get(f"/laporan/{case.ticket}/"))
    assert "1 warga lain mengalami masalah yang sama" in public_page
    assert "tetangga@example.id" not in public_page


def test_following_a_private_or_closed_case_or_with_a_bad_address_is_refused(client) -> None:
    private = existing_case(visibility="private")
    response = client.post("/lapor/", {"follow": private.ticket, "reporter_email": "a@example.id"})
    assert response.status_code == 200
    assert "tidak publik" in text(response)
    assert not Follower.objects.exists()

    case = existing_case(description="Trotoar amblas dekat halte Monas")
    bad = client.post("/lapor/", {"follow": case.ticket, "contact": "email", "reporter_email": "bukan-surel"})
    assert bad.status_code == 200
    assert "Alamat surel tidak valid." in field_block(bad, "reporter_email")
    assert not Follower.objects.exists()

    unknown = client.post("/lapor/", {"follow": "ZZZZ-ZZZZ"})
    assert "tidak ditemukan" in text(unknown)


def test_a_receipt_needs_the_session_that_filed_or_followed(client) -> None:
    case = existing_case()
    response = client.get(f"/laporan/{case.ticket}/tanda-terima/")
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{case.ticket}/"
