"""The officers' queue: open cases by deadline, filters, counts that refresh, a map and bulk actions.

Thin views over aduan.web.queries (read) and aduan.services.reports (every change, one case at a time).
htmx asks for fragments (``HX-Request``); without JavaScript every page is a plain GET or POST form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from aduan.domain.channels import LABELS as KANAL_LABELS
from aduan.domain.channels import Kanal
from aduan.domain.errors import DomainError
from aduan.domain.tickets import normalize_ticket
from aduan.models import Officer, RegionBoundary, Report
from aduan.services import reports
from aduan.web import forms, queries
from aduan.web.labels import STATUS_LABELS, label
from aduan.web.pages import is_htmx
from aduan.web.views import _officer

# ---------------------------------------------------------------- helpers


def _officer_for_fragment(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required for the polled and fetched parts: an expired session sends the whole page to the
    log-in form (HX-Redirect) instead of swapping the log-in page into a corner of the queue."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login = redirect_to_login(reverse("aduan-web:queue"))
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"detail": _("Silakan masuk sebagai petugas.")}, status=401)
        return login

    return wrapped


def due_text(due: datetime | None, now: datetime) -> tuple[str, str]:
    """The deadline as an officer reads it ("2 hari lagi", "lewat 1 hari") and its urgency class."""
    if due is None:
        return _("tanpa batas waktu"), ""
    today, day = timezone.localdate(now), timezone.localdate(due)
    if due < now:
        late = (today - day).days
        if late <= 0:
            return _("lewat hari ini"), "late"
        return ngettext("lewat %(n)d hari", "lewat %(n)d hari", late) % {"n": late}, "late"
    left = (day - today).days
    if left == 0:
        return _("hari ini"), "soon"
    text = ngettext("%(n)d hari lagi", "%(n)d hari lagi", left) % {"n": left}
    return text, "soon" if left == 1 else ""


class _DueTexts:
    """due_text for many cases at once: the text depends only on the local day and whether the time has
    passed, so each such pair is worded once (a thousand map points share a few dozen)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.seen: dict[tuple[date, bool], tuple[str, str]] = {}

    def __call__(self, due: datetime | None) -> tuple[str, str]:
        if due is None:
            return due_text(None, self.now)
        key = (timezone.localdate(due), due < self.now)
        if key not in self.seen:
            self.seen[key] = due_text(due, self.now)
        return self.seen[key]


@dataclass(frozen=True)
class Row:
    report: Report
    status_label: str
    kanal_label: str
    due: str
    urgency: str  # "late", "soon" or ""
    late: bool
    cluster: int


def _kanal_label(code: str) -> str:
    try:
        return KANAL_LABELS[Kanal(code)]
    except ValueError:
        return code


def _rows(cases: Iterable[Report], now: datetime) -> list[Row]:
    cases = list(cases)
    sizes = queries.cluster_sizes([r.pk for r in cases])
    due_of = _DueTexts(now)
    rows = []
    for report in cases:
        due, urgency = due_of(report.completion_due_at)
        late = report.overdue or urgency == "late"
        rows.append(
            Row(
                report=report,
                status_label=label(STATUS_LABELS, report.status),
                kanal_label=_kanal_label(report.channel),
                due=due,
                urgency=urgency,
                late=late,
                cluster=sizes.get(report.pk, 1),
            )
        )
    return rows


def _page_number(value: str | None) -> int:
    """The page asked for; anything that is not a positive number is the first page."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _filtered(request: HttpRequest, officer: Officer, now: datetime) -> tuple[forms.QueueFilterForm, Any]:
    form = forms.QueueFilterForm(request.GET)
    form.is_valid()  # the errors are shown next to their fields; the valid fields still filter
    return form, queries.filtered_queue(officer, form.to_filter(), now)


def _counts_context(officer: Officer, now: datetime) -> dict[str, Any]:
    counts = queries.queue_counts(officer, now)
    by_status = [(status, label(STATUS_LABELS, status), n) for status, n in counts.by_status]
    return {"counts": counts, "counts_by_status": by_status}


# ---------------------------------------------------------------- the queue page


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    lookup = forms.TicketForm(request.GET if "ticket" in request.GET else None)
    if lookup.is_valid():
        return redirect("aduan-web:case", ticket=lookup.cleaned_data["ticket"])
    now = timezone.now()
    form, cases = _filtered(request, officer, now)
    page = queries.queue_page(cases, _page_number(request.GET.get("page")))
    wanted = form.to_filter()
    context: dict[str, Any] = {
        "officer": officer,
        "form": form,
        "page": page,
        "rows": _rows(page.rows, now),
        "filtered": any(request.GET.get(name) for name in form.fields),
        # A ticket typed in the search that is not among the open cases here: offer to open the case.
        "ticket_hint": wanted.ticket if wanted.ticket and not page.count else "",
    }
    if is_htmx(request):
        response = render(request, "aduan/_queue_rows.html", context)
    else:
        context.update(_counts_context(officer, now))
        context["map_tiles"] = settings.ADUAN_MAP_TILES
        context["map_attribution"] = settings.ADUAN_MAP_ATTRIBUTION
        context["more_filters_open"] = any(
            request.GET.get(name) for name in form.fields if name != "q"
        ) or bool(form.errors)
        if queries.is_oversight(officer):
            waiting = queries.awaiting_validation()
            context["validation"] = [
                {"report": r, "status_label": label(STATUS_LABELS, r.status)}
                for r in waiting[: queries.QUEUE_LIMIT]
            ]
            context["validation_total"] = waiting.count()
        response = render(request, "aduan/queue.html", context)
    # The same URL answers a fragment or the whole page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    add_never_cache_headers(response)
    return response


@_officer_for_fragment
@require_GET
def queue_counts(request: HttpRequest) -> HttpResponse:
    """The open-case counts of the unit, polled by htmx every 30 s."""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    response = render(request, "aduan/_queue_counts.html", _counts_context(officer, timezone.now()))
    add_never_cache_headers(response)
    return response


_TICKET_SLOT = "TICKET-SLOT"


@_officer_for_fragment
@require_GET
def queue_map(request: HttpRequest) -> HttpResponse:
    """The filtered queue's cases that have a point, as GeoJSON (at most 1,000; no personal data).

    With ``outline=1`` it also carries the outline of the officer's unit's region, when it is known."""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    now = timezone.now()
    _form, cases = _filtered(request, officer, now)
    points = queries.map_points(cases, queries.MAP_POINTS_LIMIT)
    truncated = len(points) > queries.MAP_POINTS_LIMIT
    # Resolved once, not per point: a thousand reverse() and label() calls were most of the request.
    case_url = reverse("aduan-web:case", args=[_TICKET_SLOT])
    status_labels = {status: label(STATUS_LABELS, status) for status in STATUS_LABELS}
    no_category = _("Tanpa kategori")
    due_of = _DueTexts(now)
    features = []
    for point in points[: queries.MAP_POINTS_LIMIT]:
        due, urgency = due_of(point["completion_due_at"])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point["lon"], point["lat"]]},
                "properties": {
                    "ticket": point["ticket"],
                    "url": case_url.replace(_TICKET_SLOT, point["ticket"]),
                    "category": point["category__name"] or no_category,
                    "status": point["status"],
                    "status_label": status_labels.get(point["status"], point["status"]),
                    "due": due,
                    "overdue": bool(point["overdue"]) or urgency == "late",
                    "red_flag": bool(point["red_flag"]),
                },
            }
        )
    payload: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": features,
        "truncated": truncated,
        "limit": queries.MAP_POINTS_LIMIT,
    }
    if request.GET.get("outline") == "1":
        payload["outline"] = _outline(officer)
    response = JsonResponse(payload)
    add_never_cache_headers(response)
    return response


def _outline(officer: Officer) -> Any:
    """The GeoJSON geometry of the unit's region (a kelurahan desk's kelurahan), or None."""
    if officer.unit.region_id is None:
        return None
    geometry = (
        RegionBoundary.objects.filter(region_id=officer.unit.region_id)
        .values_list("geometry", flat=True)
        .first()
    )
    return json.loads(geometry) if geometry else None


# ---------------------------------------------------------------- bulk actions


@dataclass(frozen=True)
class BulkOutcome:
    done: list[str]
    refused: list[tuple[str, str]]


def _run_bulk(officer: Officer, tickets: list[str], call: Callable[[str], object]) -> BulkOutcome:
    """Each case through its service, one by one: one refusal stops nothing else."""
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    canonical: dict[str, str] = {}
    for typed in tickets:
        ticket = normalize_ticket(typed)
        if ticket is None:
            refused.append((typed, _("Nomor tiket tidak valid.")))
        elif ticket not in canonical.values():
            canonical[typed] = ticket
    # Cases outside the officer's queue are refused here, without telling who holds them.
    mine = set(
        queries.queue_scope(officer).filter(ticket__in=canonical.values()).values_list("ticket", flat=True)
    )
    for ticket in canonical.values():
        if ticket not in mine:
            refused.append((ticket, _("Laporan ini tidak ada di antrean unit Anda.")))
            continue
        try:
            call(ticket)
        except DomainError as exc:
            refused.append((ticket, exc.message))
        else:
            done.append(ticket)
    return BulkOutcome(done, refused)


def _back_to_queue(request: HttpRequest, form: forms.BulkForm) -> HttpResponse:
    """Nothing was done: say why on the queue the officer came from."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_safe_next(request))


@login_required
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Accept the picked cases, or koordinasi them to one unit with one reason (asked on a second page)."""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    picked = forms.BulkForm(request.POST)
    if not picked.is_valid():
        return _back_to_queue(request, picked)
    tickets: list[str] = picked.cleaned_data["tickets"]
    action = picked.cleaned_data["action"]
    if action == "koordinasi":
        confirming = request.POST.get("confirm") == "1"
        form = forms.BulkKoordinasiForm(
            request.POST if confirming else None,
            initial={"action": action, "tickets": tickets},
            unit_id=officer.unit_id,
        )
        if not confirming or not form.is_valid():
            context = {"officer": officer, "form": form, "tickets": tickets, "next": _safe_next(request)}
            return render(request, "aduan/queue_bulk_koordinasi.html", context)
        target, reason = form.cleaned_data["target"], form.cleaned_data["reason"]
        outcome = _run_bulk(officer, tickets, lambda t: reports.koordinasi(t, request.user, target, reason))
    else:
        outcome = _run_bulk(officer, tickets, lambda t: reports.accept(t, request.user))
    context = {
        "officer": officer,
        "action_label": forms.BULK_ACTIONS[action],
        "outcome": outcome,
        "next": _safe_next(request),
    }
    return render(request, "aduan/queue_bulk_result.html", context)


def _safe_next(request: HttpRequest) -> str:
    """Where "back to the queue" goes: the filtered queue the officer came from, never another site."""
    queue_url = reverse("aduan-web:queue")
    wanted = request.POST.get("next", "")
    if wanted.startswith(queue_url) and not wanted.startswith("//"):
        return wanted
    return queue_url
