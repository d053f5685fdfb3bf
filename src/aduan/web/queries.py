"""Read-only look-ups the officer pages need; nothing here writes (the services do)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from aduan.domain.lifecycle import OPEN_STATUSES, Status, UnitKind
from aduan.models import Officer, Report, ReportEvent, Unit
from aduan.services import access

QUEUE_LIMIT = 200

_OPEN_ORDER = [s.value for s in Status if s in OPEN_STATUSES]


def is_oversight(officer: Officer) -> bool:
    return access.is_oversight(officer)


def can_view(officer: Officer, report: Report) -> bool:
    """Whether the officer may open the case (services/access.py: unit, subtree, role)."""
    return access.can_view(officer, report)


def open_cases(unit: Unit) -> QuerySet[Report]:
    """The unit's open cases, oldest first."""
    return (
        Report.objects.filter(holder=unit, status__in=[s.value for s in OPEN_STATUSES])
        .select_related("category", "kelurahan")
        .order_by("created_at", "id")
    )


def awaiting_validation() -> QuerySet[Report]:
    """Every follow-up waiting for the Biro's validation, oldest first."""
    return (
        Report.objects.filter(status=Status.MENUNGGU_VALIDASI)
        .select_related("category", "kelurahan", "holder")
        .order_by("updated_at", "id")
    )


def status_counts(cases: QuerySet[Report]) -> list[tuple[str, int]]:
    """(status, count) for each open status, in lifecycle order, zeros included."""
    counts = dict(cases.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(status, counts.get(status, 0)) for status in _OPEN_ORDER]


def case_events(report: Report) -> QuerySet[ReportEvent]:
    return report.events.select_related("holder", "actor_unit", "target", "actor_user").order_by("id")


def koordinasi_targets(report: Report) -> QuerySet[Unit]:
    """Units a case may be forwarded to: any active unit that can hold a case, except its holder."""
    return (
        Unit.objects.filter(active=True)
        .exclude(kind=UnitKind.BIRO)
        .exclude(pk=report.holder_id)
        .only("code", "name", "kind")
        .order_by("name")
    )


def own_suku_dinas(report: Report) -> QuerySet[Unit]:
    return Unit.objects.filter(parent_id=report.holder_id, kind=UnitKind.SUKU_DINAS, active=True).order_by(
        "name"
    )
