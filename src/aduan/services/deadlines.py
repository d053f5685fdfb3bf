"""Deadlines of every case (DESIGN.md §7): set on submit and by lifecycle actions; the periodic sweep that
flags, reminds and escalates; the ping-pong referral to the common superior."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from aduan.domain import sla
from aduan.domain.calendar import JAKARTA, add_working_days_at
from aduan.domain.errors import DomainError
from aduan.domain.lifecycle import HOLDING_KINDS, OPEN_STATUSES, Action, Actor, CaseState, Status, UnitKind
from aduan.models import Category, Officer, Report, ReportEvent, SlaTarget, Unit
from aduan.services import lookups, reports

log = logging.getLogger("aduan.deadlines")

BATCH_SIZE = 200
# Reports without due dates (made before deadlines existed) get them at most this many per sweep, so a
# first sweep over a large backlog does not hold up the worker's other work for long.
BACKFILL_PER_SWEEP = 2000


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment, JAKARTA).strftime("%d-%m-%Y %H:%M") if moment else "-"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# ---------------------------------------------------------------- targets


def target_for(category: Category | None, jenis: str) -> sla.Target:
    """The most specific SlaTarget (this category and jenis, else the jenis's default row), else the
    built-in default of DESIGN.md §7. Read through the per-process lookups cache: every report needs it."""
    best = lookups.sla_target(category.pk if category is not None else None, jenis)
    if best is None:
        return sla.default_target(jenis, category.sla_days if category is not None else None)
    return sla.Target(
        response_working_days=best.response_working_days,
        completion_days=best.completion_days,
        completion_in_working_days=best.completion_in_working_days,
        red_flag_days_before=best.red_flag_days_before,
    )


def initial_due_dates(category: Category | None, jenis: str, received: datetime) -> dict[str, datetime]:
    """The due dates a new report is created with (the keyword arguments of Report.objects.create)."""
    target = target_for(category, jenis)
    return {
        "response_due_at": sla.response_due(received, target),
        "completion_due_at": sla.completion_due(received, target),
    }


# ---------------------------------------------------------------- lifecycle actions


def _move_completion_due(report: Report, due: datetime) -> None:
    """A new deadline starts a new cycle: the sweep flags and escalates afresh against it."""
    report.completion_due_at = due
    report.red_flag = False
    report.overdue = False
    report.escalation_level = 0
    report.escalated_to = None


def _period_start(report: Report) -> datetime:
    """When the current completion period began: the last reopening (dispute), else the receipt."""
    reopened = (
        ReportEvent.objects.filter(report=report, action=Action.DISPUTE)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return reopened or report.created_at


def on_action(
    report: Report, before: CaseState, action: Action, actor: Actor, data: dict[str, Any]
) -> dict[str, Any]:
    """Deadline changes of one lifecycle action, applied to ``report`` before ``reports._perform`` saves
    it (same transaction). Returns what the event's data should say about them (empty: nothing moved).

    Raises DomainError (nothing is written) for an EWS beyond what a permintaan informasi allows."""
    now = timezone.now()
    if (
        actor.unit is not None
        and not (actor.is_system or actor.is_reporter)
        and report.first_response_at is None
    ):
        report.first_response_at = now
    previous = report.completion_due_at
    if action is Action.SET_EWS and report.ews_date is not None:
        current = previous or sla.completion_due(report.created_at, target_for(report.category, report.jenis))
        sla.check_ews(report.jenis, before.ews_changes, current, report.ews_date)
        _move_completion_due(report, sla.ews_due(report.ews_date))
        return {"deadline": {"completion_due_at": _iso(report.completion_due_at), "previous": _iso(previous)}}
    if action is Action.DISPUTE:
        _move_completion_due(report, sla.completion_due(now, target_for(report.category, report.jenis)))
        return {
            "deadline": {
                "completion_due_at": _iso(report.completion_due_at),
                "previous": _iso(previous),
                "counted_from": "reopened",
                "start": _iso(now),
            }
        }
    if action is Action.RECATEGORISE:
        category = lookups.active_category(str(data.get("category", ""))) or report.category
        jenis = str(data.get("jenis") or report.jenis)
        if category == report.category and jenis == report.jenis:
            return {}
        if report.ews_date is not None:
            # The holder committed to a date with a reason: a new category does not undo that promise.
            return {"deadline": {"completion_due_at": _iso(previous), "kept": "ews"}}
        start = _period_start(report)
        _move_completion_due(report, sla.completion_due(start, target_for(category, jenis)))
        return {
            "deadline": {
                "completion_due_at": _iso(report.completion_due_at),
                "previous": _iso(previous),
                "counted_from": "reopened" if start != report.created_at else "receipt",
                "start": _iso(start),
            }
        }
    return {}


# ---------------------------------------------------------------- ping-pong


# The moves after which the case is checked for ping-pong (a REFER_UP starts a fresh history).
PING_PONG_ACTIONS = frozenset({Action.KOORDINASI, Action.RETURN, Action.DISPOSISI})


@dataclass(frozen=True)
class Referral:
    """Where a ping-pong case goes (the common superior), and why."""

    target: Unit
    reason: str
    data: dict[str, Any]


def _parents() -> dict[str, str | None]:
    return dict(Unit.objects.values_list("code", "parent__code"))


def biro() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.BIRO, active=True).order_by("id").first()


def _holding_unit(code: str | None) -> Unit | None:
    """The unit that takes the case for ``code``: itself when it can hold cases; for the Biro (which
    validates and does not hold work) its own desk, the CRM triage desk."""
    unit = Unit.objects.filter(code=code, active=True).first() if code else biro()
    if unit is None:
        return None
    if UnitKind(unit.kind) in HOLDING_KINDS:
        return unit
    desk = Unit.objects.filter(kind=UnitKind.TRIAGE, active=True)
    return desk.filter(parent=unit).order_by("id").first() or desk.order_by("id").first()


def ping_pong_referral(report: Report) -> Referral | None:
    """After a move (koordinasi, return, disposisi): the referral to the common superior when the case is
    ping-ponging (``sla.ping_pong``), else None."""
    rows = (
        ReportEvent.objects.filter(report=report, action__in=[a.value for a in sla.MOVE_ACTIONS])
        .order_by("id")
        .values_list("action", "holder__code")
    )
    moves = [sla.Move(Action(action), holder) for action, holder in rows]
    first_holder = Unit.objects.filter(pk=report.first_holder_id).values_list("code", flat=True).get()
    found = sla.ping_pong(first_holder, moves)
    if found is None:
        return None
    superior = _holding_unit(sla.common_superior(found.units, _parents()))
    if superior is None:
        log.error("ping-pong on %s: no unit can take it (no Biro or triage desk)", report.ticket)
        return None
    names = dict(Unit.objects.filter(code__in=found.units).values_list("code", "name"))
    path = " → ".join(names.get(code, code) for code in found.path)
    why = {
        sla.PingPongKind.REVISIT: f"laporan kembali ke unit yang sudah pernah memegangnya ({path})",
        sla.PingPongKind.SECOND_BOUNCE: f"laporan dikembalikan untuk kedua kalinya ({path})",
        sla.PingPongKind.HOPS: f"laporan sudah berpindah {found.hops} kali antarunit ({path})",
    }[found.kind]
    return Referral(
        target=superior,
        reason=(
            f"Bolak-balik: {why}. Diserahkan kepada atasan bersama, {superior.name}; keputusannya mengikat "
            "dan tidak dapat dikembalikan."
        ),
        data={"ping_pong": str(found.kind), "units": list(found.units), "hops": found.hops},
    )


# ---------------------------------------------------------------- the sweep


@dataclass
class SweepResult:
    """What one sweep did; ``actions`` lists it case by case for people."""

    backfilled: int = 0
    red_flags: int = 0
    overdue: int = 0
    escalations: int = 0
    response_reminders: int = 0
    cases: int = 0  # cases changed
    skipped: int = 0  # locked by another worker or closed meanwhile: the next sweep sees them again
    refused: int = 0
    stopped_early: bool = False
    actions: list[str] = field(default_factory=list)


class _Context:
    """What one sweep looks up again and again: targets, the unit tree, the Biro."""

    def __init__(self) -> None:
        self._targets: dict[tuple[int | None, str], sla.Target] = {}
        self._units: dict[int, tuple[str, str, int | None]] | None = None
        self._by_code: dict[str, Unit] = {}
        self._recipients: dict[int, list[str]] = {}
        self.top = biro()

    def unit(self, code: str) -> Unit:
        if code not in self._by_code:
            self._by_code[code] = Unit.objects.get(code=code)
        return self._by_code[code]

    def recipients(self, unit_id: int) -> list[str]:
        """The e-mail addresses of the unit's active officers who have one."""
        if unit_id not in self._recipients:
            self._recipients[unit_id] = sorted(
                set(
                    Officer.objects.filter(unit_id=unit_id, user__is_active=True)
                    .exclude(user__email="")
                    .values_list("user__email", flat=True)
                )
            )
        return self._recipients[unit_id]

    def target(self, category_id: int | None, jenis: str) -> sla.Target:
        key = (category_id, jenis)
        if key not in self._targets:
            category = Category.objects.filter(pk=category_id).first() if category_id else None
            self._targets[key] = target_for(category, jenis)
        return self._targets[key]

    def red_flag_lead(self) -> int:
        most = SlaTarget.objects.aggregate(most=Max("red_flag_days_before"))["most"]
        return max(1, most or 1)

    def _tree(self) -> dict[int, tuple[str, str, int | None]]:
        if self._units is None:
            self._units = {
                pk: (code, kind, parent)
                for pk, code, kind, parent in Unit.objects.values_list("id", "code", "kind", "parent_id")
            }
        return self._units

    def code(self, unit_id: int | None) -> str | None:
        return self._tree()[unit_id][0] if unit_id is not None and unit_id in self._tree() else None

    def chain(self, holder_id: int, status: str) -> list[str]:
        """The units above the holder, nearest first, ending at the Biro (kelurahan → kecamatan → kota →
        Biro; suku dinas → dinas → Biro; any other unit → Biro). A case waiting for validation waits
        for the Biro, not for its holder: its chain is the Biro alone."""
        top = self.top.code if self.top is not None else None
        if status == Status.MENUNGGU_VALIDASI and top is not None:
            return [top]
        tree = self._tree()
        chain: list[str] = []
        current = tree[holder_id][2] if holder_id in tree else None
        while current is not None and current in tree and tree[current][0] not in chain:
            code, kind, parent = tree[current]
            if kind != UnitKind.TRIAGE:  # the triage desk is beside the line, not above anyone
                chain.append(code)
            current = parent
        if top is not None and (not chain or chain[-1] != top):
            chain = [code for code in chain if code != top] + [top]
        return chain


def _clock(row: dict[str, Any], response_reminded: bool, ctx: _Context) -> sla.Clock:
    return sla.Clock(
        completion_due_at=row["completion_due_at"],
        response_due_at=row["response_due_at"],
        first_response_at=row["first_response_at"],
        red_flag=row["red_flag"],
        overdue=row["overdue"],
        escalation_level=row["escalation_level"],
        escalated_to=ctx.code(row["escalated_to_id"]),
        response_reminded=response_reminded,
    )


_FIELDS = (
    "id",
    "ticket",
    "category_id",
    "jenis",
    "holder_id",
    "status",
    "completion_due_at",
    "response_due_at",
    "first_response_at",
    "red_flag",
    "overdue",
    "escalation_level",
    "escalated_to_id",
)


def _response_reminded() -> Exists:
    return Exists(
        ReportEvent.objects.filter(report=OuterRef("pk"), action=Action.REMIND, data__kind="response")
    )


def _open() -> QuerySet[Report]:
    return Report.objects.filter(status__in=[s.value for s in OPEN_STATUSES])


def _candidates(now: datetime, ctx: _Context) -> Iterator[QuerySet[Report]]:
    """The open cases that may need something, each set from an indexed query on (status, due date):
    those near or past the completion deadline not yet flagged or escalated to the top, and those whose
    first response is late and not yet reminded."""
    horizon = add_working_days_at(now, ctx.red_flag_lead() + 1)
    not_at_top = Q(escalated_to__isnull=True) | ~Q(escalated_to=ctx.top) if ctx.top is not None else Q()
    yield (
        _open()
        .filter(completion_due_at__lte=horizon)
        .filter(Q(red_flag=False) | Q(completion_due_at__lt=now) & (Q(overdue=False) | not_at_top))
    )
    yield (
        _open()
        .filter(first_response_at__isnull=True, response_due_at__lt=now, completion_due_at__isnull=False)
        .filter(~_response_reminded())
    )


def sweep(
    now: datetime | None = None,
    *,
    limit: int | None = None,
    budget_s: float | None = None,
    batch_size: int = BATCH_SIZE,
) -> SweepResult:
    """One pass over the open cases: red flag and remind the holder the working day before the deadline,
    escalate overdue cases up the chain one level per further working day, remind a late first response.

    Idempotent and safe to kill at any point: each case is one transaction, locked with SKIP LOCKED, and
    re-assessed under the lock, so a rerun (or a second worker) does only what is still missing. ``limit``
    (cases changed) and ``budget_s`` (seconds) stop the pass early; the rest waits for the next one."""
    now = now or timezone.now()
    started = time.monotonic()
    result = SweepResult()
    result.backfilled = backfill(limit=BACKFILL_PER_SWEEP)
    ctx = _Context()
    if ctx.top is None:
        log.error("sweep: no Biro unit; run `aduan setup`")
        return result
    for candidates in _candidates(now, ctx):
        # The ids alone (an index range scan on status and due date), then the rows batch by batch.
        ids = sorted(candidates.order_by().values_list("id", flat=True))
        for first in range(0, len(ids), batch_size):
            batch = (
                Report.objects.filter(id__in=ids[first : first + batch_size])
                .annotate(reminded=_response_reminded())
                .order_by("id")
                .values(*_FIELDS, "reminded")
            )
            for row in batch:
                verdict = sla.assess(
                    _clock(row, row["reminded"], ctx),
                    now,
                    ctx.chain(row["holder_id"], row["status"]),
                    ctx.target(row["category_id"], row["jenis"]).red_flag_days_before,
                )
                if verdict.empty:
                    continue
                out_of_budget = budget_s is not None and time.monotonic() - started > budget_s
                if out_of_budget or (limit is not None and result.cases >= limit):
                    result.stopped_early = True
                    _log(result)
                    return result
                _sweep_case(row["id"], now, ctx, result)
    _log(result)
    return result


def _log(result: SweepResult) -> None:
    if result.cases or result.backfilled or result.skipped or result.refused:
        log.info(
            "sweep: %d cases changed (red flags %d, late first responses %d, escalations %d), %d backfilled, "
            "%d skipped (locked), %d refused%s",
            result.cases,
            result.red_flags,
            result.response_reminders,
            result.escalations,
            result.backfilled,
            result.skipped,
            result.refused,
            "; stopped early" if result.stopped_early else "",
        )


def _sweep_case(pk: int, now: datetime, ctx: _Context, result: SweepResult) -> None:
    """Flag, remind and escalate one case in one transaction, from its state under the lock."""
    try:
        with transaction.atomic():
            report = (
                _open()
                .select_for_update(skip_locked=True)
                .filter(pk=pk, completion_due_at__isnull=False)
                .annotate(reminded=_response_reminded())
                .first()
            )
            if report is None:
                result.skipped += 1
                return
            row = {name: getattr(report, name) for name in _FIELDS}
            verdict = sla.assess(
                _clock(row, report.reminded, ctx),
                now,
                ctx.chain(report.holder_id, report.status),
                ctx.target(report.category_id, report.jenis).red_flag_days_before,
            )
            _apply(report, verdict, now, ctx, result)
    except DomainError as error:
        # The lifecycle refused (a corrupt case): logged and left for a person; the sweep goes on.
        result.refused += 1
        log.warning("sweep: case %s refused: %s", pk, error)


def _apply(report: Report, verdict: sla.Verdict, now: datetime, ctx: _Context, result: SweepResult) -> None:
    ticket, due = report.ticket, report.completion_due_at
    changes: dict[str, Any] = {}
    if verdict.red_flag:
        reason = f"Bendera merah: batas penyelesaian {_when(due)} WIB."
        if due is not None and now > due:
            reason = f"Bendera merah: batas penyelesaian {_when(due)} WIB sudah lewat."
        reports.system_action(
            ticket, Action.REMIND, reason=reason, data={"kind": "red_flag", "due": _iso(due)}
        )
        changes["red_flag"] = True
        result.red_flags += 1
        result.actions.append(f"{ticket}: bendera merah")
        _mail(ctx.recipients(report.holder_id), f"[{ticket}] Bendera merah", _mail_body(report, reason))
    if verdict.response_missed:
        reason = f"Tanggapan pertama terlambat: batasnya {_when(report.response_due_at)} WIB."
        reports.system_action(
            ticket,
            Action.REMIND,
            reason=reason,
            data={"kind": "response", "due": _iso(report.response_due_at)},
        )
        result.response_reminders += 1
        result.actions.append(f"{ticket}: tanggapan pertama terlambat")
        _mail(
            ctx.recipients(report.holder_id),
            f"[{ticket}] Tanggapan pertama terlambat",
            _mail_body(report, reason),
        )
    if verdict.overdue:
        changes["overdue"] = True
        result.overdue += 1
    for level, code in verdict.escalations:
        unit = ctx.unit(code)
        reason = (
            f"Lewat batas penyelesaian {_when(due)} WIB: eskalasi tingkat {level} ke {unit.name} "
            f"(pemegang: {report.holder.name})."
        )
        reports.system_action(
            ticket,
            Action.ESCALATE,
            target=unit,
            reason=reason,
            data={"level": level, "due": _iso(due), "holder": report.holder.code},
        )
        changes.update(overdue=True, escalation_level=level, escalated_to=unit)
        result.escalations += 1
        result.actions.append(f"{ticket}: eskalasi tingkat {level} ke {unit.code}")
        _mail(
            ctx.recipients(unit.pk), f"[{ticket}] Eskalasi: laporan lewat batas", _mail_body(report, reason)
        )
    if changes:
        Report.objects.filter(pk=report.pk).update(**changes)
    if changes or verdict.response_missed:
        result.cases += 1


def _mail_body(report: Report, reason: str) -> str:
    link = f"{settings.ADUAN_PUBLIC_URL}/petugas/laporan/{report.ticket}/"
    category = report.category.name if report.category is not None else "tanpa kategori"
    return (
        f"{reason}\n\nLaporan {report.ticket} ({category}), dipegang {report.holder.name}.\n"
        f"Batas penyelesaian: {_when(report.completion_due_at)} WIB.\n\n{link}\n"
    )


def _mail(recipients: list[str], subject: str, body: str) -> None:
    """E-mail a unit's officers once the change is committed (at most once: a crash between the commit
    and the sending loses the mail, never the event, which the queue and the case page show)."""
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, None, recipients, fail_silently=False), robust=True
        )


# ---------------------------------------------------------------- backfill


def backfill(limit: int = BACKFILL_PER_SWEEP, chunk: int = BATCH_SIZE) -> int:
    """Due dates for reports made before deadlines existed: the completion period from the receipt (or
    the last reopening), an EWS date if one was set, and the first response from the first officer
    event. Idempotent: only rows still without a completion due date are written. One transaction per
    chunk of reports: a commit per row would cost a disk flush each."""
    ids = list(
        Report.objects.filter(status__in=[s.value for s in Status], completion_due_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    ctx = _Context()
    done = 0
    for first in range(0, len(ids), chunk):
        with transaction.atomic():
            done += _backfill_chunk(ids[first : first + chunk], ctx)
    return done


def _backfill_chunk(ids: list[int], ctx: _Context) -> int:
    first_responses = dict(
        ReportEvent.objects.filter(report_id__in=ids, actor_kind=ReportEvent.ActorKind.OFFICER)
        .values("report_id")
        .annotate(at=Min("created_at"))
        .values_list("report_id", "at")
    )
    reopenings = dict(
        ReportEvent.objects.filter(report_id__in=ids, action=Action.DISPUTE)
        .values("report_id")
        .annotate(at=Max("created_at"))
        .values_list("report_id", "at")
    )
    # Locked, so that the rows written are exactly those still without due dates (idempotent); a row an
    # officer is acting on right now is skipped and done by the next sweep.
    rows = list(
        Report.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids, completion_due_at__isnull=True)
        .order_by("id")
        .only("id", "category_id", "jenis", "created_at", "ews_date", "first_response_at")
    )
    for row in rows:
        target = ctx.target(row.category_id, row.jenis)
        start = reopenings.get(row.pk) or row.created_at
        row.response_due_at = sla.response_due(row.created_at, target)
        row.completion_due_at = (
            sla.ews_due(row.ews_date) if row.ews_date is not None else sla.completion_due(start, target)
        )
        # An officer may have acted since the upgrade (on_action set it then): that stays.
        row.first_response_at = row.first_response_at or first_responses.get(row.pk)
    Report.objects.bulk_update(rows, ["response_due_at", "completion_due_at", "first_response_at"])
    return len(rows)
