"""Public transparency and closing the loop on the web: the list and map of public reports (never a private
one, no reporter data, filters, bounded, a fixed number of queries), a case's photos, rating and disputing
a finished case from the private link or the closing message's link, and the units' figures."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from aduan.domain.lifecycle import Status
from aduan.models import Report, Review
from aduan.services import outbox, photos, reports, reviews
from aduan.services.reports import NewReport, ReporterInput, Submitted
from aduan.web import public
from tests.factories import MONAS, CategoryFactory, at_monas, officer_at
from tests.factories import finish as finish_case
from tests.services.test_photos import exif_with, image_bytes
from tests.web.helpers import GAMBIR, field_block, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "gambir_polygon", "no_cached_figures")]

PERSON = ReporterInput(name="Rahmat Hidayat Unik", phone="081299990001", email="rahmat.unik@example.id")


def filed(description: str, *, point: bool = True, **fields: object) -> Submitted:
    return at_monas(description, **fields) if point else at_monas(description, lat=None, lon=None, **fields)


def finish(ticket: str) -> None:
    finish_case(ticket, "Lubang sudah ditambal aspal")


# ---------------------------------------------------------------- the list


def test_the_list_shows_public_reports_only_without_reporter_data_and_shortened(client) -> None:
    long = "Jalan berlubang di Jl. Kebon Sirih. " + "Sangat berbahaya bagi pengendara motor. " * 20
    shown = filed(long, reporter=PERSON).report
    secret = filed(
        "Pungutan liar di kantor kelurahan oleh oknum", visibility="private", reporter=PERSON
    ).report
    response = client.get("/laporan-publik/")
    assert response.status_code == 200
    page = text(response)
    assert f'id="public-{shown.ticket}"' in page
    assert secret.ticket not in page and "Pungutan liar" not in page
    for personal in ("Rahmat Hidayat Unik", "081299990001", "rahmat.unik@example.id"):
        assert personal not in page
    assert "Jalan berlubang di Jl. Kebon Sirih." in page
    assert long.strip() not in page  # shortened
    assert "…" in page
    assert "public, max-age=60" in response["Cache-Control"]


def test_filters_by_kelurahan_category_and_status(client) -> None:
    road = CategoryFactory(code="PUBJALAN", name="Jalan uji publik")
    light = CategoryFactory(code="PUBLAMPU", name="Lampu uji publik")
    at_gambir = filed("Jalan berlubang dekat Monas", category=road.code).report
    elsewhere = filed("Lampu jalan mati di gang", point=False, category=light.code).report
    done = filed("Jalan amblas di depan halte Monas", category=road.code).report
    finish(done.ticket)
    rejected = filed("Promo pinjaman cepat cair hubungi kami", category=light.code).report
    reports.reject(rejected.ticket, officer_at(GAMBIR).user, "spam", "Iklan")

    def tickets(**params: str) -> set[str]:
        page = text(client.get("/laporan-publik/", params))
        everyone = (at_gambir, elsewhere, done, rejected)
        return {r.ticket for r in everyone if f'id="public-{r.ticket}"' in page}

    assert tickets() == {at_gambir.ticket, elsewhere.ticket, done.ticket}  # rejected only when asked for
    assert tickets(kelurahan="31.71.01.1001") == {at_gambir.ticket, done.ticket}
    assert tickets(category="PUBLAMPU") == {elsewhere.ticket}
    assert tickets(status="terbuka") == {at_gambir.ticket, elsewhere.ticket}
    assert tickets(status="selesai") == {done.ticket}
    assert tickets(status="ditolak") == {rejected.ticket}
    assert tickets(kelurahan="31.71.01.1001", status="terbuka") == {at_gambir.ticket}
    bad = client.get("/laporan-publik/", {"status": "entah", "category": "PUBLAMPU"})
    assert bad.status_code == 200
    assert "Masukkan pilihan yang valid" in field_block(bad, "status")
    assert f'id="public-{elsewhere.ticket}"' in text(bad)  # the good filter still applies


def test_the_list_pages_by_fifty_in_a_fixed_number_of_queries(client, django_assert_max_num_queries) -> None:
    for n in range(53):
        filed(f"Sampah menumpuk di titik {n} dekat Monas", point=False)
    newest = Report.objects.order_by("-created_at", "-id")
    with django_assert_max_num_queries(4):  # the page's rows, the kelurahan and category choices
        first = text(client.get("/laporan-publik/"))
    assert first.count('<li id="public-') == 50
    assert f'id="public-{newest[0].ticket}"' in first
    assert f'id="public-{newest[52].ticket}"' not in first
    assert 'href="/laporan-publik/?page=2"' in first
    with django_assert_max_num_queries(1):  # an htmx page: only its rows
        second = client.get("/laporan-publik/", {"page": "2"}, HTTP_HX_REQUEST="true")
    page = text(second)
    assert "<html" not in page
    assert f'id="public-{newest[52].ticket}"' in page
    assert 'id="public-next"' not in page and 'href="/laporan-publik/?page=1"' in page


def test_a_page_past_the_limit_falls_back_to_the_first(client) -> None:
    newest = filed("Sampah menumpuk dekat Monas", point=False).report
    response = client.get("/laporan-publik/", {"page": str(public.MAX_PAGE + 1)})
    assert response.status_code == 200
    assert f'id="public-{newest.ticket}"' in text(response)


# ---------------------------------------------------------------- the map


def test_the_map_page_has_its_data_url_with_the_filters_and_no_cdn(client) -> None:
    page = text(client.get("/peta/", {"status": "terbuka", "kelurahan": "31.71.01.1001"}))
    assert 'id="public-map"' in page
    assert 'data-url="/peta/data.json?kelurahan=31.71.01.1001&status=terbuka"' in page
    assert 'href="/laporan-publik/?kelurahan=31.71.01.1001&status=terbuka"' in page
    assert 'data-tiles=""' in page
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/aduan/map.js" in page


def test_map_data_is_public_points_only_filtered_and_bounded(
    client, monkeypatch, django_assert_max_num_queries
) -> None:
    shown = [filed(f"Jalan berlubang ke-{n} dekat Monas", reporter=PERSON).report for n in range(4)]
    filed("Sampah di gang tanpa titik", point=False)
    secret = filed("Pungli di kantor", visibility="private").report
    with django_assert_max_num_queries(1):
        data = client.get("/peta/data.json").json()
    assert data["type"] == "FeatureCollection" and data["truncated"] is False
    tickets = [f["properties"]["ticket"] for f in data["features"]]
    assert sorted(tickets) == sorted(r.ticket for r in shown)
    assert secret.ticket not in tickets
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [MONAS[1], MONAS[0]]}
    assert set(feature["properties"]) == {"ticket", "url", "status", "status_label", "category", "snippet"}
    assert "Rahmat" not in json.dumps(data)

    monkeypatch.setattr(public, "MAP_LIMIT", 3)
    cut = client.get("/peta/data.json").json()
    assert len(cut["features"]) == 3 and cut["truncated"] is True
    assert cut["features"][0]["properties"]["ticket"] == shown[-1].ticket  # the newest first

    inside = client.get("/peta/data.json", {"bbox": "106.82,-6.18,106.83,-6.17"}).json()
    assert len(inside["features"]) == 3
    outside = client.get("/peta/data.json", {"bbox": "106.9,-6.3,107.0,-6.2"}).json()
    assert outside["features"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "106.8,-6.2"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "107,-6,106,-7"}, "bbox"),
        ({"status": "entah"}, "status"),
    ],
)
def test_bad_map_filters_are_a_400_naming_the_field(client, params, field) -> None:
    response = client.get("/peta/data.json", params)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


# ---------------------------------------------------------------- a case's photos


def jpeg_upload() -> bytes:
    return image_bytes(
        "JPEG", size=(400, 300), exif=exif_with(taken="2026:11:02 09:15:00", lat=MONAS[0], lon=MONAS[1])
    )


def with_photo(visibility: str) -> tuple[Submitted, int]:
    prepared = photos.prepare_all([jpeg_upload()], "photos", "Foto")
    result = reports.submit_with_photos(
        NewReport(channel="web", description="Pohon tumbang menutup jalan", visibility=visibility), prepared
    )
    return result, result.report.attachments.get().pk


def test_a_public_reports_photo_is_public_and_bare(client) -> None:
    result, pk = with_photo("public")
    page = text(client.get(f"/laporan/{result.report.ticket}/"))
    url = f"/laporan/{result.report.ticket}/foto/{pk}/"
    assert f'src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not Image.open(io.BytesIO(b"".join(response.streaming_content))).getexif()
    assert client.get(f"/laporan/{filed('lain').report.ticket}/foto/{pk}/").status_code == 404  # not its case


def test_a_private_reports_photo_needs_the_reporters_link(client) -> None:
    result, pk = with_photo("private")
    ticket = result.report.ticket
    url = f"/laporan/{ticket}/foto/{pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url, {"token": "salah"}).status_code == 404
    assert "foto/" not in text(client.get(f"/laporan/{ticket}/"))
    page = text(client.get(f"/laporan/{ticket}/", {"token": result.access_token}))
    assert f"{url}?token={result.access_token}" in page
    response = client.get(url, {"token": result.access_token})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.get(url, {"token": outbox.review_key(ticket)}).status_code == 200


# ---------------------------------------------------------------- rating and disputing on the web


def test_the_reporter_rates_from_the_private_link_and_the_public_sees_only_the_stars(client) -> None:
    result = filed("Jalan berlubang di depan halte Monas")
    ticket, token = result.report.ticket, result.access_token
    assert token is not None
    open_page = text(client.get(f"/laporan/{ticket}/", {"token": token}))
    assert 'id="review-form"' not in open_page  # not finished yet
    finish(ticket)

    page = text(client.get(f"/laporan/{ticket}/", {"token": token}))
    for n in range(1, 6):
        assert f'id="review-star-{n}"' in page
    assert 'id="dispute-form"' in page
    assert 'id="review-form"' not in text(client.get(f"/laporan/{ticket}/"))  # not without the link

    response = client.post(
        f"/laporan/{ticket}/nilai/",
        {"token": token, "stars": "4", "comment": "Cepat, terima kasih pak lurah"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{ticket}/?token={token}"
    review = Review.objects.get()
    assert (review.stars, review.unit.code) == (4, GAMBIR)
    after = text(client.get(response["Location"]))
    assert "Terima kasih: penilaian Anda tercatat." in after
    assert 'id="review-form"' not in after and "Cepat, terima kasih pak lurah" in after

    public_view = text(client.get(f"/laporan/{ticket}/"))
    assert 'id="review-stars"' in public_view and "4/5" in public_view
    assert "Cepat, terima kasih pak lurah" not in public_view


def test_a_bad_or_repeated_rating_is_refused_with_a_message(client) -> None:
    result = filed("Jalan berlubang di depan halte Monas")
    ticket, token = result.report.ticket, result.access_token
    finish(ticket)
    none = client.post(f"/laporan/{ticket}/nilai/", {"token": token}, follow=True)
    assert "Pilih nilai 1 sampai 5 bintang." in text(none)
    wrong = client.post(f"/laporan/{ticket}/nilai/", {"token": "bukan", "stars": "5"}, follow=True)
    assert "Tautan pelapor tidak valid" in text(wrong)
    assert not Review.objects.exists()
    client.post(f"/laporan/{ticket}/nilai/", {"token": token, "stars": "5"})
    again = client.post(f"/laporan/{ticket}/nilai/", {"token": token, "stars": "1"}, follow=True)
    assert "sudah Anda nilai" in text(again)
    assert Review.objects.get().stars == 5


def test_the_closing_messages_link_opens_the_rating_page(client) -> None:
    result = filed("Jalan berlubang di depan halte Monas", visibility="private", reporter=PERSON)
    ticket = result.report.ticket
    finish(ticket)
    key = outbox.review_key(ticket)
    assert client.get(f"/laporan/{ticket}/nilai/{'0' * 20}/").status_code == 403
    response = client.get(f"/laporan/{ticket}/nilai/{key}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = text(response)
    assert "Lubang sudah ditambal aspal" in page  # the follow-up being rated
    assert 'id="review-form"' in page and 'id="dispute-form"' in page
    assert f'name="token" value="{key}"' in page
    for personal in ("Rahmat Hidayat Unik", "081299990001", "rahmat.unik@example.id"):
        assert personal not in page

    posted = client.post(f"/laporan/{ticket}/nilai/", {"token": key, "stars": "2", "comment": "Kurang rapi"})
    assert posted["Location"] == f"/laporan/{ticket}/nilai/{key}/"
    assert Review.objects.get().stars == 2

    disputed = client.post(f"/laporan/{ticket}/sanggah/", {"token": key, "reason": "Lubang muncul lagi"})
    assert disputed["Location"] == f"/laporan/{ticket}/nilai/{key}/"
    report = Report.objects.get(ticket=ticket)
    assert (report.status, report.reopens) == (Status.PROSES, 1)
    assert "ditangani kembali" in text(client.get(disputed["Location"]))


def test_dispute_from_the_private_link_still_reopens(client) -> None:
    result = filed("Jalan berlubang di depan halte Monas")
    finish(result.report.ticket)
    response = client.post(
        f"/laporan/{result.report.ticket}/sanggah/", {"token": result.access_token, "reason": "Belum"}
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=result.report.pk).status == Status.PROSES


def test_a_dispute_without_a_reason_changes_nothing_and_says_why(client) -> None:
    result = filed("Jalan berlubang di depan halte Monas")
    finish(result.report.ticket)
    events = result.report.events.count()
    response = client.post(
        f"/laporan/{result.report.ticket}/sanggah/", {"token": result.access_token, "reason": "   "}
    )
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert 'class="msg error"' in page and "ditangani kembali" not in page
    report = Report.objects.get(pk=result.report.pk)
    assert (report.status, report.reopens, report.events.count()) == (Status.SELESAI, 0, events)


# ---------------------------------------------------------------- kinerja unit


def test_unit_performance_page_shows_counts_and_means_only(client, django_assert_max_num_queries) -> None:
    for n, stars in enumerate((5, 4, 1)):
        result = filed(f"Jalan berlubang ke-{n} di depan halte Monas")
        finish(result.report.ticket)
        reviews.submit_review(result.report.ticket, result.access_token or "", stars, "Komentar pribadi unik")
    reviews.forget_cached_figures()
    with django_assert_max_num_queries(4):
        response = client.get("/kinerja/")
    page = text(response)
    row = page[page.index(f'id="kinerja-{GAMBIR}"') :]
    row = row[: row.index("</tr>")]
    assert "3.33" in row or "3,33" in row
    assert "67%" in row
    assert "Komentar pribadi unik" not in page
    assert "Rahmat" not in page
    with django_assert_max_num_queries(0):
        client.get("/kinerja/")  # cached figures
