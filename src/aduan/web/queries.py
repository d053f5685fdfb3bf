"""Read-only look-ups the officer pages need; nothing here writes (the services do)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet, Window

from aduan.domain.lifecycle import OPEN_STATUSES, Status, UnitKind
from aduan.models import Officer, Region, Report, ReportEvent, Unit
from aduan.services import access

QUEUE_LIMIT = 200
QUEUE_PAGE_SIZE = 50
MAP_POINTS_LIMIT = 1000

_OPEN_ORDER = [s.value for s in Status if s in OPEN_STATUSES]
OPEN_STATUS_VALUES = frozenset(_OPEN_ORDER)


def is_oversight(officer: Officer) -> bool:
    return access.is_oversight(officer)


def can_view(officer: Officer, report: Report) -> bool:
    """Whether the officer may open the case (services/access.py: unit, subtree, role)."""
    return access.can_view(officer, report)


# ---------------------------------------------------------------- the queue (DESIGN.md §5, §7)


def queue_scope(officer: Officer) -> QuerySet[Report]:
    """Every case (open or not) whose work sits in this officer's queue: those held by their unit, and by
    the units below it for a head or a supervisor (services.access). The one place the queue's scope is
    decided. Not every case the officer may open: those they held or were copied on are not their work.

    Those who see everything (the Biro, validators, admins) still get their own unit's work here: a
    city-wide queue of ~25,000 open cases is another page (docs/benchmarks.md measures what it costs)."""
    return Report.objects.filter(holder_id__in=sorted(access.scope_unit_ids(officer)))


def open_queue(officer: Officer) -> QuerySet[Report]:
    return queue_scope(officer).filter(status__in=_OPEN_ORDER)


def overdue_q(now: datetime) -> Q:
    """Overdue: flagged by the deadline sweep, or past the completion date already (between sweeps)."""
    return Q(overdue=True) | Q(completion_due_at__lt=now)


@dataclass(frozen=True)
class QueueFilter:
    """What an officer narrowed the queue to; empty fields do not filter."""

    status: str = ""
    category: str = ""  # Category.code
    kelurahan: str = ""  # Region.code
    kanal: str = ""
    overdue: bool = False
    red_flag: bool = False
    min_cluster: int | None = None  # the case plus the reports merged into it
    ticket: str = ""  # a canonical ticket, when the search text is one
    text: str = ""


# Soonest deadline first, cases without one last, then the oldest.
QUEUE_ORDER = (F("completion_due_at").asc(nulls_last=True), "created_at", "id")


def _clusters_of_at_least(cases: QuerySet[Report], size: int) -> QuerySet[Report]:
    """The ids of ``cases`` with at least ``size - 1`` reports merged into them (merged_into always
    names the surviving case). Counted from the merged side, grouped once: a correlated count per
    candidate case cost 30 ms on a unit with 4,500 open cases (bench/queue_page.py)."""
    return (
        Report.objects.filter(merged_into__in=cases.order_by().values("pk"))
        .order_by()
        .values("merged_into")
        .annotate(n=Count("id"))
        .filter(n__gte=size - 1)
        .values("merged_into")
    )


def filtered_queue(officer: Officer, wanted: QueueFilter, now: datetime) -> QuerySet[Report]:
    """The officer's open cases that pass the filter, soonest deadline first (no deadline last)."""
    cases = open_queue(officer)
    if wanted.status:
        cases = cases.filter(status=wanted.status)
    if wanted.category:
        cases = cases.filter(category__code=wanted.category)
    if wanted.kelurahan:
        cases = cases.filter(kelurahan__code=wanted.kelurahan)
    if wanted.kanal:
        cases = cases.filter(channel=wanted.kanal)
    if wanted.overdue:
        cases = cases.filter(overdue_q(now))
    if wanted.red_flag:
        cases = cases.filter(red_flag=True)
    if wanted.min_cluster is not None and wanted.min_cluster > 1:
        cases = cases.filter(pk__in=_clusters_of_at_least(cases, wanted.min_cluster))
    if wanted.ticket and wanted.text:
        # Eight letters and digits may be a word as well as a ticket: match either.
        cases = cases.filter(Q(ticket=wanted.ticket) | Q(description__icontains=wanted.text))
    elif wanted.ticket:
        cases = cases.filter(ticket=wanted.ticket)
    elif wanted.text:
        cases = cases.filter(description__icontains=wanted.text)
    return cases.order_by(*QUEUE_ORDER)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue: its cases in order, and where it lies among all that match."""

    rows: list[Report]
    number: int
    count: int
    size: int = QUEUE_PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.count else 0

    @property
    def end_index(self) -> int:
        return min(self.number * self.size, self.count)


def queue_page(cases: QuerySet[Report], number: int, size: int = QUEUE_PAGE_SIZE) -> QueuePage:
    """Page ``number`` of the ordered queue (past the end: the last page), usually in two queries.

    The first reads only ids, with the total as a window count, so the matching cases are scanned once
    (a count and a page would scan them twice: a text search reads every description); the second
    reads the page's 50 rows whole. Sorting thousands of whole rows, descriptions included, to keep 50
    was the slowest part of a large unit's queue (docs/benchmarks.md)."""
    number = max(1, number)
    head = list(
        cases.annotate(total=Window(Count("*"))).values_list("pk", "total")[
            (number - 1) * size : number * size
        ]
    )
    if not head and number > 1:  # past the end (or the queue shrank meanwhile): show the last page
        count = cases.count()
        if count:
            return queue_page(cases, -(-count // size), size)
    ids = [pk for pk, _total in head]
    by_id = {r.pk: r for r in queue_rows(Report.objects.filter(pk__in=ids))} if ids else {}
    return QueuePage([by_id[pk] for pk in ids if pk in by_id], number, head[0][1] if head else 0, size)


def queue_rows(cases: QuerySet[Report]) -> QuerySet[Report]:
    """A page's columns: no reporter, no token hash; category and kelurahan joined, not one query each."""
    return cases.select_related("category", "kelurahan").only(
        "ticket",
        "status",
        "channel",
        "description",
        "lat",
        "lon",
        "needs_triage",
        "proposed_referral",
        "red_flag",
        "overdue",
        "escalation_level",
        "completion_due_at",
        "created_at",
        "category__name",
        "category__code",
        "kelurahan__name",
        "kelurahan__code",
    )


def cluster_sizes(report_ids: list[int]) -> dict[int, int]:
    """{case id: reports in its cluster (itself included)} for the cases that have merged reports."""
    if not report_ids:
        return {}
    merged = (
        Report.objects.filter(merged_into_id__in=report_ids)
        .order_by()
        .values_list("merged_into_id")
        .annotate(n=Count("id"))
    )
    return {case_id: n + 1 for case_id, n in merged}


@dataclass
class QueueCounts:
    by_status: list[tuple[str, int]] = field(default_factory=list)  # every open status, in order
    total: int = 0
    overdue: int = 0
    red_flag: int = 0


def queue_counts(officer: Officer, now: datetime) -> QueueCounts:
    """Open cases per status, overdue and red-flagged, in one grouped query."""
    rows = (
        open_queue(officer)
        .order_by()
        .values("status")
        .annotate(
            # Counting status (never null), not id: an index without the id column can answer alone.
            n=Count("status"),
            late=Count("status", filter=overdue_q(now)),
            flagged=Count("status", filter=Q(red_flag=True)),
        )
    )
    counts = QueueCounts()
    per_status: dict[str, int] = {}
    for row in rows:
        per_status[row["status"]] = row["n"]
        counts.total += row["n"]
        counts.overdue += row["late"]
        counts.red_flag += row["flagged"]
    counts.by_status = [(status, per_status.get(status, 0)) for status in _OPEN_ORDER]
    return counts


def map_points(cases: QuerySet[Report], limit: int = MAP_POINTS_LIMIT) -> list[dict[str, object]]:
    """The first ``limit`` + 1 filtered cases that have a point: only what a marker shows (no personal
    data, no description); the caller tells the truncation from the extra row."""
    rows = cases.filter(lat__isnull=False, lon__isnull=False).values(
        "ticket", "lat", "lon", "status", "category__name", "completion_due_at", "red_flag", "overdue"
    )
    return list(rows[: limit + 1])


def kelurahan_choices() -> list[tuple[str, str]]:
    """(code, "name, kecamatan") of every kelurahan, for the queue's filter."""
    rows = (
        Region.objects.filter(level=Region.Level.KELURAHAN)
        .order_by("name", "code")
        .values_list("code", "name", "parent__name")
    )
    return [(code, f"{name}, {parent}" if parent else name) for code, name, parent in rows]


def bulk_koordinasi_targets(unit_id: int) -> QuerySet[Unit]:
    """Units a batch of this unit's cases may be forwarded to: any active holding unit but itself."""
    return (
        Unit.objects.filter(active=True)
        .exclude(kind=UnitKind.BIRO)
        .exclude(pk=unit_id)
        .only("code", "name", "kind")
        .order_by("name")
    )


def awaiting_validation() -> QuerySet[Report]:
    """Every follow-up waiting for the Biro's validation, oldest first."""
    return (
        Report.objects.filter(status=Status.MENUNGGU_VALIDASI)
        .select_related("category", "kelurahan", "holder")
        .order_by("updated_at", "id")
    )


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
