"""Who sees which case and who may do what (services/access.py); the role groups (services/accounts.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.domain.errors import DomainError
from aduan.domain.lifecycle import Action, Status, UnitKind
from aduan.models import Officer, Report, ReportEvent, Unit
from aduan.services import access, accounts, reports
from aduan.services.reports import NewReport
from tests.factories import DinasFactory, SukuDinasFactory, UnitFactory, UserFactory, held_by, officer_at

pytestmark = pytest.mark.django_db

GAMBIR = "KEL-31.71.01.1001"
KEBON_KELAPA = "KEL-31.71.01.1002"  # the same kecamatan (Gambir)
KEC_GAMBIR = "KEC-31.71.01"
KEC_OTHER = "KEC-31.71.02"  # another kecamatan of Jakarta Pusat
KOTA_JAKPUS = "KOTA-31.71"
KOTA_OTHER = "KOTA-31.74"
TRIAGE = "TRIASE"
BIRO = "BIROPEM"


@pytest.fixture
def dinas() -> Unit:
    """A dinas with its suku dinas in Jakarta Pusat, made here so the tests do not need ../shared/data."""
    unit = DinasFactory(code="AKSESDINAS", name="Dinas Uji Akses")
    SukuDinasFactory(parent=unit, name="Suku Dinas Uji Akses Jakpus")
    return unit


def filed(description: str = "Saluran air tersumbat di gang") -> Report:
    """A report without a point: it waits at the triage desk."""
    return reports.submit_report(NewReport(channel="web", description=description)).report


def fresh(report: Report) -> Report:
    return Report.objects.select_related("holder__parent").get(pk=report.pk)


def snapshot(report: Report) -> tuple[str, int, int]:
    report = fresh(report)
    return report.status, report.holder_id, report.events.count()


# ---------------------------------------------------------------- scope


def test_an_officer_sees_only_their_unit_a_head_and_a_supervisor_their_subtree() -> None:
    kec = Unit.objects.get(code=KEC_GAMBIR)
    kelurahan = set(Unit.objects.filter(parent=kec).values_list("pk", flat=True))
    assert len(kelurahan) >= 5 and Unit.objects.get(code=GAMBIR).pk in kelurahan

    assert access.scope_unit_ids(officer_at(GAMBIR)) == {Unit.objects.get(code=GAMBIR).pk}
    assert access.scope_unit_ids(officer_at(KEC_GAMBIR)) == {kec.pk}  # a plain officer: the unit only
    assert access.scope_unit_ids(officer_at(KEC_GAMBIR, Officer.Role.HEAD)) == {kec.pk} | kelurahan

    kota = Unit.objects.get(code=KOTA_JAKPUS)
    kecamatan = set(Unit.objects.filter(parent=kota).values_list("pk", flat=True))
    below = set(Unit.objects.filter(parent__parent=kota).values_list("pk", flat=True))
    supervisor = officer_at(KOTA_JAKPUS, Officer.Role.SUPERVISOR)
    assert access.scope_unit_ids(supervisor) == {kota.pk} | kecamatan | below
    assert set(access.scope_units(supervisor).values_list("pk", flat=True)) == {kota.pk} | kecamatan | below
    # A lurah who heads the kelurahan has no units below.
    assert access.scope_unit_ids(officer_at(GAMBIR, Officer.Role.HEAD)) == {Unit.objects.get(code=GAMBIR).pk}


def test_the_biro_the_validators_and_the_admins_see_everything() -> None:
    assert access.sees_everything(officer_at(BIRO))
    assert access.sees_everything(officer_at(BIRO, Officer.Role.SUPERVISOR))
    assert access.sees_everything(officer_at(KOTA_JAKPUS, Officer.Role.ADMIN))
    assert access.sees_everything(officer_at(BIRO, Officer.Role.VALIDATOR))
    for role in (Officer.Role.OFFICER, Officer.Role.HEAD, Officer.Role.SUPERVISOR):
        assert not access.sees_everything(officer_at(KOTA_JAKPUS, role))
    report = held_by(GAMBIR)
    assert access.can_view(officer_at(BIRO), report)
    assert access.visible_reports(officer_at(BIRO)).count() == Report.objects.count()


def test_a_subtree_with_a_cycle_in_bad_data_ends() -> None:
    a = UnitFactory(code="SIKLUS-A", kind=UnitKind.KECAMATAN)
    b = UnitFactory(code="SIKLUS-B", kind=UnitKind.KELURAHAN, parent=a)
    Unit.objects.filter(pk=a.pk).update(parent=b)
    assert access.subtree_ids(a.pk) == {a.pk, b.pk}


def test_visible_cases_held_holding_copied_and_escalated(dinas: Unit) -> None:
    at_gambir = held_by(GAMBIR, "Pohon tumbang menutup jalan")
    at_kebon_kelapa = held_by(KEBON_KELAPA, "Lampu jalan mati sejak kemarin")
    passed_on = held_by(GAMBIR, "Jalan berlubang besar")
    reports.accept(passed_on.ticket, officer_at(GAMBIR).user)
    reports.koordinasi(passed_on.ticket, officer_at(GAMBIR).user, dinas.code, "Tupoksi dinas")
    copied = held_by(dinas.code, "Trotoar rusak dan licin")
    copied.copied_units.add(Unit.objects.get(code=GAMBIR))
    escalated = held_by(KEBON_KELAPA, "Sampah menumpuk seminggu")
    Report.objects.filter(pk=escalated.pk).update(escalated_to=Unit.objects.get(code=KEC_GAMBIR))
    only_triage = filed("Genangan di terowongan")
    assert only_triage.holder.code == TRIAGE
    elsewhere = held_by("KEL-31.74.01.1001", "Genangan setinggi lutut")

    def seen(officer: Officer) -> set[str]:
        return set(access.visible_reports(officer).values_list("ticket", flat=True))

    lurah = officer_at(GAMBIR)
    assert seen(lurah) == {at_gambir.ticket, passed_on.ticket, copied.ticket}
    kecamatan_officer = officer_at(KEC_GAMBIR)
    assert seen(kecamatan_officer) == {escalated.ticket}  # escalated to the kecamatan, nothing below
    camat = officer_at(KEC_GAMBIR, Officer.Role.HEAD)
    assert seen(camat) == {
        at_gambir.ticket,
        at_kebon_kelapa.ticket,
        passed_on.ticket,
        copied.ticket,
        escalated.ticket,
    }
    assert seen(officer_at(KOTA_JAKPUS, Officer.Role.SUPERVISOR)) == seen(camat)
    assert seen(officer_at(KOTA_OTHER, Officer.Role.SUPERVISOR)) == {elsewhere.ticket}
    assert seen(officer_at(KEC_OTHER, Officer.Role.HEAD)) == set()
    assert passed_on.ticket in seen(officer_at(dinas.code))
    triage = seen(officer_at(TRIAGE))  # it held every case it forwarded
    assert {only_triage.ticket, at_gambir.ticket, elsewhere.ticket} <= triage

    # can_view agrees with visible_reports for every officer and case.
    officers = [
        lurah,
        kecamatan_officer,
        camat,
        officer_at(KEC_OTHER, Officer.Role.HEAD),
        officer_at(KOTA_JAKPUS, Officer.Role.SUPERVISOR),
        officer_at(dinas.code),
        officer_at("AKSESDINAS-31.71"),
    ]
    for officer in officers:
        visible = seen(officer)
        for report in Report.objects.select_related("holder"):
            assert access.can_view(officer, report) == (report.ticket in visible), (officer, report)


def test_the_scope_query_is_one_statement_with_indexed_subqueries_not_a_loop() -> None:
    for n in range(3):
        held_by(GAMBIR, f"Kasus uji nomor {n}")
    camat = officer_at(KEC_GAMBIR, Officer.Role.HEAD)
    access.scope_unit_ids(camat)  # the subtree walk: a few small queries, once per request
    with CaptureQueriesContext(connection) as few:
        assert access.visible_reports(camat).count() == 3
    for n in range(3, 20):
        held_by(GAMBIR, f"Kasus uji nomor {n}")
    with CaptureQueriesContext(connection) as many:
        assert access.visible_reports(camat).count() == 20
    assert len(few) == len(many) == 1  # one statement, whatever the number of cases
    sql = many.captured_queries[0]["sql"].lower()
    assert sql.count("select") == 3  # the cases, and two uncorrelated IN-subqueries (events, tembusan)
    assert "exists" not in sql  # no per-row correlated subquery

    report = Report.objects.filter(holder__code=GAMBIR).first()
    assert report is not None
    with CaptureQueriesContext(connection) as one:
        assert access.can_view(camat, report)
    assert len(one) == 0  # the holder is in scope: no query at all
    stranger = officer_at(KEC_OTHER, Officer.Role.HEAD)
    access.scope_unit_ids(stranger)
    with CaptureQueriesContext(connection) as two:
        assert not access.can_view(stranger, report)
    assert len(two) == 2  # its events, its tembusan: two indexed look-ups by report id


# ---------------------------------------------------------------- who may act


def test_only_the_biros_validator_head_and_admin_validate() -> None:
    lurah = officer_at(GAMBIR).user
    for role, allowed in [
        (Officer.Role.OFFICER, False),
        (Officer.Role.SUPERVISOR, False),
        (Officer.Role.VALIDATOR, True),
        (Officer.Role.HEAD, True),
        (Officer.Role.ADMIN, True),
    ]:
        for action in ("validate", "reject_followup"):
            report = held_by(GAMBIR)
            reports.accept(report.ticket, lurah)
            reports.report_followup(report.ticket, lurah, "Saluran sudah dibersihkan")
            biro = officer_at(BIRO, role)
            before = snapshot(report)
            assert (Action(action) in reports.allowed_actions(fresh(report), biro.user)) is allowed
            call = reports.validate if action == "validate" else reports.reject_followup
            if allowed:
                call(report.ticket, biro.user, "Foto kurang jelas")
                assert fresh(report).status == (Status.SELESAI if action == "validate" else Status.PROSES)
            else:
                with pytest.raises(DomainError) as refused:
                    call(report.ticket, biro.user, "Foto kurang jelas")
                assert refused.value.code == "forbidden"
                assert "validator, kepala, atau admin Biro" in refused.value.message
                assert snapshot(report) == before


def test_a_validator_outside_the_biro_does_not_validate() -> None:
    lurah = officer_at(GAMBIR).user
    report = held_by(GAMBIR)
    reports.accept(report.ticket, lurah)
    reports.report_followup(report.ticket, lurah, "Selesai")
    before = snapshot(report)
    with pytest.raises(DomainError):
        reports.validate(report.ticket, officer_at(KOTA_JAKPUS, Officer.Role.VALIDATOR).user)
    assert snapshot(report) == before


def test_a_head_acts_for_a_unit_below_and_the_event_says_so() -> None:
    report = held_by(GAMBIR)
    camat = officer_at(KEC_GAMBIR, Officer.Role.HEAD)
    assert Action.ACCEPT in reports.allowed_actions(report, camat.user)
    accepted = reports.accept(report.ticket, camat.user)
    assert (accepted.status, accepted.holder.code) == (Status.PROSES, GAMBIR)
    event = accepted.events.order_by("id").last()
    assert event is not None
    assert event.actor_user_id == camat.user_id
    assert event.actor_unit is not None and event.actor_unit.code == GAMBIR  # for the kelurahan
    assert event.data == {access.ACTING_HEAD_KEY: KEC_GAMBIR}
    assert reports.project(accepted) == accepted.state()  # the history replays

    reports.koordinasi(report.ticket, camat.user, KEBON_KELAPA, "Lokasi sebenarnya di Kebon Kelapa")
    assert fresh(report).holder.code == KEBON_KELAPA
    assert reports.project(fresh(report)) == fresh(report).state()


def test_a_head_does_not_act_outside_their_subtree_nor_does_a_supervisor_anywhere(dinas: Unit) -> None:
    report = held_by(GAMBIR)
    for officer in (
        officer_at(KEC_OTHER, Officer.Role.HEAD),  # another kecamatan
        officer_at(KOTA_JAKPUS, Officer.Role.SUPERVISOR),  # sees it, may not act
        officer_at(KEC_GAMBIR),  # a plain officer of the kecamatan
        officer_at(BIRO, Officer.Role.HEAD),  # the Biro validates; it does not work cases
    ):
        before = snapshot(report)
        with pytest.raises(DomainError) as refused:
            reports.accept(report.ticket, officer.user)
        assert refused.value.code == "forbidden"
        assert snapshot(report) == before
        assert Action.ACCEPT not in reports.allowed_actions(fresh(report), officer.user)
    assert reports.allowed_actions(fresh(report), officer_at(KOTA_JAKPUS, Officer.Role.SUPERVISOR).user) == []

    # Once the case left the subtree, the head of the kecamatan may no longer act on it.
    camat = officer_at(KEC_GAMBIR, Officer.Role.HEAD)
    reports.accept(report.ticket, officer_at(GAMBIR).user)
    reports.koordinasi(report.ticket, officer_at(GAMBIR).user, dinas.code, "Tupoksi dinas")
    before = snapshot(report)
    with pytest.raises(DomainError):
        reports.return_case(report.ticket, camat.user, "Bukan urusan dinas")
    assert snapshot(report) == before
    assert access.can_view(camat, fresh(report))  # but still sees it: the kelurahan held it


def test_a_supervisor_acts_where_the_lifecycle_gives_their_own_unit() -> None:
    report = held_by(KOTA_JAKPUS)  # e.g. the common superior after a ping-pong
    supervisor = officer_at(KOTA_JAKPUS, Officer.Role.SUPERVISOR)
    assert reports.accept(report.ticket, supervisor.user).status == Status.PROSES


def test_a_head_of_a_dinas_acts_for_its_suku_dinas(dinas: Unit) -> None:
    report = held_by(dinas.code)
    reports.disposisi(report.ticket, officer_at(dinas.code).user, "AKSESDINAS-31.71", "Kerjakan")
    kadis = officer_at(dinas.code, Officer.Role.HEAD)
    done = reports.accept(report.ticket, kadis.user)
    assert (done.status, done.holder.code) == (Status.PROSES, "AKSESDINAS-31.71")


# ---------------------------------------------------------------- role groups


def test_setup_makes_one_group_per_role_and_only_the_admin_group_has_admin_permissions() -> None:
    groups = accounts.ensure_role_groups()
    assert {g.name for g in groups} == set(accounts.ROLE_GROUPS.values())
    admin = Group.objects.get(name=accounts.ROLE_GROUPS[Officer.Role.ADMIN])
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in admin.permissions.all()}
    assert {"aduan.change_category", "aduan.change_slatarget", "aduan.add_responsetemplate"} <= granted
    assert not granted & {
        "aduan.view_reporter",
        "aduan.view_report",
        "aduan.view_inboxmessage",
        "auth.change_user",
    }
    for role in (Officer.Role.OFFICER, Officer.Role.HEAD, Officer.Role.VALIDATOR, Officer.Role.SUPERVISOR):
        assert not Group.objects.get(name=accounts.ROLE_GROUPS[role]).permissions.exists()

    # Running it again changes nothing, and keeps a permission an admin added by hand.
    extra = Permission.objects.get(codename="view_apikey")
    admin.permissions.add(extra)
    accounts.ensure_role_groups()
    assert Group.objects.filter(name__in=accounts.ROLE_GROUPS.values()).count() == 5
    assert admin.permissions.filter(pk=extra.pk).exists()


def test_ensure_officer_keeps_the_account_in_its_roles_group_and_staff_only_for_admins() -> None:
    officer = accounts.ensure_officer("uji.peran", GAMBIR, Officer.Role.OFFICER, "sandi-uji-panjang-123")
    user = officer.user
    assert [g.name for g in user.groups.all()] == ["Petugas"]
    assert not user.is_staff
    officer = accounts.ensure_officer("uji.peran", BIRO, Officer.Role.ADMIN, "diabaikan")
    user.refresh_from_db()
    assert [g.name for g in user.groups.all()] == ["Admin"]
    assert (
        user.is_staff and user.has_perm("aduan.change_category") and not user.has_perm("aduan.view_reporter")
    )
    assert user.check_password("sandi-uji-panjang-123")  # an existing account keeps its password
    accounts.ensure_officer("uji.peran", KEC_GAMBIR, Officer.Role.HEAD, "diabaikan")
    user = type(user).objects.get(pk=user.pk)
    assert [g.name for g in user.groups.all()] == ["Kepala unit"]
    assert not user.is_staff and not user.has_perm("aduan.change_category")


def test_ensure_officer_refuses_an_unknown_role_or_unit_and_writes_nothing() -> None:
    with pytest.raises(DomainError) as refused:
        accounts.ensure_officer("uji.salah", GAMBIR, "raja", "sandi-uji-panjang-123")
    assert refused.value.field == "role"
    with pytest.raises(DomainError):
        accounts.ensure_officer("uji.salah", "TIDAK-ADA", Officer.Role.OFFICER, "sandi-uji-panjang-123")
    assert not Officer.objects.filter(user__username="uji.salah").exists()
    assert not type(UserFactory()).objects.filter(username="uji.salah").exists()


def test_demo_accounts_cover_every_role() -> None:
    missing = [
        a.unit_code for a in accounts.DEMO_ACCOUNTS if not Unit.objects.filter(code=a.unit_code).exists()
    ]
    if missing:
        pytest.skip(f"units from ../shared/data are absent: {missing}")
    accounts.create_demo_accounts()
    roles = dict(Officer.objects.values_list("user__username", "role"))
    assert {roles[a.username] for a in accounts.DEMO_ACCOUNTS} == set(Officer.Role.values)
    assert roles["camat.gambir"] == Officer.Role.HEAD and roles["pengawas.jakpus"] == Officer.Role.SUPERVISOR
    camat = Officer.objects.get(user__username="camat.gambir")
    assert camat.unit.code == KEC_GAMBIR and camat.unit.kind == UnitKind.KECAMATAN


def test_officer_command_refuses_an_account_without_a_unit() -> None:
    report = held_by(GAMBIR)
    with pytest.raises(DomainError):
        reports.accept(report.ticket, UserFactory())
    assert ReportEvent.objects.filter(report=report).count() == 2
