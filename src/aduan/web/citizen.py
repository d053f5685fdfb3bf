"""The citizen's pages: filing a report (photos, a pin, categories suggested as one types, similar reports
nearby and "ini masalah saya juga"), the receipt, the case page, rating or disputing a finished case, and
the photos a case shows.

Thin views: parse with a form, call a service, render. Everything works as plain form posts; the map, the
suggestions and the similar reports are progressive enhancements (htmx and static aduan/file.js)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Status
from aduan.domain.tickets import normalize_ticket
from aduan.models import Attachment, Report
from aduan.services import casework, duplicates, outbox, photos, reports, reviews
from aduan.services.presenters import public_payload
from aduan.services.reports import NotFound
from aduan.web import forms, live
from aduan.web.labels import ACTION_LABELS, JENIS_LABELS, STATUS_LABELS, label
from aduan.web.pages import (
    RECEIPTS_SESSION_KEY,
    forbidden,
    not_found,
    photo_response,
    remember,
    remember_receipt,
    throttled,
    with_query,
)

# The cases this browser chose to follow ("ini masalah saya juga"), with the kanal it will hear on.
FOLLOWING_SESSION_KEY = "aduan_following"
SIMILAR_SNIPPET = 160


# ---------------------------------------------------------------- filing a report


def _map_config() -> dict[str, str]:
    return {"tiles": settings.ADUAN_MAP_TILES, "attribution": settings.ADUAN_MAP_ATTRIBUTION}


def _file_page(request: HttpRequest, form: forms.ReportForm, **extra: Any) -> HttpResponse:
    context = {"form": form, "map": _map_config(), "similar": None, **extra}
    return render(request, "aduan/file.html", context)


def file_report(request: HttpRequest) -> HttpResponse:
    """The phone-first report form. A post either files the report (with its photos, in one transaction)
    or, with ``follow=<ticket>``, makes the resident follow that similar open case instead.

    Without JavaScript, similar open reports near the point are shown once before filing: the reporter
    then follows one of them or sends the report anyway (``similar_checked``)."""
    if request.method != "POST":
        return _file_page(request, forms.ReportForm())
    form = forms.ReportForm(request.POST, request.FILES)
    uploaded = bool(request.FILES.getlist("photos"))
    follow = request.POST.get("follow", "").strip()
    if follow:
        return _follow(request, form, follow)
    if not form.is_valid():
        return _file_page(request, form, reselect_photos=uploaded and "photos" not in form.errors)
    if throttled(request, "web-report"):
        form.add_error(None, _("Terlalu banyak laporan dalam waktu singkat; coba lagi sebentar lagi."))
        return _file_page(request, form, reselect_photos=uploaded)
    new = form.to_new_report()
    try:
        prepared = photos.prepare_all(form.cleaned_data["photos"], "photos", "Foto")
    except InvalidInput as exc:
        form.add_service_errors(exc.errors)
        return _file_page(request, form)
    from_photo = False
    if new.lat is None and new.lon is None:
        point = reports.photo_point(prepared)
        if point is not None:
            new = replace(new, lat=point[0], lon=point[1])
            from_photo = True
    if request.POST.get("similar_checked") != "1" and new.lat is not None and new.lon is not None:
        similar = _similar(new.description, new.lat, new.lon, new.category or "")
        if similar:
            data = request.POST.copy()
            data["lat"], data["lon"] = str(new.lat), str(new.lon)
            shown = forms.ReportForm(data)
            shown.is_valid()
            return _file_page(
                request,
                shown,
                similar=similar,
                similar_checked=True,
                point_from_photo=from_photo,
                reselect_photos=uploaded,
            )
    try:
        result = reports.submit_with_photos(new, prepared)
    except InvalidInput as exc:
        form.add_service_errors(exc.errors)
    except DomainError as exc:
        form.add_error(None, exc.message)
    else:
        remember_receipt(request, result.report.ticket, result.access_token or "")
        return redirect("aduan-web:receipt", ticket=result.report.ticket)
    return _file_page(request, form, reselect_photos=uploaded)


def _follow(request: HttpRequest, form: forms.ReportForm, ticket: str) -> HttpResponse:
    """ "Ini masalah saya juga": the contact given on the form follows the case; no report is made."""
    form.is_valid()  # only the contact fields matter here; the others may well be empty
    for name in list(form.errors):
        if name not in ("reporter_name", "reporter_phone", "reporter_email", "contact"):
            del form.errors[name]
    if form.errors:
        return _file_page(request, form)
    if throttled(request, "web-report"):
        form.add_error(None, _("Terlalu banyak laporan dalam waktu singkat; coba lagi sebentar lagi."))
        return _file_page(request, form)
    reporter = form.reporter_input()
    try:
        report = reports.follow_existing(ticket, reporter)
    except NotFound:
        form.add_error(None, _("Laporan %(ticket)s tidak ditemukan.") % {"ticket": ticket})
        return _file_page(request, form)
    except InvalidInput as exc:
        form.add_service_errors(exc.errors)
        return _file_page(request, form)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _file_page(request, form)
    kanals = [k for k, given in (("email", reporter.email), ("sms", reporter.phone)) if given]
    remember(request, FOLLOWING_SESSION_KEY, report.ticket, kanals)
    return redirect("aduan-web:receipt", ticket=report.ticket)


def _similar(text: str, lat: float, lon: float, category: str) -> list[dict[str, Any]]:
    """Open public reports near the point that look like the same problem, with what a resident needs to
    recognise them (never who reported them): two queries whatever their number."""
    try:
        candidates = duplicates.suggest(text, lat, lon, category)
    except InvalidInput:
        return []
    if not candidates:
        return []
    rows = {
        row["id"]: row
        for row in Report.objects.filter(pk__in=[c.report_id for c in candidates], visibility="public")
        .annotate(snippet=Substr("description", 1, SIMILAR_SNIPPET + 1))
        .values("id", "snippet", "category__name", "kelurahan__name", "created_at")
    }
    similar = []
    for candidate in candidates:
        row = rows.get(candidate.report_id)
        if row is None:
            continue
        snippet = row["snippet"]
        similar.append(
            {
                "ticket": candidate.ticket,
                "status": candidate.status,
                "status_label": label(STATUS_LABELS, candidate.status),
                "distance_m": round(candidate.distance_m),
                "category": row["category__name"] or "",
                "kelurahan": row["kelurahan__name"] or "",
                "created_at": row["created_at"],
                "snippet": snippet[:SIMILAR_SNIPPET].rstrip() + "…"
                if len(snippet) > SIMILAR_SNIPPET
                else snippet,
            }
        )
    return similar


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


@require_GET
def file_similar(request: HttpRequest) -> HttpResponse:
    """htmx fragment: similar open reports near the pin, for the text typed so far (read-only)."""
    lat, lon = _float(request.GET.get("lat")), _float(request.GET.get("lon"))
    checked = lat is not None and lon is not None
    similar = (
        _similar(request.GET.get("description", "")[:5000], lat, lon, request.GET.get("category", "")[:32])
        if lat is not None and lon is not None
        else []
    )
    return render(request, "aduan/_similar.html", {"similar": similar, "similar_checked": checked})


@require_GET
def file_category(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the three likeliest categories for the text typed so far; nothing without a model."""
    suggestions = reports.suggest_categories(request.GET.get("description", ""))
    return render(request, "aduan/_category_suggest.html", {"suggestions": suggestions})


# ---------------------------------------------------------------- the receipt


@never_cache
def receipt(request: HttpRequest, ticket: str) -> HttpResponse:
    """The ticket, large, and the private link: shown only to the browser that filed the report. A browser
    that chose to follow an existing case sees that case's ticket and how it will hear about it."""
    token = request.session.get(RECEIPTS_SESSION_KEY, {}).get(ticket)
    following = request.session.get(FOLLOWING_SESSION_KEY, {}).get(ticket)
    if not token and following is None:
        return redirect("aduan-web:report", ticket=ticket)
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    public_url = request.build_absolute_uri(reverse("aduan-web:report", args=[report.ticket]))
    context: dict[str, Any] = {
        "report": report,
        "public_url": public_url,
        "status_label": label(STATUS_LABELS, report.status),
    }
    if token:
        photo_points = list(
            report.attachments.filter(kind=Attachment.Kind.REPORT)
            .order_by("id")
            .values_list("lat", "lon")[:1]
        )
        context.update(
            {
                "private_url": with_query(public_url, token=token),
                "photo_count": report.attachments.filter(kind=Attachment.Kind.REPORT).count(),
                "point_from_photo": report.lat is not None
                and bool(photo_points)
                and photo_points[0] == (report.lat, report.lon),
            }
        )
    else:
        context.update({"following": True, "following_kanal": following})
    return render(request, "aduan/receipt.html", context)


# ---------------------------------------------------------------- the case page


class ReviewForm(django_forms.Form):
    """1–5 stars as large radio targets, an optional comment; the credential rides along hidden."""

    token = django_forms.CharField(widget=django_forms.HiddenInput)
    stars = django_forms.TypedChoiceField(
        label=_lazy("Nilai penanganan"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        error_messages={"required": _lazy("Pilih nilai 1 sampai 5 bintang.")},
    )
    comment = django_forms.CharField(
        label=_lazy("Komentar"),
        required=False,
        strip=True,
        max_length=reviews.MAX_COMMENT,
        widget=django_forms.Textarea(attrs={"rows": 3, "maxlength": reviews.MAX_COMMENT}),
    )


def _photos(report: Report, token: str) -> dict[str, list[dict[str, Any]]]:
    """The report's own photos and the follow-up's, with addresses that carry the credential if needed."""
    groups: dict[str, list[dict[str, Any]]] = {"laporan": [], "sebelum": [], "sesudah": []}
    query = {"token": token} if token and report.visibility == Report.Visibility.PRIVATE else {}
    for pk, kind in (
        report.attachments.filter(content_type__startswith="image/").order_by("id").values_list("pk", "kind")
    ):
        url = with_query(reverse("aduan-web:report-photo", args=[report.ticket, pk]), **query)
        groups.setdefault(kind, []).append({"pk": pk, "url": url})
    return groups


def _closing(report: Report, credential: str, has_credential: bool) -> dict[str, Any]:
    """The review and dispute part of a case page: what the reporter may still do, and what they did."""
    if report.status != Status.SELESAI and not report.reopens:
        return {}
    state = reviews.state(report)
    context: dict[str, Any] = {"review_state": state, "show_comment": has_credential}
    if has_credential:
        if state.can_review:
            context["review_form"] = ReviewForm(initial={"token": credential}, auto_id="id_review_%s")
        if state.can_dispute:
            context["dispute_form"] = forms.DisputeForm(
                initial={"token": credential}, auto_id="id_dispute_%s"
            )
    return context


def report_detail(request: HttpRequest, ticket: str) -> HttpResponse:
    """The public view of a case; the reporter's private link (?token=) also shows a private one, and on a
    finished case lets them rate the follow-up or dispute it."""
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    token = request.GET.get("token", "")
    if report.ticket != ticket:  # a typed ticket: show it under its canonical address
        return redirect(with_query(reverse("aduan-web:report", args=[report.ticket]), token=token))
    has_token = reports.check_access_token(report, token)
    payload = public_payload(report, show_private=has_token)
    timeline = [
        {
            **event,
            "action_label": label(ACTION_LABELS, event["action"]),
            "status_label": label(STATUS_LABELS, event["status"]),
        }
        for event in payload["timeline"]
    ]
    hidden = payload["description"] is None
    context = {
        "report": payload,
        "status_label": label(STATUS_LABELS, payload["status"]),
        "jenis_label": label(JENIS_LABELS, payload["jenis"]),
        "timeline": timeline,
        "hidden": hidden,
        "has_token": has_token,
        "bad_token": bool(token) and not has_token,
        "completion_due_at": report.completion_due_at,
        "live": live.page_config(payload, token if has_token else ""),
        # The masked relay: an officer's unanswered questions, answered from the private link.
        "open_questions": [q for q in casework.questions(report) if not q.answered] if has_token else [],
        "photos": None if hidden else _photos(report, token if has_token else ""),
        # "Ini masalah saya juga": how many residents chose to follow this case instead of filing again.
        "also_reported": report.events.filter(action="comment", data__also_reported=True).count(),
        "token": token if has_token else "",
        **_closing(report, token, has_token),
    }
    response = render(request, "aduan/report.html", context)
    if token:
        add_never_cache_headers(response)
    return response


def _back(ticket: str, token: str) -> str:
    """Where a reporter's post returns: the case page with the private token, or the closing link's page."""
    canonical = normalize_ticket(ticket) or ticket
    if token and outbox.review_key_matches(canonical, token):
        return outbox.review_path(canonical)
    return with_query(reverse("aduan-web:report", args=[canonical]), token=token)


@require_POST
def dispute(request: HttpRequest, ticket: str) -> HttpResponse:
    form = forms.DisputeForm(request.POST)
    token = request.POST.get("token", "")
    back = _back(ticket, token)
    if not form.is_valid():
        messages.error(request, _("Isian sanggahan tidak lengkap."))
        return redirect(back)
    try:
        reviews.dispute(ticket, form.cleaned_data["token"], form.cleaned_data["reason"])
    except NotFound:
        return not_found(request, ticket)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sanggahan diterima: laporan dibuka kembali."))
    return redirect(back)


@require_POST
def review(request: HttpRequest, ticket: str) -> HttpResponse:
    """The reporter's rating of a finished case, from the case page (private token) or the closing link."""
    form = ReviewForm(request.POST)
    token = request.POST.get("token", "")
    back = _back(ticket, token)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        reviews.submit_review(ticket, token, form.cleaned_data["stars"], form.cleaned_data["comment"])
    except NotFound:
        return not_found(request, ticket)
    except InvalidInput as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Terima kasih: penilaian Anda tercatat."))
    return redirect(back)


@never_cache
def review_page(request: HttpRequest, ticket: str, key: str) -> HttpResponse:
    """The closing message's link: the follow-up (note and photos), the rating form and the dispute form.

    The signed key stands in for the private token, which is stored only hashed and cannot be re-sent."""
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    if not outbox.review_key_matches(report.ticket, key):
        return forbidden(request, _("Tautan penilaian tidak valid untuk laporan ini."))
    if report.ticket != ticket:
        return redirect(outbox.review_path(report.ticket))
    followup = (
        report.events.filter(action="report_followup")
        .select_related("actor_unit", "holder")
        .order_by("-id")
        .first()
    )
    validated = report.events.filter(action="validate").order_by("-id").first()
    context = {
        "report": report,
        "status_label": label(STATUS_LABELS, report.status),
        "followup": followup,
        "validated": validated,
        "photos": _photos(report, key),
        "public_url": reverse("aduan-web:report", args=[report.ticket]),
        **_closing(report, key, True),
    }
    return render(request, "aduan/review.html", context)


@require_GET
def report_photo(request: HttpRequest, ticket: str, pk: int) -> HttpResponse:
    """A photo of a case, re-encoded without metadata when it was stored: public for a public report; for
    a private one only with the reporter's token or closing link."""
    canonical = normalize_ticket(ticket)
    attachment = (
        Attachment.objects.select_related("report")
        .filter(pk=pk, report__ticket=canonical or "", content_type__startswith="image/")
        .first()
    )
    if attachment is None:
        raise Http404
    report = attachment.report
    public = report.visibility == Report.Visibility.PUBLIC
    if not public and not reviews.is_reporter(report, request.GET.get("token", "")):
        raise Http404  # a private case's photos do not even confirm that they exist
    return photo_response(attachment, "public, max-age=86400" if public else "private, no-store")
