"""Office hours, due dates, the sweep's verdict and ping-pong, on real 2026 Indonesian holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import pytest

from aduan.domain import sla
from aduan.domain.calendar import (
    JAKARTA,
    add_calendar_days_at,
    add_working_days_at,
    counting_start,
    subtract_working_days_at,
)
from aduan.domain.errors import DomainError
from aduan.domain.lifecycle import Action

CLOSED_2026 = holidays.country_holidays("ID", years=2026, categories=("public", "government"), language="id")


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=JAKARTA)


def test_the_test_dates_are_real_2026_holidays_and_cuti_bersama() -> None:
    assert "Kemerdekaan" in CLOSED_2026[date(2026, 8, 17)]
    assert "Cuti Bersama" in CLOSED_2026[date(2026, 2, 16)] and "Imlek" in CLOSED_2026[date(2026, 2, 17)]
    # The Idulfitri week: cuti bersama 18, Nyepi 19, cuti 20, Idulfitri 21–22 (a weekend), cuti 23 and 24.
    for day in (18, 19, 20, 21, 22, 23, 24):
        assert date(2026, 3, day) in CLOSED_2026
    assert "Cuti Bersama" in CLOSED_2026[date(2026, 3, 23)]
    assert date(2026, 3, 25) not in CLOSED_2026


@pytest.mark.parametrize(
    ("received", "starts"),
    [
        (at("2026-11-10", "10:15"), at("2026-11-10", "10:15")),  # Tuesday, office open: at once
        (at("2026-11-10", "06:30"), at("2026-11-10", "08:00")),  # before opening: that day's opening
        (at("2026-11-10", "16:00"), at("2026-11-11", "08:00")),  # Tuesday at closing: the next day
        (at("2026-11-13", "16:20"), at("2026-11-13", "16:20")),  # Friday closes at 16:30
        (at("2026-11-13", "16:45"), at("2026-11-16", "08:00")),  # Friday evening: Monday
        (at("2026-11-07", "09:00"), at("2026-11-09", "08:00")),  # Saturday: Monday
        (at("2026-08-14", "17:00"), at("2026-08-18", "08:00")),  # Friday evening before 17 August
        (at("2026-03-20", "09:00"), at("2026-03-25", "08:00")),  # cuti bersama Idulfitri: after Lebaran
        (at("2026-11-10", "03:00") - timedelta(hours=7), at("2026-11-10", "08:00")),  # any zone works
    ],
)
def test_counting_starts_at_the_next_open_office_moment(received: datetime, starts: datetime) -> None:
    assert counting_start(received) == starts


def test_a_moment_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        counting_start(datetime(2026, 11, 10, 10, 0))


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (at("2026-11-10", "10:15"), at("2026-11-11", "10:15"), "Tuesday → Wednesday, same clock"),
        (at("2026-11-06", "11:00"), at("2026-11-09", "11:00"), "Friday → Monday across the weekend"),
        (at("2026-11-06", "16:20"), at("2026-11-09", "16:00"), "Friday 16:20 → Monday's closing"),
        (at("2026-11-07", "09:00"), at("2026-11-10", "08:00"), "Saturday counts from Monday's opening"),
        (at("2026-11-10", "19:30"), at("2026-11-12", "08:00"), "after hours counts from tomorrow"),
        (at("2026-08-14", "10:00"), at("2026-08-18", "10:00"), "Friday → Tuesday across 17 August"),
        (at("2026-02-13", "15:00"), at("2026-02-18", "15:00"), "cuti bersama and Imlek"),
        (at("2026-03-17", "10:00"), at("2026-03-25", "10:00"), "the Idulfitri week"),
    ],
)
def test_the_first_response_is_due_one_working_day_after_counting_starts(
    received: datetime, due: datetime, why: str
) -> None:
    assert sla.response_due(received, sla.Target()) == due, why


def test_completion_in_calendar_days_lands_on_a_working_moment() -> None:
    pengaduan = sla.default_target("pengaduan", 7)
    assert pengaduan == sla.Target(completion_days=7)
    assert sla.completion_due(at("2026-11-10", "10:00"), pengaduan) == at("2026-11-17", "10:00")
    # Monday 10 August + 7 days is 17 August, a holiday: the deadline moves to Tuesday.
    assert sla.completion_due(at("2026-08-10", "10:00"), pengaduan) == at("2026-08-18", "10:00")
    # Three days from Friday 16:20 is Monday 16:20, after Monday's closing.
    three = sla.Target(completion_days=3)
    assert sla.completion_due(at("2026-11-13", "16:20"), three) == at("2026-11-16", "16:00")
    # Received on Saturday: the seven days start at Monday's opening.
    assert sla.completion_due(at("2026-11-07", "09:00"), pengaduan) == at("2026-11-16", "08:00")
    assert sla.default_target("aspirasi", None) == sla.Target(completion_days=sla.DEFAULT_COMPLETION_DAYS)


def test_informasi_is_due_in_ten_working_days() -> None:
    informasi = sla.default_target("informasi", 3)  # the category's days do not apply (UU 14/2008)
    assert informasi == sla.Target(completion_days=10, completion_in_working_days=True)
    assert sla.completion_due(at("2026-11-02", "09:00"), informasi) == at("2026-11-16", "09:00")
    # From Monday 16 March: 17 March, then the closed week, then 25 March onwards.
    assert sla.completion_due(at("2026-03-16", "09:00"), informasi) == at("2026-04-07", "09:00")


def test_working_day_arithmetic_in_both_directions() -> None:
    assert add_working_days_at(at("2026-11-07", "09:00"), 0) == at("2026-11-09", "09:00")
    assert subtract_working_days_at(at("2026-11-09", "10:00"), 1) == at("2026-11-06", "10:00")
    assert subtract_working_days_at(at("2026-03-25", "10:00"), 1) == at("2026-03-17", "10:00")
    assert subtract_working_days_at(at("2026-11-09", "23:59"), 0) == at("2026-11-09", "16:00")
    assert add_calendar_days_at(at("2026-11-10", "10:00"), 0) == at("2026-11-10", "10:00")
    for refused in (
        lambda: add_working_days_at(at("2026-11-10"), -1),
        lambda: subtract_working_days_at(at("2026-11-10"), -1),
        lambda: add_calendar_days_at(at("2026-11-10"), -1),
    ):
        with pytest.raises(ValueError):
            refused()


def test_the_red_flag_goes_up_one_working_day_before() -> None:
    assert sla.red_flag_at(at("2026-11-17", "10:00"), 1) == at("2026-11-16", "10:00")
    assert sla.red_flag_at(at("2026-11-16", "10:00"), 1) == at("2026-11-13", "10:00")  # Monday: Friday
    assert sla.red_flag_at(at("2026-03-25", "10:00"), 1) == at("2026-03-17", "10:00")  # before Lebaran
    assert sla.red_flag_at(at("2026-11-19", "10:00"), 2) == at("2026-11-17", "10:00")


def test_an_ews_date_ends_at_midnight() -> None:
    assert sla.ews_due(date(2026, 11, 20)) == at("2026-11-20", "23:59:59")


def test_informasi_may_be_extended_once_by_seven_working_days() -> None:
    due = at("2026-11-16", "09:00")
    sla.check_ews("informasi", 0, due, date(2026, 11, 25))  # Monday + 7 working days
    with pytest.raises(DomainError) as too_far:
        sla.check_ews("informasi", 0, due, date(2026, 11, 26))
    assert (too_far.value.code, too_far.value.field) == ("ews_limit", "ews_date")
    assert "25-11-2026" in too_far.value.message
    with pytest.raises(DomainError) as twice:
        sla.check_ews("informasi", 1, due, date(2026, 11, 18))
    assert twice.value.code == "ews_limit" and "satu kali" in twice.value.message
    sla.check_ews("pengaduan", 5, due, date(2027, 6, 1))  # other jenis: as often and as far as needed


def test_escalation_climbs_one_level_per_full_working_day_overdue() -> None:
    due = at("2026-11-13", "10:00")  # a Friday
    assert sla.escalation_level(due, due, 3) == 0
    assert sla.escalation_level(due, due + timedelta(seconds=1), 3) == 1
    assert sla.escalation_level(due, at("2026-11-16", "10:00"), 3) == 1  # Monday, exactly one day
    assert sla.escalation_level(due, at("2026-11-16", "10:01"), 3) == 2
    assert sla.escalation_level(due, at("2026-11-17", "10:01"), 3) == 3
    assert sla.escalation_level(due, at("2026-12-30", "10:00"), 3) == 3


KELURAHAN_CHAIN = ("KEC", "KOTA", "BIRO")
DUE = at("2026-11-13", "10:00")


def clock(**changes: object) -> sla.Clock:
    values: dict[str, object] = {
        "completion_due_at": DUE,
        "response_due_at": at("2026-11-09", "10:00"),
        "first_response_at": at("2026-11-09", "09:00"),
        "red_flag": False,
        "overdue": False,
        "escalation_level": 0,
        "escalated_to": None,
        "response_reminded": False,
    }
    values.update(changes)
    return sla.Clock(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("why", "state", "now", "chain", "expected"),
    [
        ("well ahead", clock(), at("2026-11-11"), KELURAHAN_CHAIN, sla.Verdict()),
        ("the day before", clock(), at("2026-11-12"), KELURAHAN_CHAIN, sla.Verdict(red_flag=True)),
        ("already flagged", clock(red_flag=True), at("2026-11-12", "15:00"), KELURAHAN_CHAIN, sla.Verdict()),
        (
            "just overdue",
            clock(red_flag=True),
            at("2026-11-13", "10:01"),
            KELURAHAN_CHAIN,
            sla.Verdict(overdue=True, escalations=((1, "KEC"),)),
        ),
        (
            "overdue, never flagged (the sweep was down)",
            clock(),
            at("2026-11-16", "11:00"),
            KELURAHAN_CHAIN,
            sla.Verdict(red_flag=True, overdue=True, escalations=((1, "KEC"), (2, "KOTA"))),
        ),
        (
            "level 1 done, next day not yet full",
            clock(red_flag=True, overdue=True, escalation_level=1, escalated_to="KEC"),
            at("2026-11-16", "09:00"),
            KELURAHAN_CHAIN,
            sla.Verdict(),
        ),
        (
            "level 2 due",
            clock(red_flag=True, overdue=True, escalation_level=1, escalated_to="KEC"),
            at("2026-11-16", "10:01"),
            KELURAHAN_CHAIN,
            sla.Verdict(escalations=((2, "KOTA"),)),
        ),
        (
            "at the Biro: the top",
            clock(red_flag=True, overdue=True, escalation_level=3, escalated_to="BIRO"),
            at("2026-12-30"),
            KELURAHAN_CHAIN,
            sla.Verdict(),
        ),
        (
            "suku dinas: two levels",
            clock(red_flag=True, overdue=True, escalation_level=1, escalated_to="DINAS"),
            at("2026-12-30"),
            ("DINAS", "BIRO"),
            sla.Verdict(escalations=((2, "BIRO"),)),
        ),
        (
            "moved to a dinas after level 2: straight to the Biro",
            clock(red_flag=True, overdue=True, escalation_level=2, escalated_to="KOTA"),
            at("2026-12-30"),
            ("BIRO",),
            sla.Verdict(escalations=((3, "BIRO"),)),
        ),
        (
            "first response missed",
            clock(first_response_at=None),
            at("2026-11-09", "10:01"),
            KELURAHAN_CHAIN,
            sla.Verdict(response_missed=True),
        ),
        (
            "first response missed, reminded already",
            clock(first_response_at=None, response_reminded=True),
            at("2026-11-10"),
            KELURAHAN_CHAIN,
            sla.Verdict(),
        ),
    ],
)
def test_the_sweeps_verdict(
    why: str, state: sla.Clock, now: datetime, chain: tuple[str, ...], expected: sla.Verdict
) -> None:
    assert sla.assess(state, now, chain) == expected, why


def test_the_verdict_needs_a_chain_and_knows_when_it_is_empty() -> None:
    with pytest.raises(ValueError):
        sla.assess(clock(), at("2026-11-13"), ())
    assert sla.Verdict().empty and not sla.Verdict(response_missed=True).empty


K, R, D, U = Action.KOORDINASI, Action.RETURN, Action.DISPOSISI, Action.REFER_UP


def moves(*steps: tuple[Action, str]) -> list[sla.Move]:
    return [sla.Move(action, to) for action, to in steps]


@pytest.mark.parametrize(
    ("steps", "kind", "units"),
    [
        ([], None, None),
        ([(K, "B")], None, None),
        ([(K, "B"), (R, "A")], None, None),  # the one allowed bounce
        ([(K, "B"), (D, "B1")], None, None),  # a dinas instructs its suku dinas
        ([(K, "B"), (R, "A"), (K, "C"), (D, "C1")], None, None),  # a wrong first guess, then the work
        ([(K, "B"), (K, "A")], sla.PingPongKind.REVISIT, ("A", "B")),  # A→B→A, not by a return
        ([(K, "B"), (R, "A"), (K, "B")], sla.PingPongKind.REVISIT, ("A", "B")),  # B again
        ([(K, "B"), (R, "A"), (K, "C"), (R, "A")], sla.PingPongKind.SECOND_BOUNCE, ("A", "B", "C")),
        ([(K, "B"), (D, "B1"), (K, "B")], sla.PingPongKind.REVISIT, ("A", "B", "B1")),
        ([(K, "B"), (K, "C"), (K, "D")], None, None),  # three hops
        ([(K, "B"), (K, "C"), (K, "D"), (K, "E")], sla.PingPongKind.HOPS, ("A", "B", "C", "D", "E")),
        ([(K, "B"), (K, "C"), (K, "D"), (R, "C")], sla.PingPongKind.HOPS, ("A", "B", "C", "D")),
        # After a referral only the superior's own history counts: its koordinasi is a first hop.
        ([(K, "B"), (K, "A"), (U, "S")], None, None),
        ([(K, "B"), (K, "A"), (U, "S"), (K, "B")], None, None),
        ([(K, "B"), (K, "A"), (U, "S"), (K, "B"), (K, "S")], sla.PingPongKind.REVISIT, ("S", "B")),
    ],
)
def test_ping_pong(
    steps: list[tuple[Action, str]], kind: sla.PingPongKind | None, units: tuple[str, ...] | None
) -> None:
    found = sla.ping_pong("A", moves(*steps))
    if kind is None:
        assert found is None
    else:
        assert found is not None and (found.kind, found.units) == (kind, units)


def test_ping_pong_keeps_the_path_and_counts_hops() -> None:
    found = sla.ping_pong("A", moves((K, "B"), (R, "A"), (K, "B")))
    assert found is not None
    assert (found.path, found.hops) == (("A", "B", "A", "B"), 3)


PARENTS: dict[str, str | None] = {
    "KEL1": "KEC1",
    "KEL2": "KEC1",
    "KEL3": "KEC2",
    "KEC1": "KOTA",
    "KEC2": "KOTA",
    "KOTA": "BIRO",
    "SUDIN": "DINAS",
    "DINAS": "BIRO",
    "BIRO": None,
    "LONE": None,
}


@pytest.mark.parametrize(
    ("units", "superior"),
    [
        (["KEL1", "KEL2"], "KEC1"),
        (["KEL1", "KEL3"], "KOTA"),
        (["KEL1", "DINAS"], "BIRO"),
        (["SUDIN", "DINAS"], "DINAS"),  # the dinas is its suku dinas's superior: its decision binds
        (["KEL1", "KEC1", "KEL2"], "KEC1"),
        (["KEL1", "LONE"], None),
        (["KEL1"], "KEL1"),
        ([], None),
    ],
)
def test_the_common_superior_is_the_lowest_shared_ancestor(units: list[str], superior: str | None) -> None:
    assert sla.common_superior(units, PARENTS) == superior


def test_ancestry_stops_at_a_cycle_in_bad_data() -> None:
    assert sla.ancestry("X", {"X": "Y", "Y": "X"}) == ["X", "Y"]
