"""The case lifecycle of DESIGN.md §5: statuses, actions, the transition table and who may act."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from aduan.domain.errors import DomainError


class Status(StrEnum):
    MENUNGGU = "menunggu"
    KOORDINASI = "koordinasi"
    DISPOSISI = "disposisi"
    PROSES = "proses"
    MENUNGGU_VALIDASI = "menunggu_validasi"
    SELESAI = "selesai"
    DITOLAK = "ditolak"
    DUPLIKAT = "duplikat"


OPEN_STATUSES = frozenset(
    {Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI, Status.PROSES, Status.MENUNGGU_VALIDASI}
)


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    KOORDINASI = "koordinasi"
    RETURN = "return"
    DISPOSISI = "disposisi"
    SET_EWS = "set_ews"
    REPORT_FOLLOWUP = "report_followup"
    VALIDATE = "validate"
    REJECT_FOLLOWUP = "reject_followup"
    REJECT = "reject"
    MERGE = "merge"
    DISPUTE = "dispute"
    RECATEGORISE = "recategorise"
    COMMENT = "comment"  # the reporter adds to the case (a reply on their kanal); no status changes
    ASK = "ask"  # the holder asks the reporter for details through the masked relay; no status changes
    REMIND = "remind"  # the deadline sweep reminds the holder (red flag, overdue); no status changes
    ESCALATE = "escalate"  # the sweep tells the next unit up that the case is overdue; no status changes
    REFER_UP = "refer_up"  # ping-pong: the case goes to the common superior, whose decision binds


class UnitKind(StrEnum):
    KELURAHAN = "kelurahan"
    KECAMATAN = "kecamatan"
    KOTA = "kota"
    DINAS = "dinas"
    BADAN = "badan"
    SATPOL = "satpol"
    BUMD = "bumd"
    SUKU_DINAS = "suku_dinas"
    INSPEKTORAT = "inspektorat"
    BIRO = "biro"
    TRIAGE = "triage"


class RejectReason(StrEnum):
    SPAM = "spam"
    NOT_A_REPORT = "bukan_laporan"
    OUTSIDE_AUTHORITY = "luar_kewenangan"


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What the lifecycle needs to know of a unit: its code, kind and (for a suku dinas) its dinas."""

    code: str
    kind: UnitKind
    parent_code: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an officer of a unit, the reporter of the case, or the system (intake)."""

    unit: UnitRef | None = None
    is_reporter: bool = False
    is_system: bool = False


SYSTEM = Actor(is_system=True)
REPORTER = Actor(is_reporter=True)


@dataclass(frozen=True, slots=True)
class CaseState:
    """The part of a case that the lifecycle reads and writes; a projection of its events."""

    status: Status
    holder: UnitRef
    forwarded_by: UnitRef | None = None
    bounces: int = 0
    tl_rejections: int = 0
    reopens: int = 0
    ews_changes: int = 0
    held_by: tuple[str, ...] = field(default_factory=tuple)
    # Set when the common superior took the case over after a ping-pong: where it sends the case, the
    # case stays (no return).
    binding: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    """One requested action with its arguments, as the services pass it in."""

    action: Action
    actor: Actor
    target: UnitRef | None = None
    reason: str = ""
    reject_reason: RejectReason | None = None
    referral: str = ""
    merge_into_open: bool = False
    within_dispute_window: bool = False
    ews_in_future: bool = False


# The table of DESIGN.md §5: the statuses an action may start from, and where it leads (None: it depends).
# "accept" starts work on a case that is waiting (menunggu), forwarded (koordinasi) or instructed
# (disposisi); on a case already in proses it would be an event that changes nothing, so it is refused.
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | None]] = {
    Action.ACCEPT: (frozenset({Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI}), Status.PROSES),
    Action.KOORDINASI: (frozenset({Status.MENUNGGU, Status.PROSES}), Status.KOORDINASI),
    Action.RETURN: (frozenset({Status.KOORDINASI}), Status.MENUNGGU),
    Action.DISPOSISI: (frozenset({Status.KOORDINASI, Status.PROSES}), Status.DISPOSISI),
    Action.SET_EWS: (frozenset({Status.PROSES}), Status.PROSES),
    Action.REPORT_FOLLOWUP: (frozenset({Status.PROSES}), Status.MENUNGGU_VALIDASI),
    Action.VALIDATE: (frozenset({Status.MENUNGGU_VALIDASI}), Status.SELESAI),
    Action.REJECT_FOLLOWUP: (frozenset({Status.MENUNGGU_VALIDASI}), Status.PROSES),
    Action.REJECT: (OPEN_STATUSES, Status.DITOLAK),
    Action.MERGE: (OPEN_STATUSES, Status.DUPLIKAT),
    Action.DISPUTE: (frozenset({Status.SELESAI}), Status.PROSES),
    # Setting the category, jenis and kewenangan (triage, or a correction) changes no status.
    Action.RECATEGORISE: (OPEN_STATUSES, None),
    # A reporter's reply lands on the case whatever its status; the holder sees it in the timeline.
    Action.COMMENT: (frozenset(Status), None),
    Action.ASK: (OPEN_STATUSES, None),
    Action.REMIND: (OPEN_STATUSES, None),
    Action.ESCALATE: (OPEN_STATUSES, None),
    Action.REFER_UP: (
        frozenset({Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI, Status.PROSES}),
        Status.MENUNGGU,
    ),
}

# Units that carry out work for a dinas-level agency and may be instructed by it (disposisi).
AGENCY_KINDS = frozenset(
    {UnitKind.DINAS, UnitKind.BADAN, UnitKind.SATPOL, UnitKind.BUMD, UnitKind.INSPEKTORAT}
)
# Units whose officers oversee the whole flow: they validate follow-ups, reject and merge anywhere.
OVERSIGHT_KINDS = frozenset({UnitKind.BIRO})
# Units that can hold a case at all (the Biro validates, it does not hold work).
HOLDING_KINDS = frozenset(UnitKind) - OVERSIGHT_KINDS


def initial_state(holder: UnitRef) -> CaseState:
    return CaseState(status=Status.MENUNGGU, holder=holder, held_by=(holder.code,))


def _is_holder(actor: Actor, state: CaseState) -> bool:
    return actor.unit is not None and actor.unit.code == state.holder.code


def _is_oversight(actor: Actor) -> bool:
    return actor.unit is not None and actor.unit.kind in OVERSIGHT_KINDS


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message)


def _check_actor(cmd: Command, state: CaseState) -> None:
    """Who may do what: the holder works the case, the Biro validates, the reporter disputes."""
    action, actor = cmd.action, cmd.actor
    if action is Action.DISPUTE:
        if not actor.is_reporter:
            raise _refuse("forbidden", "Hanya pelapor yang dapat menyanggah penyelesaian laporan.")
        return
    if action is Action.COMMENT:
        if not (actor.is_reporter or actor.is_system):
            raise _refuse("forbidden", "Tanggapan pelapor hanya datang dari pelapor.")
        return
    if action in (Action.REMIND, Action.ESCALATE, Action.REFER_UP):
        if not actor.is_system:
            raise _refuse("forbidden", "Pengingat dan eskalasi dijalankan oleh sistem (penyapu tenggat).")
        return
    if action is Action.MERGE and actor.is_system:
        return  # intake joins a report to the case of the same problem (DESIGN.md §6.4)
    if actor.unit is None:
        raise _refuse("forbidden", "Tindakan ini hanya untuk petugas sebuah unit.")
    if action in (Action.VALIDATE, Action.REJECT_FOLLOWUP):
        if not _is_oversight(actor):
            raise _refuse("forbidden", "Hanya Biro Pemerintahan yang memvalidasi tindak lanjut.")
        return
    if action in (Action.REJECT, Action.MERGE, Action.RECATEGORISE):
        if not (_is_holder(actor, state) or _is_oversight(actor)):
            raise _refuse(
                "forbidden", "Hanya unit pemegang laporan atau Biro Pemerintahan yang dapat melakukannya."
            )
        return
    if not _is_holder(actor, state):
        raise _refuse("forbidden", f"Laporan ini dipegang oleh unit lain ({state.holder.code}).")


def _check_arguments(cmd: Command, state: CaseState) -> None:
    action, target = cmd.action, cmd.target
    needs_reason = {
        Action.KOORDINASI,
        Action.RETURN,
        Action.SET_EWS,
        Action.REPORT_FOLLOWUP,
        Action.REJECT_FOLLOWUP,
        Action.REJECT,
        Action.DISPUTE,
        Action.COMMENT,
        Action.ASK,
        Action.REFER_UP,
    }
    if action in needs_reason and not cmd.reason.strip():
        raise _refuse("reason_required", "Alasan atau keterangan wajib diisi.")
    if action is Action.KOORDINASI:
        if target is None:
            raise _refuse("target_required", "Pilih unit tujuan koordinasi.")
        if target.code == state.holder.code:
            raise _refuse("invalid_target", "Unit tujuan sama dengan unit pemegang laporan.")
        if target.kind not in HOLDING_KINDS:
            raise _refuse("invalid_target", "Unit tujuan tidak dapat memegang laporan.")
    if action is Action.RETURN and state.binding:
        raise _refuse(
            "binding_decision",
            "Laporan ini diteruskan oleh atasan bersama setelah bolak-balik; keputusannya mengikat dan "
            "tidak dapat dikembalikan.",
        )
    if action is Action.REFER_UP and (target is None or target.kind not in HOLDING_KINDS):
        raise _refuse("invalid_target", "Atasan bersama tidak dapat memegang laporan.")
    if action is Action.DISPOSISI:
        if target is None:
            raise _refuse("target_required", "Pilih suku dinas tujuan disposisi.")
        if target.kind is not UnitKind.SUKU_DINAS or target.parent_code != state.holder.code:
            raise _refuse("invalid_target", "Disposisi hanya ke suku dinas milik dinas pemegang laporan.")
    if action is Action.SET_EWS and not cmd.ews_in_future:
        raise _refuse("invalid_date", "Tanggal estimasi selesai (EWS) harus setelah hari ini.")
    if action is Action.REJECT:
        if cmd.reject_reason is None:
            raise _refuse("reason_required", "Pilih alasan penolakan.")
        if cmd.reject_reason is RejectReason.OUTSIDE_AUTHORITY and not cmd.referral.strip():
            raise _refuse(
                "referral_required", "Sebutkan instansi berwenang untuk laporan di luar kewenangan."
            )
    if action is Action.MERGE and not cmd.merge_into_open:
        raise _refuse("invalid_target", "Laporan tujuan penggabungan harus laporan lain yang masih terbuka.")
    if action is Action.DISPUTE and not cmd.within_dispute_window:
        raise _refuse("too_late", "Masa sanggah 10 hari kerja sudah lewat.")


def decide(state: CaseState, cmd: Command) -> CaseState:
    """The state after ``cmd``, or a DomainError that says why the action is refused.

    Pure: the services persist the result and the event; this function never changes anything.
    """
    if cmd.action is Action.SUBMIT:
        raise _refuse("illegal_transition", "Laporan sudah diajukan.")
    sources, target_status = TRANSITIONS[cmd.action]
    if state.status not in sources:
        raise _refuse(
            "illegal_transition",
            f"Tindakan '{cmd.action}' tidak berlaku untuk laporan berstatus '{state.status}'.",
        )
    _check_actor(cmd, state)
    _check_arguments(cmd, state)
    return _apply(state, cmd, target_status)


def _moved_to(state: CaseState, unit: UnitRef, **changes: object) -> CaseState:
    held = state.held_by if unit.code in state.held_by else (*state.held_by, unit.code)
    return replace(state, holder=unit, held_by=held, **changes)  # type: ignore[arg-type]


def _apply(state: CaseState, cmd: Command, target_status: Status | None) -> CaseState:
    action = cmd.action
    if action is Action.KOORDINASI:
        assert cmd.target is not None
        return _moved_to(state, cmd.target, status=Status.KOORDINASI, forwarded_by=state.holder)
    if action is Action.RETURN:
        sender = state.forwarded_by
        if sender is None:  # only reachable from a corrupt history; refuse instead of guessing
            raise _refuse("illegal_transition", "Tidak diketahui unit pengirim koordinasi.")
        return _moved_to(state, sender, status=Status.MENUNGGU, forwarded_by=None, bounces=state.bounces + 1)
    if action is Action.DISPOSISI:
        assert cmd.target is not None
        return _moved_to(state, cmd.target, status=Status.DISPOSISI, forwarded_by=state.holder)
    if action is Action.ACCEPT:
        return replace(state, status=Status.PROSES, forwarded_by=None)
    if action is Action.SET_EWS:
        return replace(state, ews_changes=state.ews_changes + 1)
    if action is Action.REJECT_FOLLOWUP:
        return replace(state, status=Status.PROSES, tl_rejections=state.tl_rejections + 1)
    if action is Action.DISPUTE:
        return replace(state, status=Status.PROSES, reopens=state.reopens + 1)
    if action is Action.REFER_UP:
        assert cmd.target is not None
        return _moved_to(state, cmd.target, status=Status.MENUNGGU, forwarded_by=None, binding=True)
    if target_status is None:  # recategorise, comment, ask, remind, escalate: nothing moves
        return state
    return replace(state, status=target_status)


def allowed_actions(state: CaseState, actor: Actor) -> list[Action]:
    """The actions whose status and actor rules pass, for showing the right buttons."""
    result = []
    for action, (sources, _) in TRANSITIONS.items():
        if state.status not in sources:
            continue
        try:
            _check_actor(Command(action, actor), state)
        except DomainError:
            continue
        result.append(action)
    return result


@dataclass(frozen=True, slots=True)
class Event:
    """The lifecycle's view of a ReportEvent: enough to replay a case from its history."""

    action: Action
    command: Command
    holder_after: UnitRef


def replay(first_holder: UnitRef, events: Iterable[Event]) -> CaseState:
    """Rebuild a case's state from its events: the stored state must always equal this projection."""
    state = initial_state(first_holder)
    for event in events:
        if event.action is Action.SUBMIT:
            continue
        state = decide(state, event.command)
        if state.holder != event.holder_after:
            raise DomainError("corrupt_history", "Riwayat laporan tidak konsisten dengan pemegangnya.")
    return state
