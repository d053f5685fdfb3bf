"""Who sees which cases and who may do what: an officer's scope of units and the role rules.

The lifecycle (domain/lifecycle.py) decides which *unit* may take an action; this module adds what depends
on the *person*: their role, and the units below theirs. Every officer page, the case actions and the
services ask here, so that one rule holds everywhere (docs/accounts.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from aduan.domain import lifecycle
from aduan.domain.errors import DomainError
from aduan.domain.lifecycle import OVERSIGHT_KINDS, TRANSITIONS, Action, Actor, CaseState, Command
from aduan.models import Officer, Report, ReportEvent, Unit

Role = Officer.Role

# Roles that see every case wherever their unit is (as every officer of the Biro does).
EVERYWHERE_ROLES = frozenset({Role.VALIDATOR, Role.ADMIN})
# Roles that see the cases of their unit's whole subtree (Unit.parent), not only their own unit's.
SUBTREE_ROLES = frozenset({Role.HEAD, Role.SUPERVISOR})
# Roles of the Biro that may validate a follow-up or send it back (TL Ditolak).
VALIDATOR_ROLES = frozenset({Role.VALIDATOR, Role.HEAD, Role.ADMIN})
VALIDATION_ACTIONS = frozenset({Action.VALIDATE, Action.REJECT_FOLLOWUP})

# Where a head's event records that they acted for a unit below theirs.
ACTING_HEAD_KEY = "acting_head"

_SCOPE_CACHE = "_aduan_scope_ids"


def is_oversight(officer: Officer) -> bool:
    """An officer of the Biro Pemerintahan: it oversees the whole flow."""
    return officer.unit.kind in OVERSIGHT_KINDS


def sees_everything(officer: Officer) -> bool:
    """The Biro (any role) and the validator and admin roles see every case."""
    return is_oversight(officer) or officer.role in EVERYWHERE_ROLES


def subtree_ids(unit_id: int) -> frozenset[int]:
    """The unit and every unit below it through Unit.parent, one query per level (the tree is shallow:
    Biro → kota → kecamatan → kelurahan; Biro → dinas → suku dinas)."""
    found = {unit_id}
    frontier = [unit_id]
    while frontier:
        children = Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in children if pk not in found]  # a cycle in bad data cannot loop
        found.update(frontier)
    return frozenset(found)


def scope_unit_ids(officer: Officer) -> frozenset[int]:
    """The units whose cases the officer sees: their own unit; for a head or a supervisor, its subtree.

    Officers who see everything (``sees_everything``) are not limited by this set; callers ask that first.
    Computed once per Officer object (one request)."""
    cached: frozenset[int] | None = officer.__dict__.get(_SCOPE_CACHE)
    if cached is None:
        if officer.role in SUBTREE_ROLES:
            cached = subtree_ids(officer.unit_id)
        else:
            cached = frozenset({officer.unit_id})
        officer.__dict__[_SCOPE_CACHE] = cached
    return cached


def scope_units(officer: Officer) -> QuerySet[Unit]:
    """The units in the officer's scope as a queryset (every unit for those who see everything)."""
    if sees_everything(officer):
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=scope_unit_ids(officer))


def _touched_by(ids: frozenset[int]) -> Q:
    """Cases held, forwarded, escalated to or acted on by a unit in ``ids``, or copied to one.

    Uncorrelated ``id IN (subquery)`` terms, each answered by the index on its column (ReportEvent.holder,
    actor_unit, target; the tembusan table): no per-case correlated subquery, no loop in Python. A
    UNION ALL of the same look-ups measured slower on both databases (bench/access_scope.py)."""
    unit_ids = sorted(ids)
    events = ReportEvent.objects.filter(
        Q(holder_id__in=unit_ids) | Q(actor_unit_id__in=unit_ids) | Q(target_id__in=unit_ids)
    ).values("report_id")
    copied = Report.copied_units.through.objects.filter(unit_id__in=unit_ids).values("report_id")
    return Q(holder_id__in=unit_ids) | Q(escalated_to_id__in=unit_ids) | Q(pk__in=events) | Q(pk__in=copied)


def visible_reports(officer: Officer) -> QuerySet[Report]:
    """Every case the officer may open: those their scope's units hold, held (an event with such a unit
    as holder, actor or target), were copied on (tembusan) or escalated to."""
    if sees_everything(officer):
        return Report.objects.all()
    return Report.objects.filter(_touched_by(scope_unit_ids(officer)))


def can_view(officer: Officer, report: Report) -> bool:
    """Whether ``report`` is in ``visible_reports(officer)``: the same rule, asked of one case's own rows
    (its events and tembusan, by the report-id index; at most two small queries)."""
    if sees_everything(officer):
        return True
    ids = scope_unit_ids(officer)
    if report.holder_id in ids or report.escalated_to_id in ids:
        return True
    for units in ReportEvent.objects.filter(report_id=report.pk).values_list(
        "holder_id", "actor_unit_id", "target_id"
    ):
        if not ids.isdisjoint(units):
            return True
    copied = Report.copied_units.through.objects.filter(report_id=report.pk).values_list("unit_id", flat=True)
    return not ids.isdisjoint(copied)


def held_reports(units: QuerySet[Unit] | list[Unit] | list[int]) -> QuerySet[Report]:
    """The cases these units hold now (their work), whatever their status."""
    return Report.objects.filter(holder__in=units)


# ---------------------------------------------------------------- who may act


def may_validate(officer: Officer) -> bool:
    """Validation (validate, TL Ditolak) is for the Biro's validators, its head and its admins."""
    return is_oversight(officer) and officer.role in VALIDATOR_ROLES


def check_may_validate(officer: Officer) -> None:
    if not may_validate(officer):
        raise DomainError(
            "forbidden",
            "Hanya validator, kepala, atau admin Biro Pemerintahan yang dapat memvalidasi tindak lanjut.",
        )


def stand_in_unit(officer: Officer, report: Report) -> Unit | None:
    """For a head: the holder of ``report`` when it is a unit below theirs, for which they may act.

    The Biro's head is excluded: the Biro oversees and validates, it does not work cases (its officers
    already reject, merge and recategorise anywhere through the lifecycle)."""
    if officer.role != Role.HEAD or is_oversight(officer) or report.holder_id == officer.unit_id:
        return None
    if report.holder_id in scope_unit_ids(officer):
        return report.holder
    return None


def allowed_actions(officer: Officer, report: Report) -> list[Action]:
    """The actions this officer may take on the case now, in the lifecycle's order: what the lifecycle
    allows their unit, what it allows the holder when they are a head above it, less validation for
    those without a validating role."""
    state = report.state()
    allowed = set(lifecycle.allowed_actions(state, Actor(unit=officer.unit.ref())))
    stand_in = stand_in_unit(officer, report)
    if stand_in is not None:
        allowed |= set(lifecycle.allowed_actions(state, Actor(unit=stand_in.ref())))
    if not may_validate(officer):
        allowed -= VALIDATION_ACTIONS
    return [action for action in TRANSITIONS if action in allowed]


def officer_command(
    user: User, report: Report, state: CaseState, command: Command
) -> tuple[Command, dict[str, Any]]:
    """Apply the role rules to an officer's command on a locked case.

    Refuses validation without a validating role. When the lifecycle refuses the officer's own unit but a
    head stands above the holder, the command is re-issued as the holder's, and the returned facts
    (stored on the event) name the head's unit; the event's user is the head."""
    officer = Officer.objects.select_related("unit").filter(user=user).first()
    if officer is None:
        raise DomainError("forbidden", "Akun ini tidak terdaftar sebagai petugas unit mana pun.")
    if command.action in VALIDATION_ACTIONS:
        check_may_validate(officer)
    try:
        lifecycle.decide(state, command)  # pure: only asks whether the officer's own unit may
    except DomainError as refused:
        unit = stand_in_unit(officer, report) if refused.code == "forbidden" else None
        if unit is not None:
            return replace(command, actor=Actor(unit=unit.ref())), {ACTING_HEAD_KEY: officer.unit.code}
    return command, {}
