"""Every role trying what it must not: other units' cases, acting without the right, validating without the
role, a private reporter's identity, the admin."""

from __future__ import annotations

import itertools

import pytest

from aduan.models import Officer, Report, Unit
from aduan.services import accounts, reports
from aduan.services.reports import ReporterInput
from tests.factories import UserFactory, officer_at
from tests.factories import held_by as case_held_by
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

GAMBIR = "KEL-31.71.01.1001"
KEBON_KELAPA = "KEL-31.71.01.1002"
KEC_GAMBIR = "KEC-31.71.01"
KEC_OTHER = "KEC-31.71.02"
KOTA_JAKPUS = "KOTA-31.71"
KOTA_OTHER = "KOTA-31.74"
TRIAGE = "TRIASE"
BIRO = "BIROPEM"
PASSWORD = "sandi-uji-yang-panjang-2026"

WHO = ReporterInput(name="Siti Rahmawati", phone="081299887766", email="siti.rahma@example.id")
PERSONAL = ("Siti Rahmawati", "081299887766", "siti.rahma@example.id")


_numbers = itertools.count(1)


def account(unit_code: str, role: str = Officer.Role.OFFICER) -> Officer:
    """An account made the way `aduan setup` and the admin make them (group, staff flag)."""
    return accounts.ensure_officer(f"uji.{role}.{next(_numbers)}", unit_code, role, PASSWORD)


def held_by(unit_code: str, *, private: bool = False, reporter: ReporterInput | None = None) -> Report:
    return case_held_by(
        unit_code,
        "Saluran air tersumbat dan meluap",
        visibility="private" if private else "public",
        reporter=reporter or ReporterInput(),
    )


def snapshot(report: Report) -> tuple[str, int, int]:
    report = Report.objects.get(pk=report.pk)
    return report.status, report.holder_id, report.events.count()


def act(client, ticket: str, action: str, **data):
    return client.post(f"/petugas/laporan/{ticket}/{action}/", data)


OUTSIDERS = [
    pytest.param(KEBON_KELAPA, Officer.Role.OFFICER, id="lurah-lain"),
    pytest.param(KEBON_KELAPA, Officer.Role.HEAD, id="kepala-kelurahan-lain"),
    pytest.param(KEC_GAMBIR, Officer.Role.OFFICER, id="petugas-kecamatan"),
    pytest.param(KEC_OTHER, Officer.Role.HEAD, id="camat-lain"),
    pytest.param(KOTA_OTHER, Officer.Role.SUPERVISOR, id="pengawas-kota-lain"),
]


@pytest.mark.parametrize(("unit_code", "role"), OUTSIDERS)
def test_outside_the_scope_the_case_is_403_and_no_action_changes_it(client, unit_code, role):
    report = held_by(GAMBIR)
    before = snapshot(report)
    client.force_login(account(unit_code, role).user)
    page = client.get(f"/petugas/laporan/{report.ticket}/")
    assert page.status_code == 403
    assert "tidak pernah dipegang unit Anda" in text(page)
    assert report.description not in text(page)
    for action, data in [
        ("accept", {}),
        ("reject", {"reject_reason": "spam", "reason": "iseng"}),
        ("koordinasi", {"target": KEBON_KELAPA, "reason": "pindah"}),
        ("recategorise", {"category": "JALAN", "reason": "salah"}),
    ]:
        assert act(client, report.ticket, action, **data).status_code == 403
    assert snapshot(report) == before
    assert report.ticket not in text(client.get("/petugas/"))


def test_a_supervisor_sees_the_subtree_but_cannot_act(client):
    report = held_by(GAMBIR)
    before = snapshot(report)
    client.force_login(account(KOTA_JAKPUS, Officer.Role.SUPERVISOR).user)
    page = text(client.get(f"/petugas/laporan/{report.ticket}/"))
    assert report.ticket in page and "Saluran air tersumbat" in page
    assert f"/petugas/laporan/{report.ticket}/accept/" not in page  # no action forms
    for action, data, why in [
        ("accept", {}, "dipegang oleh unit lain"),
        ("reject", {"reject_reason": "spam", "reason": "iseng"}, "Hanya unit pemegang laporan"),
    ]:
        response = act(client, report.ticket, action, **data)
        assert response.status_code == 302
        assert why in text(client.get(response["Location"]))
    assert snapshot(report) == before


def test_a_head_sees_the_subtree_and_acts_for_the_unit_below(client):
    report = held_by(GAMBIR)
    camat = account(KEC_GAMBIR, Officer.Role.HEAD)
    client.force_login(camat.user)
    page = text(client.get(f"/petugas/laporan/{report.ticket}/"))
    assert f"/petugas/laporan/{report.ticket}/accept/" in page
    act(client, report.ticket, "accept")
    report = Report.objects.get(pk=report.pk)
    assert (report.status, report.holder.code) == ("proses", GAMBIR)
    event = report.events.order_by("id").last()
    assert event.actor_user_id == camat.user_id and event.data["acting_head"] == KEC_GAMBIR
    # Its timeline names the head who acted for the kelurahan.
    assert camat.user.username in text(client.get(f"/petugas/laporan/{report.ticket}/"))


def test_validation_needs_the_biros_validating_role(client):
    report = held_by(GAMBIR)
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    reports.report_followup(report.ticket, lurah, "Saluran sudah dibersihkan")
    before = snapshot(report)

    for plain in (account(BIRO, Officer.Role.OFFICER), account(BIRO, Officer.Role.SUPERVISOR)):
        client.force_login(plain.user)
        page = text(client.get(f"/petugas/laporan/{report.ticket}/"))
        assert report.ticket in page  # the Biro sees every case
        assert f"/petugas/laporan/{report.ticket}/validate/" not in page
        response = act(client, report.ticket, "validate", note="ok")
        assert "validator, kepala, atau admin Biro" in text(client.get(response["Location"]))
        act(client, report.ticket, "reject_followup", reason="Foto kurang")
        assert snapshot(report) == before

    client.force_login(account(BIRO, Officer.Role.VALIDATOR).user)
    assert f"/petugas/laporan/{report.ticket}/validate/" in text(
        client.get(f"/petugas/laporan/{report.ticket}/")
    )
    act(client, report.ticket, "validate", note="Foto sesuai")
    assert Report.objects.get(pk=report.pk).status == "selesai"


VIEWERS = [
    pytest.param(GAMBIR, Officer.Role.OFFICER, id="pemegang"),
    pytest.param(GAMBIR, Officer.Role.HEAD, id="kepala-pemegang"),
    pytest.param(KEC_GAMBIR, Officer.Role.HEAD, id="camat"),
    pytest.param(KOTA_JAKPUS, Officer.Role.SUPERVISOR, id="pengawas"),
    pytest.param(TRIAGE, Officer.Role.OFFICER, id="pernah-memegang"),
    pytest.param(BIRO, Officer.Role.OFFICER, id="biro"),
    pytest.param(BIRO, Officer.Role.VALIDATOR, id="validator"),
    pytest.param(BIRO, Officer.Role.ADMIN, id="admin"),
]


@pytest.mark.parametrize(("unit_code", "role"), VIEWERS)
def test_no_role_ever_sees_a_private_reporters_identity(client, unit_code, role):
    private = held_by(GAMBIR, private=True, reporter=WHO)
    public = held_by(GAMBIR, reporter=WHO)
    client.force_login(account(unit_code, role).user)

    page = text(client.get(f"/petugas/laporan/{private.ticket}/"))
    assert private.ticket in page and "Saluran air tersumbat" in page  # officers see the content
    for personal in PERSONAL:
        assert personal not in page
    # The same reporter on a public report is shown, so the check above can fail.
    assert all(personal in text(client.get(f"/petugas/laporan/{public.ticket}/")) for personal in PERSONAL)
    queue = text(client.get("/petugas/"))
    for personal in PERSONAL:
        assert personal not in queue


def test_a_superuser_sees_no_private_reporter_in_the_admin(client):
    private = held_by(GAMBIR, private=True, reporter=WHO)
    public = held_by(GAMBIR, reporter=WHO)
    superuser = UserFactory(username="super.uji", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = text(client.get(f"/admin/aduan/reporter/{private.reporter_id}/change/"))
    assert client.get(f"/admin/aduan/reporter/{private.reporter_id}/change/").status_code == 200
    for personal in PERSONAL:
        assert personal not in page
    page = text(client.get(f"/admin/aduan/reporter/{public.reporter_id}/change/"))
    assert "Siti Rahmawati" in page


def test_the_public_api_and_pages_never_carry_personal_data(client):
    for report in (held_by(GAMBIR, reporter=WHO), held_by(GAMBIR, private=True, reporter=WHO)):
        for url in (
            f"/api/v1/reports/{report.ticket}",
            f"/laporan/{report.ticket}/",
            f"/open311/v2/requests/{report.ticket}.json",
            "/open311/v2/requests.json",
        ):
            body = text(client.get(url))
            for personal in PERSONAL:
                assert personal not in body, url


NOT_ADMINS = [Officer.Role.OFFICER, Officer.Role.HEAD, Officer.Role.VALIDATOR, Officer.Role.SUPERVISOR]


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_the_admin_is_closed_to_every_role_but_admin(client, role):
    client.force_login(account(BIRO, role).user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "tidak memiliki akses ke halaman admin" in text(response)
    for url in ("/admin/aduan/category/", "/admin/aduan/reporter/", "/admin/aduan/slatarget/"):
        assert client.get(url, follow=True).status_code == 403


def test_the_admin_role_edits_master_data_targets_and_templates_but_no_cases(client):
    client.force_login(account(KOTA_JAKPUS, Officer.Role.ADMIN).user)
    for url in (
        "/admin/",
        "/admin/aduan/category/",
        "/admin/aduan/unit/",
        "/admin/aduan/slatarget/",
        "/admin/aduan/responsetemplate/",
        "/admin/aduan/officer/",
        "/admin/axes/accessattempt/",
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        "/admin/aduan/report/",
        "/admin/aduan/reporter/",
        "/admin/aduan/inboxmessage/",
        "/admin/aduan/outboxmessage/",
        "/admin/aduan/apikey/",
        "/admin/auth/user/add/",
        "/admin/otp_totp/totpdevice/",
    ):
        assert client.get(url).status_code == 403, url


def test_the_admin_log_in_goes_through_the_officers_log_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/masuk/?next=%2Fadmin%2F"
    staff = account(BIRO, Officer.Role.ADMIN)
    response = client.post("/masuk/?next=/admin/", {"username": staff.user.username, "password": PASSWORD})
    assert response["Location"] == "/admin/"


def test_changing_a_role_in_the_admin_moves_the_account_to_that_roles_group(client):
    officer = account(GAMBIR, Officer.Role.OFFICER)
    client.force_login(UserFactory(username="super.peran", is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/aduan/officer/{officer.pk}/change/",
        {"user": officer.user_id, "unit": Unit.objects.get(code=BIRO).pk, "role": Officer.Role.ADMIN},
    )
    assert response.status_code == 302
    user = type(officer.user).objects.get(pk=officer.user_id)
    assert [g.name for g in user.groups.all()] == ["Admin"] and user.is_staff
