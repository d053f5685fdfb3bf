"""A resident's side as it is tapped on a phone in Chromium: file a report with a photo and a map pin, watch
its case page change live (a real uvicorn serving the stream), rate the finished case from the private
link, and ask a question that the knowledge base answers.

Selectors are ids and field names that docs/citizens.md lists as stable for browser tests, never CSS
classes. Cases are moved on through the services, as an officer elsewhere would move them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from aduan.models import Report, Review, Unit
from aduan.services import casework, knowledge, reports
from aduan.services.reports import NewReport
from tests.browser.test_officer_flow import (
    BIRO,
    GAMBIR,
    MONAS,
    account,
    after_photo,
    case_at_monas,
    fresh,
    sudin,  # noqa: F401  (a fixture: the category WEBJALAN and its suku dinas)
)

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
from playwright.sync_api import expect


def photo_file(folder: Path) -> Path:
    """A 640×480 JPEG made with Pillow (no EXIF: the point comes from the pin)."""
    image = Image.new("RGB", (640, 480), "orange")
    image.paste("gray", (0, 240, 640, 480))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path = folder / "lubang.jpg"
    path.write_bytes(out.getvalue())
    return path


def test_a_resident_files_a_report_with_a_photo_and_a_pin_on_a_phone(
    new_page: Callable[..., Any],
    sudin: Unit,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    page = new_page(phone=True)
    page.goto("/lapor/")
    page.fill("#id_description", "Jalan berlubang besar di depan Monas, motor sering jatuh di sini")
    page.select_option("#id_category", "WEBJALAN")
    page.locator("#id_photos").set_input_files(photo_file(tmp_path))

    # The map shows (Leaflet, no tile server here: a plain background); a tap places the pin and fills
    # the lintang/bujur fields.
    map_box = page.locator("#file-map")
    expect(map_box).to_be_visible()
    expect(page.locator("#file-map .leaflet-marker-icon")).to_have_count(0)  # never pinned by opening
    map_box.scroll_into_view_if_needed()
    map_box.tap()
    expect(page.locator("#file-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#id_lat")).not_to_have_value("")
    expect(page.locator("#id_lon")).not_to_have_value("")
    expect(page.locator("#file-map-coords")).not_to_be_empty()
    # Then the resident types the exact point (as from a GPS app): the fields win over the tap.
    page.fill("#id_lat", str(MONAS[0]))
    page.fill("#id_lon", str(MONAS[1]))
    page.locator("#id_lon").dispatch_event("change")

    page.check("#id_contact_2")  # tidak perlu: follows the case with the ticket
    with page.expect_navigation():
        page.locator("#submit-report").tap()
    page.wait_for_url("**/tanda-terima/")
    receipt = page.locator("#receipt")
    expect(receipt).to_be_visible()
    ticket = page.locator("#receipt .ticket").inner_text().strip()
    private = page.locator("#private-link").input_value()
    token = parse_qs(urlsplit(private).query)["token"][0]
    assert urlsplit(private).path == f"/laporan/{ticket}/"
    expect(receipt).to_contain_text("Kelurahan Gambir")

    report = Report.objects.select_related("holder").get(ticket=ticket)
    assert (report.lat, report.lon) == pytest.approx(MONAS)
    assert report.holder.code == GAMBIR and report.category.code == "WEBJALAN"
    assert report.access_token_hash == reports.hash_token(token)
    [photo] = report.attachments.all()
    assert (photo.kind, photo.content_type) == ("laporan", "image/jpeg")
    with photo.file.open("rb") as stored:
        image = Image.open(stored)
        image.load()
    assert image.format == "JPEG" and image.size == (640, 480) and not image.getexif()

    # The private link opens the case with its photo, served to this reporter.
    page.goto(private)
    expect(page.locator("#live-status")).to_have_text("Menunggu")
    shown = page.locator(f"#photos img[src*='/laporan/{ticket}/foto/{photo.pk}/']")
    expect(shown).to_have_count(1)


def test_the_case_page_changes_live_without_a_reload(
    asgi_site: str,
    new_page: Callable[..., Any],
    sudin: Unit,  # noqa: F811
) -> None:
    # asgi_site first: its server then stops after the pages (and their open stream) are closed.
    report = case_at_monas()
    ticket = report.ticket
    page = new_page(phone=True, base_url=asgi_site)
    page.goto(f"/laporan/{ticket}/")
    status = page.locator("#live-status")
    expect(status).to_have_text("Menunggu")
    expect(page.locator("#case-live")).to_have_attribute("data-live", "on")  # EventSource connected
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    entries = page.locator("#live-timeline [data-event-id]")
    expect(entries).to_have_count(1)

    reports.accept(ticket, account(GAMBIR).user)
    expect(status).to_have_text("Dalam proses")
    expect(entries).to_have_count(2)
    expect(page.locator("#live-note")).to_contain_text("Diperbarui")

    reports.koordinasi(ticket, account(GAMBIR).user, "WEBDINAS-31.71", "Tupoksi suku dinas")
    expect(status).to_have_text("Koordinasi")
    expect(page.locator("#live-holder")).to_have_text("Suku Dinas Uji Peramban Jakarta Pusat")
    expect(entries).to_have_count(3)
    assert page.evaluate("window.sameDocument") is True
    ids = [int(i) for i in entries.evaluate_all("els => els.map(e => e.dataset.eventId)")]
    assert ids == list(fresh(report).events.order_by("id").values_list("id", flat=True))


def finished_case(folder: Path) -> tuple[Report, str]:
    """A case at Monas with its private token, taken, followed up with a "sesudah" photo by the kelurahan
    and validated at the Biro, all through the services."""
    submitted = reports.submit_report(
        NewReport(
            channel="web",
            description="Lampu jalan mati di Jl. Medan Merdeka Selatan",
            lat=MONAS[0],
            lon=MONAS[1],
            category="WEBJALAN",
        )
    )
    ticket, token = submitted.report.ticket, submitted.access_token
    assert token is not None
    lurah = account(GAMBIR)
    reports.accept(ticket, lurah.user)
    after = [after_photo(folder).read_bytes()]
    casework.post_followup(ticket, lurah.user, "Lampu sudah diganti", after=after)
    reports.validate(ticket, account(BIRO, "validator").user, "Foto sesuai")
    report = fresh(submitted.report)
    assert report.status == "selesai"
    return report, token


def test_the_reporter_rates_the_finished_case_once(
    new_page: Callable[..., Any],
    sudin: Unit,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    report, token = finished_case(tmp_path)
    ticket = report.ticket
    page = new_page(phone=True)
    page.goto(f"/laporan/{ticket}/?token={token}")
    expect(page.locator("#live-status")).to_have_text("Selesai")
    # A second tab opened on the same link before the first rating is sent.
    other = page.context.new_page()
    other.goto(f"/laporan/{ticket}/?token={token}")
    expect(other.locator("#review-form")).to_be_visible()

    form = page.locator("#review-form")
    expect(form).to_be_visible()
    page.locator("label[for=review-star-4]").tap()
    expect(page.locator("#review-star-4")).to_be_checked()
    page.fill("#id_review_comment", "Cepat diganti, terima kasih")
    with page.expect_navigation():
        page.locator("#review-submit").tap()
    expect(page.get_by_role("status").first).to_contain_text("penilaian Anda tercatat")
    expect(page.locator("#review-stars")).to_contain_text("4/5")
    expect(page.locator("#review-comment")).to_have_text("Cepat diganti, terima kasih")
    expect(page.locator("#review-form")).to_have_count(0)
    review = Review.objects.get(report=report)
    assert (review.stars, review.comment, review.unit.code) == (4, "Cepat diganti, terima kasih", GAMBIR)

    # The second tab's rating is refused; the first one stays.
    other.locator("label[for=review-star-1]").tap()
    with other.expect_navigation():
        other.locator("#review-submit").tap()
    expect(other.get_by_role("status").first).to_contain_text("sudah Anda nilai")
    expect(other.locator("#review-stars")).to_contain_text("4/5")
    assert Review.objects.filter(report=report).count() == 1
    assert Review.objects.get(report=report).stars == 4


def test_a_question_about_rusunawa_is_answered_as_it_is_typed(new_page: Callable[..., Any]) -> None:
    knowledge.load_seed()
    knowledge.reset()
    page = new_page(phone=True)
    page.goto("/tanya/")
    question = page.locator("textarea[name=question], input[name=question]")
    question.press_sequentially("cara daftar rusunawa")  # keys, as typed: htmx asks after 300 ms
    answers = page.locator("#answers li")
    expect(answers.first).to_be_visible()
    expect(answers.first.locator("h3")).to_contain_text("usun")  # rusun / rumah susun
    expect(page.locator("#answers")).to_contain_text("SIRUKIM")

    # "Tanya" stores the question and shows it with the same answers.
    with page.expect_navigation():
        page.locator("form[action='/tanya/'] [type=submit]").tap()
    page.wait_for_url("**/tanya/*/")
    expect(page.locator("#asked-title")).to_be_visible()
    expect(page.locator("#answers li").first.locator("h3")).to_contain_text("usun")
    with page.expect_navigation():
        page.locator("#answers li").first.locator("h3 a").tap()
    expect(page.locator("main")).to_contain_text("SIRUKIM")
