"""Deadlines against a real database and a frozen clock: due dates, the sweep, escalation and ping-pong."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Model
from django.template.loader import render_to_string

from aduan.domain.calendar import JAKARTA
from aduan.domain.errors import DomainError
from aduan.domain.lifecycle import Status, UnitKind
from aduan.models import Report, ReportEvent, SlaTarget, Unit
from aduan.services import deadlines, reports, worker
from aduan.services.reports import ReporterInput
from tests.factories import GAMBIR, CategoryFactory, UnitFactory, at_monas, finish, officer_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gambir_polygon")]

CIDENG = "KEL-31.71.01.1002"  # the next kelurahan in Kecamatan Gambir
KEC_GAMBIR = "KEC-31.71.01"
JAKPUS = "KOTA-31.71"


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=JAKARTA)


@pytest.fixture
def clock() -> Iterator[Callable[[datetime], None]]:
    """A frozen clock: ``clock(moment)`` moves it; it starts on Tuesday 10 November 2026, 10:15 WIB."""
    with time_machine.travel(at("2026-11-10", "10:15"), tick=False) as traveller:
        yield traveller.move_to


DESCRIPTIONS = [
    "Jalan berlubang besar di depan sekolah, bahaya untuk motor",
    "Lampu penerangan jalan mati sejak minggu lalu, gelap sekali",
    "Sampah menumpuk di pinggir kali dan berbau busuk",
    "Pohon tumbang menutup trotoar setelah hujan deras",
]


def at_gambir(description: str = DESCRIPTIONS[0], **fields: Any) -> Report:
    report = at_monas(description, **fields).report
    assert report.holder.code == GAMBIR
    return report


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def events(report: Report, action: str) -> list[ReportEvent]:
    return list(ReportEvent.objects.filter(report=report, action=action).order_by("id"))


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(JAKARTA) if moment else None


# ---------------------------------------------------------------- due dates


def test_submit_sets_both_due_dates(clock: Callable[[datetime], None]) -> None:
    report = fresh(at_gambir())
    assert local(report.response_due_at) == at("2026-11-11", "10:15")  # 1 working day
    assert local(report.completion_due_at) == at("2026-11-17", "10:15")  # the default 7 days
    assert report.first_response_at is None and not (report.red_flag or report.overdue)


def test_informasi_is_due_in_ten_working_days_and_a_category_in_its_sla_days(
    clock: Callable[[datetime], None],
) -> None:
    informasi = fresh(at_gambir(jenis="informasi"))
    assert local(informasi.completion_due_at) == at("2026-11-24", "10:15")
    category = CategoryFactory(code="UJI3HARI", sla_days=3, agency=None, kelurahan_handles="yes")
    quick = fresh(at_gambir(DESCRIPTIONS[1], category="UJI3HARI"))
    assert quick.category == category
    assert local(quick.completion_due_at) == at("2026-11-13", "10:15")


def test_after_hours_and_across_holidays_counting_starts_at_the_next_opening(
    clock: Callable[[datetime], None],
) -> None:
    clock(at("2026-08-14", "19:00"))  # Friday evening; Monday is 17 August
    report = fresh(at_gambir())
    assert local(report.response_due_at) == at("2026-08-19", "08:00")
    # Seven days from Tuesday 18 August is Tuesday 25 August, Maulid Nabi: the deadline is Wednesday.
    assert local(report.completion_due_at) == at("2026-08-26", "08:00")
    clock(at("2026-03-17", "10:00"))  # Tuesday before the Idulfitri week of 2026
    lebaran = fresh(at_gambir(DESCRIPTIONS[1]))
    assert local(lebaran.response_due_at) == at("2026-03-25", "10:00")


def test_the_most_specific_sla_target_wins(clock: Callable[[datetime], None]) -> None:
    category = CategoryFactory(code="UJITARGET", sla_days=30, agency=None, kelurahan_handles="yes")
    SlaTarget.objects.create(jenis="pengaduan", completion_days=14)
    SlaTarget.objects.create(
        category=category,
        jenis="pengaduan",
        response_working_days=2,
        completion_days=5,
        completion_in_working_days=True,
    )
    specific = fresh(at_gambir(category="UJITARGET"))
    assert local(specific.response_due_at) == at("2026-11-12", "10:15")
    assert local(specific.completion_due_at) == at("2026-11-17", "10:15")  # 5 working days
    default_row = fresh(at_gambir(DESCRIPTIONS[1]))
    assert local(default_row.completion_due_at) == at("2026-11-24", "10:15")  # 14 calendar days


def test_an_admins_change_to_a_target_applies_to_the_next_report(clock: Callable[[datetime], None]) -> None:
    # Targets are cached per process (every report reads one); saving a row clears the cache.
    CategoryFactory(code="UJIEDIT", sla_days=30, agency=None, kelurahan_handles="yes")
    before = fresh(at_gambir(category="UJIEDIT"))
    assert local(before.completion_due_at) == at("2026-12-10", "10:15")  # 30 calendar days
    target = SlaTarget.objects.create(jenis="pengaduan", completion_days=14)
    assert local(fresh(at_gambir(DESCRIPTIONS[1], category="UJIEDIT")).completion_due_at) == at(
        "2026-11-24", "10:15"
    )
    target.completion_days = 3
    target.save()
    assert local(fresh(at_gambir(DESCRIPTIONS[2], category="UJIEDIT")).completion_due_at) == at(
        "2026-11-13", "10:15"
    )


def test_the_first_officer_action_is_the_first_response(clock: Callable[[datetime], None]) -> None:
    report = at_gambir(reporter=ReporterInput(email="warga@example.org"))
    clock(at("2026-11-10", "10:30"))
    reports.add_comment(report.ticket, "Tambahan: lubangnya makin besar", "email")
    assert fresh(report).first_response_at is None  # the reporter is not a response
    lurah = officer_at(GAMBIR).user
    clock(at("2026-11-10", "11:00"))
    reports.accept(report.ticket, lurah)
    clock(at("2026-11-10", "12:00"))
    reports.set_ews(report.ticket, lurah, date(2026, 11, 20), "Menunggu alat berat")
    assert local(fresh(report).first_response_at) == at("2026-11-10", "11:00")


def test_recategorising_recomputes_from_the_receipt_and_says_so(clock: Callable[[datetime], None]) -> None:
    report = at_gambir()
    CategoryFactory(code="UJICEPAT", sla_days=3, agency=None, kelurahan_handles="yes")
    lurah = officer_at(GAMBIR).user
    clock(at("2026-11-12", "09:00"))
    reports.recategorise(report.ticket, lurah, "UJICEPAT", reason="Ini saluran tersumbat")
    moved = fresh(report)
    assert local(moved.completion_due_at) == at("2026-11-13", "10:15")  # 3 days from Tuesday's receipt
    facts = events(report, "recategorise")[-1].data["deadline"]
    assert facts["counted_from"] == "receipt"
    assert datetime.fromisoformat(facts["start"]) == at("2026-11-10", "10:15")
    assert datetime.fromisoformat(facts["previous"]) == at("2026-11-17", "10:15")
    reports.recategorise(report.ticket, lurah, "UJICEPAT", jenis="informasi")
    assert local(fresh(report).completion_due_at) == at("2026-11-24", "10:15")
    reports.recategorise(report.ticket, lurah, "UJICEPAT", reason="sama saja")
    assert "deadline" not in events(report, "recategorise")[-1].data  # nothing changed, nothing said
    reports.accept(report.ticket, lurah)
    reports.recategorise(report.ticket, lurah, "UJICEPAT", jenis="pengaduan")
    reports.set_ews(report.ticket, lurah, date(2026, 12, 18), "Perlu pengadaan")
    reports.recategorise(report.ticket, lurah, "UJICEPAT", jenis="aspirasi")
    assert events(report, "recategorise")[-1].data["deadline"]["kept"] == "ews"  # the promise stands
    assert local(fresh(report).completion_due_at) == at("2026-12-18", "23:59:59")


def test_ews_moves_the_deadline_to_the_end_of_that_day_and_is_counted(
    clock: Callable[[datetime], None],
) -> None:
    report = at_gambir()
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    Report.objects.filter(pk=report.pk).update(red_flag=True)
    reports.set_ews(report.ticket, lurah, date(2026, 12, 4), "Perlu pengadaan aspal")
    moved = fresh(report)
    assert local(moved.completion_due_at) == at("2026-12-04", "23:59:59")
    assert (moved.ews_changes, moved.red_flag) == (1, False)
    event = events(report, "set_ews")[-1]
    assert event.reason == "Perlu pengadaan aspal"
    assert datetime.fromisoformat(event.data["deadline"]["previous"]) == at("2026-11-17", "10:15")
    with pytest.raises(DomainError) as no_reason:
        reports.set_ews(report.ticket, lurah, date(2026, 12, 11), "  ")
    assert no_reason.value.code == "reason_required"
    assert fresh(report).ews_changes == 1


def test_informasi_may_be_extended_once_by_at_most_seven_working_days(
    clock: Callable[[datetime], None],
) -> None:
    report = at_gambir(jenis="informasi")  # due Tuesday 24 November
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    before = (fresh(report).completion_due_at, ReportEvent.objects.count())
    with pytest.raises(DomainError) as too_far:
        reports.set_ews(report.ticket, lurah, date(2026, 12, 4), "Dokumen di arsip kota")
    assert (too_far.value.code, too_far.value.field) == ("ews_limit", "ews_date")
    assert "03-12-2026" in too_far.value.message  # 24 November + 7 working days
    assert (fresh(report).completion_due_at, ReportEvent.objects.count()) == before
    assert fresh(report).ews_date is None and fresh(report).ews_changes == 0
    reports.set_ews(report.ticket, lurah, date(2026, 12, 3), "Dokumen di arsip kota")
    assert local(fresh(report).completion_due_at) == at("2026-12-03", "23:59:59")
    with pytest.raises(DomainError) as twice:
        reports.set_ews(report.ticket, lurah, date(2026, 12, 2), "Lagi")
    assert twice.value.code == "ews_limit"
    assert fresh(report).ews_changes == 1


def test_a_dispute_gives_a_fresh_completion_period(clock: Callable[[datetime], None]) -> None:
    submitted = at_monas(DESCRIPTIONS[0])
    ticket, token = submitted.report.ticket, submitted.access_token
    assert token is not None
    finish(ticket, "Sudah ditambal")
    Report.objects.filter(ticket=ticket).update(overdue=True, escalation_level=1)
    clock(at("2026-11-19", "14:00"))
    reports.dispute(ticket, token, "Lubangnya muncul lagi")
    reopened = Report.objects.get(ticket=ticket)
    assert local(reopened.completion_due_at) == at("2026-11-26", "14:00")
    assert (reopened.overdue, reopened.escalation_level, reopened.escalated_to) == (False, 0, None)
    assert events(reopened, "dispute")[-1].data["deadline"]["counted_from"] == "reopened"


# ---------------------------------------------------------------- the sweep


def test_the_red_flag_goes_up_the_working_day_before_once(
    clock: Callable[[datetime], None], django_capture_on_commit_callbacks: Any
) -> None:
    report = at_gambir()  # due Tuesday 17 November 10:15
    lurah = officer_at(GAMBIR)
    lurah.user.email = "lurah.gambir@jakarta.go.id"
    lurah.user.save()
    other = officer_at(CIDENG)  # another unit's officer: not told
    other.user.email = "lurah.cideng@jakarta.go.id"
    other.user.save()
    reports.accept(report.ticket, lurah.user)
    clock(at("2026-11-16", "10:14"))
    assert deadlines.sweep().cases == 0 and not fresh(report).red_flag
    clock(at("2026-11-16", "10:15"))
    with django_capture_on_commit_callbacks(execute=True):
        result = deadlines.sweep()
    assert (result.red_flags, result.cases, result.escalations) == (1, 1, 0)
    assert fresh(report).red_flag and not fresh(report).overdue
    remind = events(report, "remind")
    assert len(remind) == 1 and remind[0].data["kind"] == "red_flag"
    assert remind[0].actor_kind == "system" and "17-11-2026 10:15" in remind[0].reason
    assert [m.to for m in mail.outbox] == [["lurah.gambir@jakarta.go.id"]]
    assert report.ticket in mail.outbox[0].subject and report.ticket in mail.outbox[0].body
    before = ReportEvent.objects.count()
    again = deadlines.sweep()  # the same moment: nothing left to do
    assert (again.cases, again.actions, ReportEvent.objects.count()) == (0, [], before)


def test_a_kelurahan_case_climbs_kecamatan_kota_biro_one_working_day_at_a_time(
    clock: Callable[[datetime], None], django_capture_on_commit_callbacks: Any
) -> None:
    report = at_gambir()  # due Tuesday 17 November 10:15
    reports.accept(report.ticket, officer_at(GAMBIR).user)
    camat = officer_at(KEC_GAMBIR)
    camat.user.email = "camat.gambir@jakarta.go.id"
    camat.user.save()
    clock(at("2026-11-17", "10:16"))
    with django_capture_on_commit_callbacks(execute=True):
        first = deadlines.sweep()
    assert (first.red_flags, first.overdue, first.escalations) == (1, 1, 1)
    case = fresh(report)
    assert (case.overdue, case.escalation_level, case.escalated_to.code) == (True, 1, KEC_GAMBIR)
    assert case.holder.code == GAMBIR and case.status == Status.PROSES  # escalation moves nothing
    assert ["camat.gambir@jakarta.go.id"] in [m.to for m in mail.outbox]
    clock(at("2026-11-18", "10:15"))  # one full working day past: not yet
    assert deadlines.sweep().escalations == 0
    clock(at("2026-11-18", "10:16"))
    assert deadlines.sweep().escalations == 1
    clock(at("2026-11-19", "10:16"))
    assert deadlines.sweep().escalations == 1
    clock(at("2026-12-30", "10:00"))
    assert deadlines.sweep().escalations == 0  # the Biro is the top
    escalations = events(report, "escalate")
    assert [(e.target.code, e.data["level"]) for e in escalations] == [
        (KEC_GAMBIR, 1),
        (JAKPUS, 2),
        ("BIROPEM", 3),
    ]
    assert all(e.actor_kind == "system" and "Lewat batas" in e.reason for e in escalations)
    assert fresh(report).escalated_to.code == "BIROPEM"
    assert reports.project(fresh(report)) == fresh(report).state()  # the history still replays


def test_a_suku_dinas_case_goes_to_its_dinas_then_the_biro(
    clock: Callable[[datetime], None], dinas: Unit
) -> None:
    report = at_gambir()
    reports.koordinasi(report.ticket, officer_at(GAMBIR).user, "UJIDINAS", "Jalan provinsi: tupoksi Dinas")
    reports.disposisi(report.ticket, officer_at("UJIDINAS").user, "UJIDINAS-31.71", "Tangani")
    clock(at("2026-11-20", "09:00"))  # Friday: three days past the deadline at once
    result = deadlines.sweep()
    assert [(e.target.code, e.data["level"]) for e in events(report, "escalate")] == [
        ("UJIDINAS", 1),
        ("BIROPEM", 2),
    ]
    assert result.escalations == 2 and fresh(report).escalation_level == 2


def test_a_missed_first_response_is_reminded_once(clock: Callable[[datetime], None]) -> None:
    report = at_gambir()  # first response due Wednesday 11 November 10:15
    clock(at("2026-11-11", "10:15"))
    assert deadlines.sweep().response_reminders == 0
    clock(at("2026-11-11", "10:16"))
    assert deadlines.sweep().response_reminders == 1
    clock(at("2026-11-12", "10:16"))
    assert deadlines.sweep().response_reminders == 0
    remind = events(report, "remind")
    assert [e.data["kind"] for e in remind] == ["response"]
    assert not fresh(report).red_flag


def test_reports_from_before_deadlines_get_them_on_the_first_sweep(clock: Callable[[datetime], None]) -> None:
    report = at_gambir()
    clock(at("2026-11-10", "13:00"))
    reports.accept(report.ticket, officer_at(GAMBIR).user)
    Report.objects.filter(pk=report.pk).update(
        response_due_at=None, completion_due_at=None, first_response_at=None
    )
    result = deadlines.sweep()
    back = fresh(report)
    assert result.backfilled == 1
    assert local(back.response_due_at) == at("2026-11-11", "10:15")
    assert local(back.completion_due_at) == at("2026-11-17", "10:15")
    assert local(back.first_response_at) == at("2026-11-10", "13:00")
    assert deadlines.sweep().backfilled == 0
    promised = at_gambir(DESCRIPTIONS[1])
    Report.objects.filter(pk=promised.pk).update(ews_date=date(2026, 12, 1), completion_due_at=None)
    assert deadlines.backfill() == 1
    assert local(fresh(promised).completion_due_at) == at("2026-12-01", "23:59:59")


def overdue_cases(count: int) -> list[Report]:
    made = [at_gambir(DESCRIPTIONS[i]) for i in range(count)]
    lurah = officer_at(GAMBIR).user
    for report in made:
        reports.accept(report.ticket, lurah)
    return made


def once_each(made: list[Report]) -> list[tuple[int, int, bool, int]]:
    return [
        (
            len(events(r, "remind")),
            len(events(r, "escalate")),
            fresh(r).overdue,
            fresh(r).escalation_level,
        )
        for r in made
    ]


def test_a_sweep_killed_in_the_middle_of_a_case_and_rerun_acts_once_per_case(
    clock: Callable[[datetime], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = overdue_cases(4)
    victim = made[2].pk
    real_save = Model.save

    def dies_on_the_third_escalation(self: Model, *args: Any, **kwargs: Any) -> None:
        # Django's save, killed after the third case's reminder was written in its transaction.
        if isinstance(self, ReportEvent) and self.action == "escalate" and self.report_id == victim:
            raise RuntimeError("worker killed")
        real_save(self, *args, **kwargs)

    clock(at("2026-11-17", "10:16"))
    monkeypatch.setattr(Model, "save", dies_on_the_third_escalation)
    with pytest.raises(RuntimeError):
        deadlines.sweep()
    monkeypatch.setattr(Model, "save", real_save)
    assert once_each(made) == [(1, 1, True, 1), (1, 1, True, 1), (0, 0, False, 0), (0, 0, False, 0)]
    assert not fresh(made[2]).red_flag  # its reminder was rolled back with the rest of its transaction
    rerun = deadlines.sweep()
    assert rerun.cases == 2
    assert once_each(made) == [(1, 1, True, 1)] * 4
    assert deadlines.sweep().cases == 0


def test_a_sweep_over_part_of_the_cases_then_the_rest_acts_once_per_case(
    clock: Callable[[datetime], None],
) -> None:
    made = overdue_cases(4)
    clock(at("2026-11-17", "10:16"))
    part = deadlines.sweep(limit=1)
    assert (part.cases, part.stopped_early) == (1, True)
    rest = deadlines.sweep(batch_size=2)  # batches of two: every batch is read
    assert (rest.cases, rest.stopped_early) == (3, False)
    assert once_each(made) == [(1, 1, True, 1)] * 4


def test_a_sweep_out_of_time_stops_between_cases(clock: Callable[[datetime], None]) -> None:
    made = overdue_cases(2)
    clock(at("2026-11-17", "10:16"))
    spent = deadlines.sweep(budget_s=0)
    assert (spent.cases, spent.stopped_early) == (0, True)
    assert once_each(made) == [(0, 0, False, 0)] * 2
    assert deadlines.sweep(budget_s=60).cases == 2


def test_a_new_deadline_starts_a_new_escalation_cycle(clock: Callable[[datetime], None]) -> None:
    report = at_gambir()
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    clock(at("2026-11-17", "10:16"))
    deadlines.sweep()
    assert fresh(report).overdue
    reports.set_ews(report.ticket, lurah, date(2026, 11, 27), "Menunggu material")
    moved = fresh(report)
    assert (moved.overdue, moved.red_flag, moved.escalation_level, moved.escalated_to) == (
        False,
        False,
        0,
        None,
    )
    assert deadlines.sweep().cases == 0
    clock(at("2026-11-28", "00:00:01"))  # Saturday, just past the EWS date
    deadlines.sweep()
    assert fresh(report).escalated_to.code == KEC_GAMBIR
    assert [e.data["level"] for e in events(report, "escalate")] == [1, 1]  # one per deadline


def test_closed_cases_are_left_alone(clock: Callable[[datetime], None]) -> None:
    report = at_gambir()
    reports.reject(report.ticket, officer_at(GAMBIR).user, "spam", "Iklan")
    clock(at("2026-12-30"))
    assert deadlines.sweep().cases == 0
    assert not events(report, "remind") and not events(report, "escalate")


def test_the_worker_sweeps_at_most_once_a_minute(clock: Callable[[datetime], None]) -> None:
    overdue_cases(1)
    now = at("2026-11-17", "10:16")
    clock(now)
    poller = worker.Poller()
    first = worker.tick(now, poller=poller)
    assert first.swept is not None and first.swept.escalations == 1
    assert worker.tick(now + timedelta(seconds=30), poller=poller).swept is None
    later = worker.tick(now + timedelta(seconds=61), poller=poller)
    assert later.swept is not None and later.swept.cases == 0


def test_the_sweep_command_prints_what_it_did(clock: Callable[[datetime], None]) -> None:
    (report,) = overdue_cases(1)
    clock(at("2026-11-17", "10:16"))
    out = io.StringIO()
    call_command("sweep", stdout=out)
    text = out.getvalue()
    assert f"{report.ticket}: bendera merah" in text
    assert f"{report.ticket}: eskalasi tingkat 1 ke {KEC_GAMBIR}" in text
    out = io.StringIO()
    call_command("sweep", stdout=out)
    assert "tidak ada yang perlu" in out.getvalue().lower()
    with pytest.raises(CommandError, match="--limit"):
        call_command("sweep", "--limit", "0")


# ---------------------------------------------------------------- ping-pong


def test_a_to_b_to_a_goes_to_the_common_superior_whose_koordinasi_binds(
    clock: Callable[[datetime], None],
) -> None:
    report = at_gambir()
    gambir, cideng, camat = officer_at(GAMBIR).user, officer_at(CIDENG).user, officer_at(KEC_GAMBIR).user
    reports.koordinasi(report.ticket, gambir, CIDENG, "Lokasinya di wilayah Cideng")
    reports.accept(report.ticket, cideng)
    moved = reports.koordinasi(report.ticket, cideng, GAMBIR, "Bukan, ini wilayah Gambir")
    assert (moved.holder.code, moved.status, moved.binding) == (KEC_GAMBIR, Status.MENUNGGU, True)
    referral = events(report, "refer_up")
    assert len(referral) == 1 and referral[0].target.code == KEC_GAMBIR
    assert referral[0].actor_kind == "system" and "Bolak-balik" in referral[0].reason
    assert "Kelurahan Gambir → Kelurahan Cideng → Kelurahan Gambir" in referral[0].reason
    assert referral[0].data == {"ping_pong": "revisit", "units": [GAMBIR, CIDENG], "hops": 2}
    reports.koordinasi(report.ticket, camat, CIDENG, "Diputuskan camat: tangani Cideng")
    with pytest.raises(DomainError) as refused:
        reports.return_case(report.ticket, cideng, "Tetap bukan wilayah kami")
    assert refused.value.code == "binding_decision"
    assert fresh(report).holder.code == CIDENG
    assert reports.project(fresh(report)) == fresh(report).state()


def test_a_kelurahan_and_a_dinas_share_only_the_biro_whose_desk_takes_the_case(
    clock: Callable[[datetime], None], dinas: Unit
) -> None:
    report = at_gambir()
    gambir, kepala = officer_at(GAMBIR).user, officer_at("UJIDINAS").user
    reports.koordinasi(report.ticket, gambir, "UJIDINAS", "Jalan provinsi")
    reports.accept(report.ticket, kepala)
    moved = reports.koordinasi(report.ticket, kepala, GAMBIR, "Jalan lingkungan, tugas kelurahan")
    assert (moved.holder.code, moved.binding) == ("TRIASE", True)
    assert events(report, "refer_up")[0].data["ping_pong"] == "revisit"


def test_a_second_bounce_is_a_ping_pong(clock: Callable[[datetime], None], dinas: Unit) -> None:
    biro = Unit.objects.get(code="BIROPEM")
    UnitFactory(code="UJIBADAN", name="Badan Uji", kind=UnitKind.BADAN, parent=biro)
    report = at_gambir()
    gambir = officer_at(GAMBIR).user
    reports.koordinasi(report.ticket, gambir, "UJIDINAS", "Jalan provinsi")
    once = reports.return_case(report.ticket, officer_at("UJIDINAS").user, "Bukan jalan provinsi")
    assert once.holder.code == GAMBIR and not once.binding  # the one allowed bounce
    reports.koordinasi(report.ticket, gambir, "UJIBADAN", "Aset badan")
    twice = reports.return_case(report.ticket, officer_at("UJIBADAN").user, "Bukan aset kami")
    assert (twice.holder.code, twice.binding) == ("TRIASE", True)
    assert events(report, "refer_up")[0].data["ping_pong"] == "second_bounce"
    assert not ReportEvent.objects.filter(report=report, action="refer_up").count() > 1


@pytest.mark.django_db(transaction=True)
def test_a_case_locked_by_another_worker_is_skipped_not_waited_for(
    committed_master_data: None, clock: Callable[[datetime], None]
) -> None:
    """Two sweeps at once (or a sweep and an officer's action): SKIP LOCKED passes the busy case by and
    the next sweep takes it; nothing waits, nothing is done twice."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (one writer at a time)")
    busy, free = overdue_cases(2)
    clock(at("2026-11-17", "10:16"))
    locked, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def other_worker() -> None:
        try:
            with transaction.atomic():
                Report.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                assert release.wait(20)
        except BaseException as exc:
            failure.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=other_worker)
    holder.start()
    try:
        assert locked.wait(20)
        first = deadlines.sweep()
    finally:
        release.set()
        holder.join(20)
    assert not failure, failure
    assert (first.cases, first.skipped) == (1, 1)
    assert once_each([busy, free]) == [(0, 0, False, 0), (1, 1, True, 1)]
    assert deadlines.sweep().cases == 1
    assert once_each([busy, free]) == [(1, 1, True, 1)] * 2


def test_the_case_list_shows_the_deadline_and_the_flags(clock: Callable[[datetime], None]) -> None:
    report = at_gambir()
    Report.objects.filter(pk=report.pk).update(overdue=True, red_flag=True)
    html = render_to_string(
        "aduan/_case_list.html", {"rows": [{"report": fresh(report), "status_label": "menunggu"}]}
    )
    assert "lewat batas" in html and "bendera merah" not in html  # overdue says more than the flag
    assert "17 Nov 2026, 10:15" in html


def test_a_case_waiting_for_validation_escalates_to_the_biro_that_it_waits_for(
    clock: Callable[[datetime], None],
) -> None:
    report = at_gambir()
    lurah = officer_at(GAMBIR).user
    reports.accept(report.ticket, lurah)
    reports.report_followup(report.ticket, lurah, "Sudah ditambal")
    clock(at("2026-11-17", "10:16"))
    deadlines.sweep()
    assert [(e.target.code, e.data["level"]) for e in events(report, "escalate")] == [("BIROPEM", 1)]
