"""Closing the loop: the reporter rates a finished case or disputes it, and the units' figures from both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from aduan.domain.calendar import add_working_days, working_days_between
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Action, Status
from aduan.domain.tickets import normalize_ticket
from aduan.models import Report, ReportEvent, Review, Unit
from aduan.services import outbox, reports
from aduan.services.reports import NotFound

# The same 10 working days the dispute has: the closing message invites to do either within them.
WINDOW_WORKING_DAYS = reports.DISPUTE_WINDOW_WORKING_DAYS
MAX_COMMENT = 2000
# The public figures are read far more often than reviews arrive; a few minutes old is fine.
FIGURES_CACHE_SECONDS = 300
_FIGURES_CACHE_KEY = "aduan:reviews:unit-figures"


def is_reporter(report: Report, credential: str) -> bool:
    """Whether ``credential`` is the reporter's: the private token of the receipt, or the signed key of the
    closing message's link (outbox.review_link)."""
    if not credential:
        return False
    return reports.check_access_token(report, credential) or outbox.review_key_matches(
        report.ticket, credential
    )


def closed_on(report: Report) -> date:
    return timezone.localdate(report.closed_at) if report.closed_at else timezone.localdate()


def window_ends(report: Report) -> date:
    """The last working day on which a selesai case may still be rated or disputed."""
    return add_working_days(closed_on(report), WINDOW_WORKING_DAYS)


def within_window(report: Report, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return working_days_between(closed_on(report), today) <= WINDOW_WORKING_DAYS


def credited_unit(report: Report) -> Unit:
    """The unit a review counts for: the one that reported the (last) follow-up. A head who acted for the
    unit below is recorded on the event as that unit, so the work's own unit is credited; a case closed
    without a follow-up event (history from before) counts for its holder."""
    event = (
        ReportEvent.objects.filter(report=report, action=Action.REPORT_FOLLOWUP)
        .select_related("actor_unit", "holder")
        .order_by("-id")
        .first()
    )
    if event is None:
        return report.holder
    return event.actor_unit or event.holder


@dataclass(frozen=True)
class ReviewState:
    """What the reporter may do now on a case, for the pages."""

    review: Review | None
    finished: bool  # selesai
    open_window: bool  # within the 10 working days
    window_ends: date | None

    @property
    def can_review(self) -> bool:
        return self.finished and self.open_window and self.review is None

    @property
    def can_dispute(self) -> bool:
        return self.finished and self.open_window


def state(report: Report) -> ReviewState:
    review = Review.objects.filter(report=report).first()
    finished = report.status == Status.SELESAI
    return ReviewState(
        review=review,
        finished=finished,
        open_window=finished and within_window(report),
        window_ends=window_ends(report) if finished else None,
    )


def _check_input(stars: object, comment: str) -> tuple[int, str]:
    errors = {}
    try:
        value = int(str(stars))
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        errors["stars"] = "Pilih nilai 1 sampai 5 bintang."
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"Komentar terlalu panjang (maksimal {MAX_COMMENT} karakter)."
    if errors:
        raise InvalidInput(errors)
    return value, comment


def submit_review(ticket: str, token: str, stars: object, comment: str = "") -> Review:
    """The reporter rates the follow-up of a selesai case, once, within 10 working days of its closing.

    ``token`` is the private token or the closing message's key. The review counts for the unit that
    reported the follow-up (``credited_unit``). Refused with a DomainError naming why, nothing written."""
    value, comment = _check_input(stars, comment)
    canonical = normalize_ticket(ticket)
    try:
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .select_related("holder")
                .filter(ticket=canonical or "")
                .first()
            )
            if report is None:
                raise NotFound(f"Laporan {ticket}")
            if not is_reporter(report, token):
                raise DomainError("forbidden", "Tautan pelapor tidak valid untuk laporan ini.")
            if report.status != Status.SELESAI:
                raise DomainError("not_finished", "Hanya laporan yang sudah selesai yang dapat dinilai.")
            if Review.objects.filter(report=report).exists():
                raise DomainError("already_reviewed", "Laporan ini sudah Anda nilai. Terima kasih.")
            if not within_window(report):
                raise DomainError(
                    "review_window",
                    f"Masa penilaian {WINDOW_WORKING_DAYS} hari kerja sejak laporan selesai sudah lewat.",
                )
            review = Review.objects.create(
                report=report, unit=credited_unit(report), stars=value, comment=comment
            )
    except IntegrityError:  # a second tab posted the same review at the same moment
        raise DomainError("already_reviewed", "Laporan ini sudah Anda nilai. Terima kasih.") from None
    forget_cached_figures()
    return review


def dispute(ticket: str, token: str, reason: str) -> Report:
    """The reporter disputes a selesai case (reopening it, counted), with either credential."""
    report = reports.get_report(ticket)
    if not is_reporter(report, token):
        raise DomainError("forbidden", "Tautan pelapor tidak valid untuk laporan ini.")
    result = reports.dispute_as_reporter(report.ticket, reason)
    forget_cached_figures()  # whichever credential: the reopened count changed
    return result


# ---------------------------------------------------------------- the units' figures


@dataclass(frozen=True)
class UnitFigures:
    code: str
    name: str
    kind: str
    reviews: int
    mean_stars: float | None
    satisfied_share: float | None  # share of reviews with 4 or 5 stars
    finished: int  # cases selesai now held by the unit
    reopened: int  # disputes that reopened the unit's cases

    @property
    def dispute_share(self) -> float | None:
        return self.reopened / self.finished if self.finished else None


def unit_figures(unit: Unit | None = None) -> list[UnitFigures]:
    """Review count, mean stars, share of 4–5 stars, finished and reopened cases per unit: for one unit,
    or every unit that has any (most reviewed first). No personal data: counts and means only.

    Four queries whatever the number of units; the full list is cached for a few minutes and
    dropped when a review or a dispute comes in through this module."""
    if unit is None:
        cached = cache.get(_FIGURES_CACHE_KEY)
        if cached is not None:
            return list(cached)
    scope = Q(unit=unit) if unit is not None else Q()
    rated = {
        row["unit_id"]: row
        for row in Review.objects.filter(scope)
        .values("unit_id")
        .annotate(n=Count("id"), mean=Avg("stars"), good=Count("id", filter=Q(stars__gte=4)))
        .order_by()
    }
    held = Q(holder=unit) if unit is not None else Q()
    finished = dict(
        Report.objects.filter(held, status=Status.SELESAI)
        .values("holder_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("holder_id", "n")
    )
    # Summed here rather than grouped in SQL: SQLite would walk the holder index and read the table in its
    # order (3× slower than the plain scan that finds the few reopened cases).
    reopened: dict[int, int] = {}
    for holder_id, reopens in Report.objects.filter(held, reopens__gt=0).values_list("holder_id", "reopens"):
        reopened[holder_id] = reopened.get(holder_id, 0) + reopens
    ids = set(rated) | set(finished) | set(reopened)
    if unit is not None:
        ids.add(unit.pk)
    names = {u.pk: u for u in Unit.objects.filter(pk__in=ids).only("code", "name", "kind")}
    figures = []
    for unit_id in ids:
        row = rated.get(unit_id) or {"n": 0, "mean": None, "good": 0}
        count = int(row["n"])
        named = names[unit_id]
        figures.append(
            UnitFigures(
                code=named.code,
                name=named.name,
                kind=named.kind,
                reviews=count,
                mean_stars=round(float(row["mean"]), 2) if count else None,
                satisfied_share=round(row["good"] / count, 3) if count else None,
                finished=finished.get(unit_id, 0),
                reopened=int(reopened.get(unit_id) or 0),
            )
        )
    figures.sort(key=lambda f: (-f.reviews, -f.finished, f.name))
    if unit is None:
        cache.set(_FIGURES_CACHE_KEY, figures, FIGURES_CACHE_SECONDS)
    return figures


@dataclass(frozen=True)
class Totals:
    reviews: int
    mean_stars: float | None
    satisfied_share: float | None
    finished: int
    reopened: int


def totals(figures: list[UnitFigures]) -> Totals:
    """The whole city's figures from the units' (a mean weighted by each unit's review count)."""
    reviews = sum(f.reviews for f in figures)
    stars = sum((f.mean_stars or 0) * f.reviews for f in figures)
    good = sum((f.satisfied_share or 0) * f.reviews for f in figures)
    return Totals(
        reviews=reviews,
        mean_stars=round(stars / reviews, 2) if reviews else None,
        satisfied_share=round(good / reviews, 3) if reviews else None,
        finished=sum(f.finished for f in figures),
        reopened=sum(f.reopened for f in figures),
    )


def forget_cached_figures() -> None:
    cache.delete(_FIGURES_CACHE_KEY)
