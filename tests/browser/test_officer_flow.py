"""Officers' work as a person clicks it in Chromium: log in, take a case from the queue, koordinasi to the
suggested suku dinas, post the follow-up with a photo, validate at the Biro (and TL Ditolak), on a phone too.

Selectors are form field names, form actions and link URLs (what the server's routes fix), never CSS
classes, so that restyling a template does not break these tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from aduan.models import Officer, Region, Report, Unit
from aduan.services import casework, reports
from aduan.services.reports import NewReport
from tests.factories import AgencyFactory, CategoryFactory, UnitFactory, officer_at
from tests.services.test_photos import exif_with, image_bytes

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
from playwright.sync_api import expect

GAMBIR = "KEL-31.71.01.1001"
BIRO = "BIROPEM"
MONAS = (-6.1754, 106.8272)
PASSWORD = "kata-sandi-peramban-7"
SUDIN = "WEBDINAS-31.71"


@pytest.fixture
def sudin() -> Unit:
    """A dinas with a suku dinas for Jakarta Pusat, and a category of it that the kelurahan sees first
    ("minor"), so a case at Monas lands at Kelurahan Gambir and the system suggests that suku dinas."""
    agency = AgencyFactory(code="WEBDINAS", name="Dinas Uji Peramban", has_suku_dinas=True)
    dinas = UnitFactory(
        code="WEBDINAS",
        name="Dinas Uji Peramban",
        kind="dinas",
        agency=agency,
        parent=Unit.objects.get(code=BIRO),
    )
    CategoryFactory(code="WEBJALAN", name="Jalan rusak (uji)", agency=agency, kelurahan_handles="minor")
    return UnitFactory(
        code=SUDIN,
        name="Suku Dinas Uji Peramban Jakarta Pusat",
        kind="suku_dinas",
        agency=agency,
        parent=dinas,
        region=Region.objects.get(code="31.71"),
    )


def account(unit_code: str, role: str = Officer.Role.OFFICER) -> Officer:
    officer = officer_at(unit_code, role)
    officer.user.set_password(PASSWORD)
    officer.user.save(update_fields=["password"])
    return officer


def case_at_monas(description: str = "Jalan berlubang besar di depan Monas, bahaya untuk motor") -> Report:
    report = reports.submit_report(
        NewReport(channel="web", description=description, lat=MONAS[0], lon=MONAS[1], category="WEBJALAN")
    ).report
    assert report.holder.code == GAMBIR, report.holder.code
    return report


def after_photo(folder: Path) -> Path:
    """A small JPEG taken a minute from now at Monas (EXIF time and GPS), so nothing is flagged."""
    taken = (timezone.now() + timedelta(minutes=1)).astimezone(timezone.get_default_timezone())
    path = folder / "sesudah.jpg"
    path.write_bytes(
        image_bytes(exif=exif_with(taken=taken.strftime("%Y:%m:%d %H:%M:%S"), lat=MONAS[0], lon=MONAS[1]))
    )
    return path


def awaiting_validation(description: str, folder: Path) -> tuple[Report, Officer]:
    """A case at Monas taken by the kelurahan, sent to the suku dinas and followed up with a photo there,
    all through the services; returns the case and the suku dinas officer who did it."""
    report = case_at_monas(description)
    lurah, handler = account(GAMBIR), account(SUDIN)
    reports.accept(report.ticket, lurah.user)
    reports.koordinasi(report.ticket, lurah.user, SUDIN, "Tupoksi suku dinas")
    reports.accept(report.ticket, handler.user)
    casework.post_followup(
        report.ticket, handler.user, "Trotoar sudah diperbaiki", after=[after_photo(folder).read_bytes()]
    )
    report = fresh(report)
    assert report.status == "menunggu_validasi"
    return report, handler


def fresh(report: Report) -> Report:
    return Report.objects.select_related("holder").get(pk=report.pk)


def log_in(page: Any, officer: Officer) -> None:
    page.goto("/masuk/")
    page.fill("input[name=username]", officer.user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/masuk/'] [type=submit]")
    page.wait_for_url("**/petugas/")


def open_action(page: Any, ticket: str, action: str) -> Any:
    """The form of one action on the case page, unfolded (every action but accept sits in <details>)."""
    form = page.locator(f"form[action='/petugas/laporan/{ticket}/{action}/']")
    summary = page.locator(
        f"details:not([open]):has(form[action='/petugas/laporan/{ticket}/{action}/']) > summary"
    )
    if summary.count():
        summary.click()
    expect(form).to_be_visible()
    return form


def submit_form(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def case_link(page: Any, ticket: str) -> Any:
    return page.locator(f"a[href='/petugas/laporan/{ticket}/']")


def test_an_officer_logs_in_after_a_wrong_password(new_page: Callable[..., Any]) -> None:
    officer = account(GAMBIR)
    page = new_page()
    page.goto("/petugas/")
    page.wait_for_url("**/masuk/?next=/petugas/")
    page.fill("input[name=username]", officer.user.username)
    page.fill("input[name=password]", "bukan-sandinya")
    with page.expect_navigation():
        page.click("form[action='/masuk/'] [type=submit]")
    alert = page.locator("form[action='/masuk/'] [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("benar")  # Django's "Masukkan nama pengguna dan sandi yang benar…"
    expect(page.locator("input[name=username]")).to_have_value(officer.user.username)

    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/masuk/'] [type=submit]")
    page.wait_for_url("**/petugas/")  # back where the log-in was asked for
    expect(page.locator("form[action='/keluar/']")).to_be_visible()


def test_from_the_kelurahan_queue_to_selesai(
    new_page: Callable[..., Any], sudin: Unit, tmp_path: Path
) -> None:
    report = case_at_monas()
    ticket = report.ticket
    lurah, handler, validator = account(GAMBIR), account(SUDIN), account(BIRO, "validator")

    # The kelurahan's officer: queue → case → Terima dan tangani → koordinasi to the suggested suku dinas.
    page = new_page()
    log_in(page, lurah)
    expect(case_link(page, ticket).first).to_be_visible()
    with page.expect_navigation():
        case_link(page, ticket).first.click()
    page.wait_for_url(f"**/petugas/laporan/{ticket}/")
    accept = open_action(page, ticket, "accept")
    expect(accept.locator("[type=submit]")).to_have_text("Terima dan tangani")
    submit_form(page, accept)
    assert fresh(report).status == "proses"
    expect(page.get_by_role("status")).to_contain_text("Berhasil")

    form = open_action(page, ticket, "koordinasi")
    expect(form.locator("select[name=target]")).to_have_value(SUDIN)  # the system's suggestion, preselected
    form.locator("textarea[name=reason]").fill("Perbaikan jalan adalah tupoksi Suku Dinas Bina Marga")
    submit_form(page, form)
    page.wait_for_url("**/petugas/")  # the case left the unit: back to its queue, without the case
    expect(case_link(page, ticket)).to_have_count(0)
    report = fresh(report)
    assert (report.status, report.holder.code) == ("koordinasi", SUDIN)

    # The suku dinas: accept, then the follow-up with a note and a "sesudah" photo.
    page = new_page()
    log_in(page, handler)
    with page.expect_navigation():
        case_link(page, ticket).first.click()
    submit_form(page, open_action(page, ticket, "accept"))
    assert fresh(report).status == "proses"
    form = open_action(page, ticket, "report_followup")
    form.locator("textarea[name=note]").fill("Lubang sudah ditambal aspal dan dipadatkan")
    form.locator("input[name=after]").set_input_files(after_photo(tmp_path))
    submit_form(page, form)
    report = fresh(report)
    assert report.status == "menunggu_validasi"
    assert report.attachments.filter(kind="sesudah").count() == 1

    # The Biro's validator: before/after side by side, the photo served behind the case's access; validate.
    page = new_page()
    log_in(page, validator)
    page.goto("/petugas/validasi/")
    item = page.locator(f"li:has(form[action='/petugas/validasi/{ticket}/validate/'])")
    expect(item).to_contain_text("Lubang sudah ditambal")
    expect(item).to_contain_text("Sebelum")
    expect(item).to_contain_text("Sesudah")
    photo = item.locator("img[src^='/petugas/foto/']")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()  # loading="lazy": it loads once near the viewport
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    page.evaluate("window.sameDocument = true")  # htmx swaps the item: the page must not reload
    item.locator("textarea[name=note]").fill("Foto sesuai lokasi")
    item.locator("form[action$='/validate/'] [type=submit]").click()
    done = page.locator(f"[id='v-{ticket}'] [role=status]")
    expect(done).to_be_visible()
    assert page.evaluate("window.sameDocument") is True
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

    # The public page says so to anyone.
    public = new_page()
    public.goto(f"/laporan/{ticket}/")
    expect(public.locator("main")).to_contain_text("Selesai")
    expect(public.locator("main")).to_contain_text("Lubang sudah ditambal")


def test_tl_ditolak_sends_the_follow_up_back_to_its_handler(
    new_page: Callable[..., Any], sudin: Unit, tmp_path: Path
) -> None:
    report, handler = awaiting_validation("Trotoar amblas di Jl. Medan Merdeka Barat", tmp_path)
    ticket = report.ticket
    validator = account(BIRO, "validator")

    page = new_page()
    log_in(page, validator)
    page.goto("/petugas/validasi/")
    item = page.locator(f"li:has(form[action='/petugas/validasi/{ticket}/reject_followup/'])")
    item.locator("details:has(form[action$='/reject_followup/']) > summary").click()
    form = item.locator("form[action$='/reject_followup/']")
    form.locator("textarea[name=reason]").fill("Foto tidak menunjukkan trotoar yang diperbaiki")
    form.locator("[type=submit]").click()
    expect(page.locator(f"[id='v-{ticket}'] [role=status]")).to_be_visible()
    report = fresh(report)
    assert (report.status, report.holder.code, report.tl_rejections) == ("proses", SUDIN, 1)

    # The handler finds it back in its queue, with the reason on the case page.
    page = new_page()
    log_in(page, handler)
    with page.expect_navigation():
        case_link(page, ticket).first.click()
    expect(page.locator("main")).to_contain_text("Foto tidak menunjukkan trotoar yang diperbaiki")
    expect(page.locator(f"form[action='/petugas/laporan/{ticket}/report_followup/']")).to_have_count(1)


# Every control a thumb must hit in the page's main part: its buttons, button-styled links, the
# <summary> that unfolds an action, and the form fields.
TOUCH_TARGETS = """() => [...document.querySelectorAll(
    'main button, main a.button, main summary, main select, main textarea,'
    + 'main input:not([type=hidden]):not([type=checkbox])'
  )].filter(el => el.offsetParent !== null)
   .map(el => ({what: el.outerHTML.slice(0, 90), height: el.getBoundingClientRect().height}))
   .filter(t => t.height < 44)"""


def assert_fits_a_phone(page: Any, where: str) -> None:
    """No sideways scrolling at 360 px with every <details> unfolded, and 44 px touch targets."""
    closed = page.locator("main details:not([open]) > summary:visible")
    for _ in range(50):  # one at a time: unfolding one may show others (a bound, not a wait)
        if not closed.count():
            break
        closed.first.tap()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{where}: the page is {width} px wide on a 360 px screen"
    small = page.evaluate(TOUCH_TARGETS)
    assert not small, f"{where}: touch targets under 44 px: {small}"


def test_queue_case_and_validation_pages_fit_a_phone(
    new_page: Callable[..., Any], sudin: Unit, tmp_path: Path
) -> None:
    report = case_at_monas()
    waiting, _ = awaiting_validation("Trotoar amblas di Jl. Medan Merdeka Barat", tmp_path)
    page = new_page(phone=True)
    log_in(page, account(GAMBIR))
    assert page.viewport_size == {"width": 360, "height": 740}
    assert_fits_a_phone(page, "queue")
    with page.expect_navigation():
        case_link(page, report.ticket).first.tap()
    assert_fits_a_phone(page, "case page")
    accept = open_action(page, report.ticket, "accept")
    with page.expect_navigation():  # a tap submits the form on a phone
        accept.locator("[type=submit]").tap()
    assert fresh(report).status == "proses"

    page = new_page(phone=True)
    log_in(page, account(BIRO, "validator"))
    page.goto("/petugas/validasi/")
    expect(page.locator(f"form[action='/petugas/validasi/{waiting.ticket}/validate/']")).to_be_visible()
    assert_fits_a_phone(page, "validation")  # before and after side by side
