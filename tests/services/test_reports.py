"""The report use cases against a real database: intake routing, every lifecycle action, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Status
from aduan.models import BoundaryImport, RegionBoundary, Report, Reporter, ReportEvent, Unit
from aduan.services import reports
from aduan.services.reports import NewReport, ReporterInput
from tests.factories import MONAS, CategoryFactory, officer_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gambir_polygon")]

GAMBIR_UNIT = "KEL-31.71.01.1001"


def submit(**fields: object) -> reports.Submitted:
    values: dict[str, object] = {"channel": "web", "description": "Jalan berlubang besar, bahaya untuk motor"}
    values.update(fields)
    return reports.submit_report(NewReport(**values))  # type: ignore[arg-type]


def at_gambir() -> reports.Submitted:
    """A report at Monas, held by Kelurahan Gambir."""
    result = submit(lat=MONAS[0], lon=MONAS[1])
    assert result.report.holder.code == GAMBIR_UNIT
    return result


def counts() -> tuple[int, int, int]:
    return Report.objects.count(), ReportEvent.objects.count(), Reporter.objects.count()


# ---------------------------------------------------------------- intake


def test_a_point_at_monas_goes_to_kelurahan_gambir(shared_data: object) -> None:
    result = submit(lat=MONAS[0], lon=MONAS[1])
    report = result.report
    assert (report.status, report.holder.code, report.kelurahan.code) == (
        "menunggu",
        GAMBIR_UNIT,
        "31.71.01.1001",
    )
    event = report.events.get()
    assert event.action == "submit" and "Gambir" in event.reason
    assert event.data["routing"]["location_source"] == "point"
    assert result.created and result.access_token and reports.check_access_token(report, result.access_token)
    assert report.access_token_hash != result.access_token  # stored hashed


def test_no_point_goes_to_the_triage_desk_saying_why() -> None:
    report = submit().report
    assert report.holder.code == "TRIASE" and report.kelurahan is None
    assert "tanpa titik lokasi" in report.events.get().reason


def test_a_point_outside_jakarta_goes_to_triage(shared_data: object) -> None:
    report = submit(lat=-6.9175, lon=107.6191).report  # Bandung
    assert report.holder.code == "TRIASE"
    assert report.events.get().data["routing"]["no_location_reason"] == "outside_jakarta"


def test_without_polygons_a_point_goes_to_triage_never_to_a_guess() -> None:
    RegionBoundary.objects.all().delete()
    BoundaryImport.objects.all().delete()
    report = submit(lat=MONAS[0], lon=MONAS[1]).report
    assert report.holder.code == "TRIASE" and report.kelurahan is None
    event = report.events.get()
    assert event.data["routing"]["no_location_reason"] == "no_boundaries"
    assert "belum diimpor" in event.reason


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"description": "   "}, {"description"}),
        ({"lat": -6.2}, {"lon"}),
        ({"lon": 106.8}, {"lat"}),
        ({"lat": 95.0, "lon": 106.8}, {"lat"}),
        ({"lat": -6.2, "lon": 181.0}, {"lon"}),
        ({"lat": float("nan"), "lon": 106.8}, {"lat"}),
        ({"category": "TIDAKADA"}, {"category"}),
        ({"channel": "merpati"}, {"channel"}),
        ({"visibility": "semua"}, {"visibility"}),
        ({"jenis": "keluhan"}, {"jenis"}),
        ({"description": "x" * 5001}, {"description"}),
        ({"reporter": ReporterInput(email="bukan-surel")}, {"reporter.email"}),
        ({"reporter": ReporterInput(phone="telepon saya")}, {"reporter.phone"}),
        (
            {"description": "", "category": "TIDAKADA", "lat": 100.0, "lon": 200.0},
            {"description", "category", "lat", "lon"},
        ),
    ],
)
def test_bad_input_names_each_field_and_stores_nothing(fields: dict[str, object], bad: set[str]) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        submit(**fields)
    assert set(refused.value.errors) == bad
    assert counts() == before


def test_a_category_given_by_the_reporter_is_kept_and_inactive_ones_refused() -> None:
    category = CategoryFactory(code="UJIJALAN")
    assert submit(category="UJIJALAN").report.category == category
    category.active = False
    category.save()
    with pytest.raises(InvalidInput):
        submit(category="UJIJALAN")


def test_the_same_external_id_on_one_channel_makes_one_case() -> None:
    first = submit(channel="twitter", external_id="1850000000000000001")
    again = submit(channel="twitter", external_id="1850000000000000001")
    other_channel = submit(channel="facebook", external_id="1850000000000000001")
    assert not again.created and again.report.pk == first.report.pk and again.access_token is None
    assert other_channel.created and other_channel.report.pk != first.report.pk


def test_reporter_details_are_stored_but_not_on_the_report_row() -> None:
    report = submit(reporter=ReporterInput("Siti Aminah", "0812 3456 7890", "siti@example.id")).report
    assert report.reporter is not None and report.reporter.name == "Siti Aminah"
    assert submit(reporter=ReporterInput()).report.reporter is None


def test_tickets_are_unique_and_typed_forms_are_found() -> None:
    tickets = {submit().report.ticket for _ in range(30)}
    assert len(tickets) == 30
    ticket = next(iter(tickets))
    assert reports.get_report(ticket.lower().replace("-", "")).ticket == ticket
    with pytest.raises(reports.NotFound):
        reports.get_report("ZZZZ-ZZZZ")


# ---------------------------------------------------------------- lifecycle through the services


def test_the_whole_life_of_a_case(dinas: Unit) -> None:
    report = at_gambir().report
    lurah = officer_at(GAMBIR_UNIT).user
    kepala_dinas = officer_at("UJIDINAS").user
    sudin = officer_at("UJIDINAS-31.71").user
    biro = officer_at("BIROPEM", "validator").user
    t = report.ticket

    assert reports.accept(t, lurah).status == Status.PROSES
    assert (
        reports.koordinasi(t, lurah, "UJIDINAS", "Jalan provinsi: tupoksi Dinas").status == Status.KOORDINASI
    )
    assert (
        reports.disposisi(t, kepala_dinas, "UJIDINAS-31.71", "Tangani segera").holder.code == "UJIDINAS-31.71"
    )
    assert reports.accept(t, sudin).status == Status.PROSES
    later = timezone.localdate() + timedelta(days=30)
    assert reports.set_ews(t, sudin, later, "Perlu pengadaan aspal").ews_date == later
    assert reports.report_followup(t, sudin, "Sudah ditambal").status == Status.MENUNGGU_VALIDASI
    rejected = reports.reject_followup(t, biro, "Foto tidak menunjukkan lokasi")
    assert (rejected.status, rejected.holder.code, rejected.tl_rejections) == (
        Status.PROSES,
        "UJIDINAS-31.71",
        1,
    )
    reports.report_followup(t, sudin, "Ditambal ulang, foto terlampir")
    done = reports.validate(t, biro)
    assert done.status == Status.SELESAI and done.closed_at is not None

    actions = list(report.events.order_by("id").values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "koordinasi",
        "disposisi",
        "accept",
        "set_ews",
        "report_followup",
        "reject_followup",
        "report_followup",
        "validate",
    ]
    assert reports.project(done) == done.state()


def test_return_sends_the_case_back_and_counts_a_bounce(dinas: Unit) -> None:
    t = at_gambir().report.ticket
    reports.koordinasi(t, officer_at(GAMBIR_UNIT).user, "UJIDINAS", "Bukan tugas kelurahan")
    back = reports.return_case(t, officer_at("UJIDINAS").user, "Ini saluran lingkungan: tugas kelurahan")
    assert (back.status, back.holder.code, back.bounces, back.forwarded_by) == (
        "menunggu",
        GAMBIR_UNIT,
        1,
        None,
    )
    assert reports.project(back) == back.state()


def test_refused_actions_change_nothing(dinas: Unit) -> None:
    report = at_gambir().report
    t = report.ticket
    other_lurah = officer_at("KEL-31.71.01.1002").user
    biro = officer_at("BIROPEM").user
    lurah = officer_at(GAMBIR_UNIT).user
    attempts = [
        lambda: reports.accept(t, other_lurah),  # not the holder
        lambda: reports.validate(t, biro),  # nothing to validate yet
        lambda: reports.koordinasi(t, lurah, "UJIDINAS", ""),  # no reason
        lambda: reports.koordinasi(t, lurah, "TIDAK-ADA", "alasan"),  # unknown unit
        lambda: reports.disposisi(t, lurah, "UJIDINAS-31.71"),  # a kelurahan has no suku dinas
        lambda: reports.set_ews(t, lurah, timezone.localdate(), "alasan"),  # not in proses, and not future
        lambda: reports.reject(t, lurah, "luar_kewenangan", "PLN"),  # no referral
        lambda: reports.reject(t, lurah, "bosan", "alasan"),  # unknown reject reason
        lambda: reports.merge(t, lurah, t),  # into itself
        lambda: reports.merge(t, lurah, "ZZZZ-ZZZZ"),  # into nothing
    ]
    for attempt in attempts:
        before = (Report.objects.get(pk=report.pk).status, report.events.count(), ReportEvent.objects.count())
        with pytest.raises(DomainError):
            attempt()
        after = (Report.objects.get(pk=report.pk).status, report.events.count(), ReportEvent.objects.count())
        assert after == before


def test_an_account_without_a_unit_cannot_act() -> None:
    from tests.factories import UserFactory

    t = at_gambir().report.ticket
    with pytest.raises(DomainError) as refused:
        reports.accept(t, UserFactory())
    assert refused.value.code == "forbidden"


def test_reject_outside_authority_keeps_the_referral() -> None:
    t = at_gambir().report.ticket
    closed = reports.reject(
        t, officer_at(GAMBIR_UNIT).user, "luar_kewenangan", "Listrik padam: PLN", "PLN UP3 Menteng"
    )
    assert closed.status == Status.DITOLAK
    assert closed.events.last().data == {"reject_reason": "luar_kewenangan", "referral": "PLN UP3 Menteng"}


def test_merge_makes_a_cluster_that_follows_the_surviving_case() -> None:
    lurah = officer_at(GAMBIR_UNIT).user
    a, b, c = (at_gambir().report for _ in range(3))
    reports.merge(c.ticket, lurah, a.ticket, "Lubang yang sama")
    merged = reports.merge(a.ticket, lurah, b.ticket, "Lubang yang sama")
    assert merged.status == Status.DUPLIKAT
    a.refresh_from_db()
    c.refresh_from_db()
    assert c.merged_into_id == b.pk  # the earlier duplicate now follows the survivor directly
    assert reports.cluster_ticket(a) == reports.cluster_ticket(b) == reports.cluster_ticket(c) == b.ticket
    with pytest.raises(DomainError):
        reports.merge(b.ticket, lurah, a.ticket)  # a is no longer open


def test_dispute_needs_the_reporters_token_and_the_window() -> None:
    result = at_gambir()
    t = result.report.ticket
    lurah = officer_at(GAMBIR_UNIT).user
    reports.accept(t, lurah)
    reports.report_followup(t, lurah, "Sudah dibersihkan")
    reports.validate(t, officer_at("BIROPEM", "validator").user)
    with pytest.raises(DomainError):
        reports.dispute(t, "token-palsu", "Belum beres")
    assert result.access_token is not None
    reopened = reports.dispute(t, result.access_token, "Sampah menumpuk lagi")
    assert (reopened.status, reopened.reopens, reopened.closed_at) == (Status.PROSES, 1, None)
    reports.report_followup(t, lurah, "Dibersihkan lagi")
    reports.validate(t, officer_at("BIROPEM", "validator").user)
    Report.objects.filter(ticket=t).update(closed_at=timezone.now() - timedelta(days=30))
    with pytest.raises(DomainError) as refused:
        reports.dispute(t, result.access_token, "Masih kotor")
    assert refused.value.code == "too_late"


def test_events_are_append_only() -> None:
    report = at_gambir().report
    event = report.events.get()
    event.reason = "diubah"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ReportEvent.objects.filter(pk=event.pk).update(reason="diubah")
    with pytest.raises(PermissionError):
        ReportEvent.objects.filter(pk=event.pk).delete()


ACTIONS = ["accept", "koordinasi", "return", "disposisi", "followup", "validate", "tl_ditolak", "reject"]
ACTORS = [GAMBIR_UNIT, "UJIDINAS", "UJIDINAS-31.71", "BIROPEM"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), max_size=12))
def test_random_service_calls_keep_state_and_events_in_step(
    dinas: Unit, steps: list[tuple[str, str]]
) -> None:
    report = at_gambir().report
    users = {code: officer_at(code).user for code in ACTORS}
    t = report.ticket
    calls = {
        "accept": lambda u: reports.accept(t, u),
        "koordinasi": lambda u: reports.koordinasi(t, u, "UJIDINAS", "tupoksi dinas"),
        "return": lambda u: reports.return_case(t, u, "salah alamat"),
        "disposisi": lambda u: reports.disposisi(t, u, "UJIDINAS-31.71"),
        "followup": lambda u: reports.report_followup(t, u, "selesai dikerjakan"),
        "validate": lambda u: reports.validate(t, u),
        "tl_ditolak": lambda u: reports.reject_followup(t, u, "foto kurang"),
        "reject": lambda u: reports.reject(t, u, "spam", "iklan"),
    }
    accepted = 0
    for action, actor in steps:
        try:
            calls[action](users[actor])
            accepted += 1
        except DomainError:
            pass
        report.refresh_from_db()
        # Every accepted action left exactly one event of its own; a move that makes a ping-pong (back to a
        # unit that held the case) also refers the case up in the same transaction (DESIGN.md §7).
        assert report.events.exclude(action="refer_up").count() == 1 + accepted
        assert report.events.filter(action="refer_up").count() <= accepted
        assert reports.project(report) == report.state()


def test_koordinasi_back_to_a_unit_that_held_the_case_adds_one_refer_up(dinas: Unit) -> None:
    # The sequence hypothesis found: the one-event-per-action count above must leave refer_up aside.
    t = at_gambir().report.ticket
    lurah, sudin = officer_at("KEL-31.71.01.1001").user, officer_at("UJIDINAS").user
    reports.koordinasi(t, lurah, "UJIDINAS", "tupoksi dinas")
    reports.return_case(t, sudin, "salah alamat")
    reports.koordinasi(t, lurah, "UJIDINAS", "tupoksi dinas")
    actions = list(Report.objects.get(ticket=t).events.order_by("id").values_list("action", flat=True))
    assert actions == ["submit", "koordinasi", "return", "koordinasi", "refer_up"]


def test_a_ticket_collision_draws_another_ticket_and_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = submit().report.ticket
    drawn = iter([taken, taken, "Z9Z9-Z9Z9"])  # the random source repeats a taken ticket twice
    monkeypatch.setattr(reports, "new_ticket", lambda: next(drawn))
    before = counts()
    report = submit(reporter=ReporterInput(name="Ani")).report
    assert report.ticket == "Z9Z9-Z9Z9"
    assert counts() == (
        before[0] + 1,
        before[1] + 1,
        before[2] + 1,
    )  # no half-written reporter from the retries


def test_a_crash_between_the_report_and_its_event_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("proses mati di tengah jalan")

    before = counts()
    monkeypatch.setattr(ReportEvent.objects, "create", crash)
    with pytest.raises(RuntimeError):
        submit(lat=MONAS[0], lon=MONAS[1], reporter=ReporterInput(name="Ani"))
    assert counts() == before  # no report without its event, no orphan reporter


def test_two_processes_delivering_one_message_at_once_make_one_case(committed_master_data: None) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def deliver(_: int) -> tuple[str, bool]:
        try:
            result = submit(channel="whatsapp", external_id="wamid.HBgLNjI4MTIzNDU2Nzg5FQIAEhgUM0E")
            return result.report.ticket, result.created
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(deliver, range(8)))
    assert len({ticket for ticket, _ in outcomes}) == 1
    assert sum(created for _, created in outcomes) == 1
    assert Report.objects.filter(external_id="wamid.HBgLNjI4MTIzNDU2Nzg5FQIAEhgUM0E").count() == 1


def test_without_a_point_the_kelurahan_named_in_the_text_holds_it() -> None:
    report = submit(description="Got mampet di Kel. Cempaka Putih Timur, Jakpus, bau banget").report
    assert (report.holder.code, report.kelurahan.code) == ("KEL-31.71.05.1001", "31.71.05.1001")
    event = report.events.get()
    assert event.data["routing"]["location_source"] == "text"
    assert "Kel. Cempaka Putih Timur" in event.reason


def test_a_kecamatan_alone_is_not_turned_into_a_guessed_kelurahan() -> None:
    report = submit(description="Jalan rusak parah di Kecamatan Tambora", address="").report
    assert report.holder.code == "TRIASE" and report.kelurahan is None
    assert report.events.get().data["routing"]["mentions"] == ["Kecamatan Tambora"]


def test_the_address_field_counts_as_text_too() -> None:
    report = submit(description="Lampu jalan mati", address="Jl. Kebon Kacang Raya, Kel. Kebon Kacang").report
    assert report.kelurahan is not None and report.kelurahan.name == "Kebon Kacang"


def test_a_direct_route_to_a_unit_this_deployment_lacks_falls_back_to_the_kelurahan() -> None:
    # The agency has suku dinas in the tupoksi table, but no unit was ever made for it.
    category = CategoryFactory(code="UJITANPAUNIT", kelurahan_handles="no")
    report = submit(category=category.code, lat=MONAS[0], lon=MONAS[1]).report
    assert report.holder.code == GAMBIR_UNIT and report.category == category
    assert "route" not in report.events.get().data["routing"]
