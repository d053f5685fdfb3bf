"""Deadlines, the sweep's verdict on one case and ping-pong (DESIGN.md §7): pure rules over time and moves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from aduan.domain.calendar import (
    DEFAULT_HOURS,
    JAKARTA,
    OfficeHours,
    add_calendar_days_at,
    add_working_days,
    add_working_days_at,
    counting_start,
    end_of_day,
    subtract_working_days_at,
)
from aduan.domain.errors import DomainError
from aduan.domain.lifecycle import Action

INFORMASI = "informasi"
# Without a category the completion target is a week, the Category.sla_days default.
DEFAULT_COMPLETION_DAYS = 7
# UU 14/2008 Pasal 22 (7)–(8): a request for information is answered within 10 working days, and the
# public body may extend that once, by at most 7 working days, with a written reason.
INFORMASI_WORKING_DAYS = 10
INFORMASI_EXTENSION_WORKING_DAYS = 7
# A case that passes between units more than this many times (koordinasi and return) is a ping-pong.
MAX_HOPS = 3


@dataclass(frozen=True, slots=True)
class Target:
    """How long a case may take: the first response in working days, completion in calendar or working
    days, and how many working days before the completion deadline the red flag goes up."""

    response_working_days: int = 1
    completion_days: int = DEFAULT_COMPLETION_DAYS
    completion_in_working_days: bool = False
    red_flag_days_before: int = 1


def default_target(jenis: str, category_sla_days: int | None) -> Target:
    """The target when no SlaTarget row applies: the category's sla_days calendar days for a pengaduan or
    aspirasi, 10 working days for a permintaan informasi."""
    if jenis == INFORMASI:
        return Target(completion_days=INFORMASI_WORKING_DAYS, completion_in_working_days=True)
    return Target(completion_days=category_sla_days or DEFAULT_COMPLETION_DAYS)


def response_due(received: datetime, target: Target, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """The first response is due ``response_working_days`` working days after counting starts."""
    return add_working_days_at(counting_start(received, hours), target.response_working_days, hours)


def completion_due(start: datetime, target: Target, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """Completion is due ``completion_days`` (working or calendar) days after counting starts at ``start``
    (the receipt, or the reopening after a dispute)."""
    begin = counting_start(start, hours)
    if target.completion_in_working_days:
        return add_working_days_at(begin, target.completion_days, hours)
    return add_calendar_days_at(begin, target.completion_days, hours)


def ews_due(ews_date: date) -> datetime:
    """An EWS date is a promise to finish by the end of that day."""
    return end_of_day(ews_date)


def check_ews(jenis: str, ews_changes_before: int, current_due: datetime, ews_date: date) -> None:
    """A permintaan informasi may be extended once, by at most 7 working days past its deadline; other
    cases may set an EWS date as often as needed (each counted)."""
    if jenis != INFORMASI:
        return
    if ews_changes_before >= 1:
        raise DomainError(
            "ews_limit",
            "Permintaan informasi hanya dapat diperpanjang satu kali (UU 14/2008 Pasal 22 ayat 8).",
            field="ews_date",
        )
    latest = add_working_days(current_due.astimezone(JAKARTA).date(), INFORMASI_EXTENSION_WORKING_DAYS)
    if ews_date > latest:
        raise DomainError(
            "ews_limit",
            f"Permintaan informasi hanya dapat diperpanjang paling lama {INFORMASI_EXTENSION_WORKING_DAYS} "
            f"hari kerja: paling lambat {latest:%d-%m-%Y}.",
            field="ews_date",
        )


# ---------------------------------------------------------------- the sweep's verdict on one case


def red_flag_at(due: datetime, days_before: int, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """The red flag goes up ``days_before`` working days before the deadline, at the same clock time: the
    holder gets a working day's warning even when the deadline follows a weekend or Lebaran."""
    return subtract_working_days_at(due, days_before, hours)


def escalation_level(due: datetime, now: datetime, cap: int, hours: OfficeHours = DEFAULT_HOURS) -> int:
    """How many levels up an overdue case should have gone by ``now``: one as soon as it is overdue, one
    more for each further full working day past the deadline, never more than ``cap``."""
    if now <= due:
        return 0
    level = 1
    while level < cap and now > add_working_days_at(due, level, hours):
        level += 1
    return level


@dataclass(frozen=True, slots=True)
class Clock:
    """What the sweep reads of one case."""

    completion_due_at: datetime
    response_due_at: datetime | None
    first_response_at: datetime | None
    red_flag: bool
    overdue: bool
    escalation_level: int
    escalated_to: str | None
    response_reminded: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the sweep must do to one case now; empty when the case is as it should be."""

    red_flag: bool = False
    overdue: bool = False
    response_missed: bool = False
    # (level, unit code): each level the case must now be escalated to, lowest first.
    escalations: tuple[tuple[int, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.red_flag or self.overdue or self.response_missed or self.escalations)


def assess(
    clock: Clock,
    now: datetime,
    chain: Sequence[str],
    red_flag_days_before: int = 1,
    hours: OfficeHours = DEFAULT_HOURS,
) -> Verdict:
    """The sweep's rule for one open case, given the escalation ``chain`` above its holder (the next
    unit up first, the Biro last).

    Escalation level n goes to ``chain[n-1]`` (the last unit when the chain is shorter, e.g. after the
    case moved), each level once, and stops at the top of the chain."""
    if not chain:
        raise ValueError("the escalation chain ends at the Biro and is never empty")
    due = clock.completion_due_at
    overdue = now > due
    red_flag = not clock.red_flag and (overdue or now >= red_flag_at(due, red_flag_days_before, hours))
    missed = (
        clock.first_response_at is None
        and clock.response_due_at is not None
        and now > clock.response_due_at
        and not clock.response_reminded
    )
    escalations: list[tuple[int, str]] = []
    if overdue and clock.escalated_to != chain[-1]:
        wanted = escalation_level(due, now, clock.escalation_level + len(chain), hours)
        for level in range(clock.escalation_level + 1, wanted + 1):
            unit = chain[min(level, len(chain)) - 1]
            escalations.append((level, unit))
            if unit == chain[-1]:
                break
    return Verdict(
        red_flag=red_flag,
        overdue=overdue and not clock.overdue,
        response_missed=missed,
        escalations=tuple(escalations),
    )


# ---------------------------------------------------------------- ping-pong

MOVE_ACTIONS = frozenset({Action.KOORDINASI, Action.RETURN, Action.DISPOSISI, Action.REFER_UP})
# A disposisi is a dinas carrying out the case through its own suku dinas: the case moves but stays in
# one agency, so it is not a hop between agencies (it still counts for a revisit).
HOP_ACTIONS = frozenset({Action.KOORDINASI, Action.RETURN})


@dataclass(frozen=True, slots=True)
class Move:
    """One change of holder: the action and the unit holding the case after it."""

    action: Action
    to: str


class PingPongKind(StrEnum):
    REVISIT = "revisit"  # the case came back, other than by a return, to a unit that held it
    SECOND_BOUNCE = "second_bounce"  # a second return since the last referral
    HOPS = "hops"  # more than MAX_HOPS koordinasi and returns since the last referral


@dataclass(frozen=True, slots=True)
class PingPong:
    kind: PingPongKind
    units: tuple[str, ...]  # the units that held the case since the last referral, in order of first holding
    hops: int
    path: tuple[str, ...]  # every holder since the last referral, in order, repeats included


def ping_pong(first_holder: str, moves: Sequence[Move]) -> PingPong | None:
    """Whether the last of ``moves`` makes the case a ping-pong.

    Only the moves since the last REFER_UP count (the common superior starts a fresh history). The last
    move is a ping-pong when
    - it takes the case, by koordinasi or disposisi, to a unit that already held it (A→B→A), or
    - it is a return and there was an earlier return (the one allowed bounce is koordinasi→return), or
    - it makes more than MAX_HOPS hops (koordinasi and returns)."""
    start, segment = first_holder, list(moves)
    for index, move in enumerate(moves):
        if move.action is Action.REFER_UP:
            start, segment = move.to, list(moves[index + 1 :])
    if not segment:
        return None
    last = segment[-1]
    held = [start, *(move.to for move in segment[:-1])]
    path = (*held, last.to)
    units = tuple(dict.fromkeys(path))
    hops = sum(1 for move in segment if move.action in HOP_ACTIONS)
    returns = sum(1 for move in segment if move.action is Action.RETURN)
    if last.action is Action.RETURN:
        if returns > 1:
            return PingPong(PingPongKind.SECOND_BOUNCE, units, hops, path)
    elif last.to in held:
        return PingPong(PingPongKind.REVISIT, units, hops, path)
    if hops > MAX_HOPS:
        return PingPong(PingPongKind.HOPS, units, hops, path)
    return None


def ancestry(unit: str, parent_of: Mapping[str, str | None]) -> list[str]:
    """``unit`` and every unit above it, nearest first (a cycle in bad data stops the walk)."""
    chain: list[str] = []
    current: str | None = unit
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain


def common_superior(units: Iterable[str], parent_of: Mapping[str, str | None]) -> str | None:
    """The lowest unit that is, or is above, every one of ``units`` (a unit counts as its own ancestor);
    None when they share none."""
    chains = [ancestry(unit, parent_of) for unit in units]
    if not chains:
        return None
    shared = set(chains[0]).intersection(*chains[1:])
    return next((code for code in chains[0] if code in shared), None)
