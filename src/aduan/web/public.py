"""Public transparency: the list and the map of public reports, and the units' figures from reviews.

Only public reports, never a private one; no reporter data, descriptions shortened. Every page is a fixed
number of queries, whatever the number of rows (no query per row); lists page with LIMIT/OFFSET over the
newest first, without a COUNT over the whole table."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from aduan.domain.lifecycle import OPEN_STATUSES, Status
from aduan.models import Category, Report
from aduan.services import reviews
from aduan.web import queries
from aduan.web.labels import STATUS_LABELS, UNIT_KIND_LABELS, label
from aduan.web.pages import is_htmx, with_query

PAGE_SIZE = 50
MAX_PAGE = 200  # 10,000 reports deep; past that a narrower filter is the way (OFFSET grows linearly)
MAP_LIMIT = 2000
LIST_SNIPPET = 200
MAP_SNIPPET = 90
OPEN = "terbuka"
# Shown unless asked for by their status: a rejected report (spam among them) and a duplicate of another.
HIDDEN_BY_DEFAULT = (Status.DITOLAK, Status.DUPLIKAT)
_CODE = re.compile(r"^[\w.\-]{1,40}$")
PUBLIC_MAX_AGE = 60
_PLACEHOLDER = "0000-0000"  # a ticket's shape, to reverse a case's URL once per page


class PublicFilterForm(forms.Form):
    """What the public list and map are narrowed to; an empty field does not filter."""

    kelurahan = forms.CharField(label=_lazy("Kelurahan"), required=False, widget=forms.Select)
    category = forms.CharField(label=_lazy("Kategori"), required=False, widget=forms.Select)
    status = forms.ChoiceField(label=_lazy("Status"), required=False, choices=[])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, *args: Any, with_choices: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Semua (kecuali ditolak dan duplikat)")),
            (OPEN, _("Masih terbuka")),
            *[(s.value, label(STATUS_LABELS, s.value)) for s in Status],
        ]
        if with_choices:  # the whole page; a fragment or the JSON needs no list of 267 kelurahan
            self.fields["kelurahan"].widget.choices = [
                ("", _("Semua kelurahan")),
                *queries.kelurahan_choices(),
            ]
            self.fields["category"].widget.choices = [
                ("", _("Semua kategori")),
                *Category.objects.filter(active=True).order_by("name").values_list("code", "name"),
            ]

    def _code(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not _CODE.match(value):
            raise forms.ValidationError(_("Kode tidak dikenal."))
        return value

    def clean_kelurahan(self) -> str:
        return self._code("kelurahan")

    def clean_category(self) -> str:
        return self._code("category")

    def data_in_use(self) -> dict[str, Any]:
        """The valid fields' values: a bad field is left out (its error is shown), the others still filter."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def filters(self) -> dict[str, str]:
        """The filters in use, for links (the other page, the next page, the map's data)."""
        data = self.data_in_use()
        return {k: str(data[k]) for k in ("kelurahan", "category", "status") if data.get(k)}


def public_reports(form: PublicFilterForm) -> QuerySet[Report]:
    """Public reports matching the form's filters (a bad filter is ignored, its error shown)."""
    cases = Report.objects.filter(visibility=Report.Visibility.PUBLIC)
    data = form.data_in_use()
    if data.get("kelurahan"):
        cases = cases.filter(kelurahan__code=data["kelurahan"])
    if data.get("category"):
        cases = cases.filter(category__code=data["category"])
    status = data.get("status") or ""
    if status == OPEN:
        cases = cases.filter(status__in=[s.value for s in OPEN_STATUSES])
    elif status:
        cases = cases.filter(status=status)
    else:
        cases = cases.filter(~Q(status__in=[s.value for s in HIDDEN_BY_DEFAULT]))
    return cases


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _cached_publicly(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["HX-Request", "Accept-Language"])
    return response


# ---------------------------------------------------------------- the list


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Public reports, newest first, 50 a page, filterable by kelurahan, category and status (GET form;
    htmx swaps only the results). One query for the page's rows (51 of them, to know whether there is a
    next page) besides the filter's choices."""
    fragment = is_htmx(request)
    form = PublicFilterForm(request.GET or None, with_choices=not fragment)
    page = form.data_in_use().get("page") or 1
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        public_reports(form)
        .order_by("-created_at", "-id")
        .annotate(snippet=Substr("description", 1, LIST_SNIPPET + 1))
        .values("ticket", "status", "snippet", "created_at", "category__name", "kelurahan__name")[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    more = len(rows) > PAGE_SIZE
    url = reverse("aduan-web:report", args=[_PLACEHOLDER])
    items = [
        {
            **row,
            "url": url.replace(_PLACEHOLDER, row["ticket"]),
            "snippet": _shorten(row["snippet"], LIST_SNIPPET),
            "status_label": label(STATUS_LABELS, row["status"]),
        }
        for row in rows[:PAGE_SIZE]
    ]
    filters = form.filters()
    base = reverse("aduan-web:public-list")
    context = {
        "form": form,
        "items": items,
        "page": page,
        "previous_url": with_query(base, **filters, page=str(page - 1)) if page > 1 else "",
        "next_url": with_query(base, **filters, page=str(page + 1)) if more and page < MAX_PAGE else "",
        "too_deep": more and page >= MAX_PAGE,
        "map_url": with_query(reverse("aduan-web:public-map"), **filters),
        "first": offset + 1,
        "last": offset + len(items),
    }
    template = "aduan/_public_rows.html" if fragment else "aduan/public_list.html"
    return _cached_publicly(render(request, template, context))


# ---------------------------------------------------------------- the map


@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    """The map of public reports with the same filters; its points come from ``public_map_data``."""
    form = PublicFilterForm(request.GET or None)
    filters = form.filters()
    context = {
        "form": form,
        "data_url": with_query(reverse("aduan-web:public-map-data"), **filters),
        "list_url": with_query(reverse("aduan-web:public-list"), **filters),
        "map_tiles": settings.ADUAN_MAP_TILES,
        "map_attribution": settings.ADUAN_MAP_ATTRIBUTION,
        "limit": MAP_LIMIT,
    }
    return _cached_publicly(render(request, "aduan/public_map.html", context))


def _bbox(raw: str) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees (Leaflet's toBBoxString), or None when it is not that."""
    parts = raw.split(",")
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return west, south, east, north


@require_GET
def public_map_data(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the newest 2,000 filtered public reports that have a point, optionally within ``bbox``:
    ticket, status, category and a short description (no reporter data). ``truncated`` tells when there
    were more."""
    form = PublicFilterForm(request.GET or None, with_choices=False)
    if request.GET and not form.is_valid():
        errors = [{"field": name, "message": str(errs[0])} for name, errs in form.errors.items()]
        return JsonResponse({"detail": _("Ada saringan yang tidak valid."), "errors": errors}, status=400)
    cases = public_reports(form).filter(lat__isnull=False, lon__isnull=False)
    raw_bbox = request.GET.get("bbox", "")
    if raw_bbox:
        box = _bbox(raw_bbox)
        if box is None:
            message = _("bbox harus berupa barat,selatan,timur,utara dalam derajat.")
            return JsonResponse(
                {"detail": message, "errors": [{"field": "bbox", "message": message}]}, status=400
            )
        west, south, east, north = box
        cases = cases.filter(lat__range=(south, north), lon__range=(west, east))
    rows = list(
        cases.order_by("-created_at", "-id")
        .annotate(snippet=Substr("description", 1, MAP_SNIPPET + 1))
        .values_list("ticket", "lat", "lon", "status", "category__name", "snippet")[: MAP_LIMIT + 1]
    )
    # Resolved once, not per point: reversing a URL and translating a label 2,000 times cost most of the time.
    url = reverse("aduan-web:report", args=[_PLACEHOLDER])
    labels = {code: str(text) for code, text in STATUS_LABELS.items()}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {
                "ticket": ticket,
                "url": url.replace(_PLACEHOLDER, ticket),
                "status": status,
                "status_label": labels.get(status, status),
                "category": category or "",
                "snippet": _shorten(snippet, MAP_SNIPPET),
            },
        }
        for ticket, lat, lon, status, category, snippet in rows[:MAP_LIMIT]
    ]
    payload = {"type": "FeatureCollection", "features": features, "truncated": len(rows) > MAP_LIMIT}
    return _cached_publicly(JsonResponse(payload))


# ---------------------------------------------------------------- the units' figures


@require_GET
def unit_performance(request: HttpRequest) -> HttpResponse:
    """Kinerja unit: each unit's reviews (count, mean stars, share of 4–5 stars), finished and reopened
    cases. Counts and means only; the figures take four queries (services.reviews) and are cached briefly,
    and their table (some 500 rows) is rendered once per computation and language, not per request."""
    figures = reviews.unit_figures()
    key = f"aduan:kinerja-table:{get_language()}:{hash(tuple(figures))}"
    table = cache.get(key)
    if table is None:
        table = render_to_string("aduan/_kinerja_table.html", _figures_context(figures))
        cache.set(key, table, reviews.FIGURES_CACHE_SECONDS)
    # Safe: our own template's output (autoescaped when it was rendered), kept as a string in the cache.
    context = {"table": mark_safe(table), "cache_minutes": reviews.FIGURES_CACHE_SECONDS // 60}
    return _cached_publicly(render(request, "aduan/kinerja.html", context))


def _figures_context(figures: list[reviews.UnitFigures]) -> dict[str, Any]:
    rows = [
        {
            "figures": f,
            "kind_label": label(UNIT_KIND_LABELS, f.kind),
            "satisfied_percent": round(f.satisfied_share * 100) if f.satisfied_share is not None else None,
            "reopened_percent": round(f.dispute_share * 100, 1) if f.dispute_share is not None else None,
        }
        for f in figures
    ]
    total = reviews.totals(figures)
    return {
        "rows": rows,
        "total": total,
        "total_satisfied_percent": (
            round(total.satisfied_share * 100) if total.satisfied_share is not None else None
        ),
    }
