"""The case page's content, the Biro's validation queue, evidence photos behind access checks, and the
reporter's answer page (the masked relay). Thin: the services decide and write."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aduan.domain.channels import LABELS as KANAL_LABELS
from aduan.domain.channels import Kanal
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Action
from aduan.models import Attachment, Officer, OutboxMessage, RegionBoundary, Report, ResponseTemplate
from aduan.services import access, casework, reports
from aduan.services.reports import NotFound
from aduan.web import forms
from aduan.web.labels import ACTION_BUTTONS, ACTION_LABELS, JENIS_LABELS, STATUS_LABELS, label
from aduan.web.pages import forbidden, not_found, photo_response

# Event facts that could point at the person behind a private report (a tweet's or an e-mail's id).
PRIVATE_FACT_KEYS = frozenset({"external_id"})
# Facts the page shows in its own way rather than as rows.
_SHOWN_ELSEWHERE = frozenset({"answers", "photos"})
VALIDATION_LIMIT = 50
# Which field of an action's form a response template fills.
_TEXT_FIELD = {"report_followup": "note", "validate": "note"}


def kanal_label(kanal: str) -> str:
    try:
        return KANAL_LABELS[Kanal(kanal)]
    except ValueError:
        return kanal


def _officer(request: HttpRequest) -> Officer | HttpResponse:
    from aduan.web import views  # the officer pages share one gate (log-in, unit, TOTP step)

    return views._officer(request)


# ---------------------------------------------------------------- the case page


def case_context(
    officer: Officer,
    report: Report,
    forms_by_action: dict[str, forms.ActionForm],
    facts: Callable[[dict[str, Any]], list[tuple[str, str]]],
) -> dict[str, Any]:
    """Everything case.html shows: the case, its photos and map, the reporter's kanal (never who they are
    on a private report), similar and clustered reports, the action forms and the full timeline."""
    private = report.visibility == Report.Visibility.PRIVATE
    photos = casework.case_photos(report)
    templates = casework.response_templates(report)
    actions = []
    for name, form in forms_by_action.items():
        text_field = _TEXT_FIELD.get(name, "reason")
        actions.append(
            {
                "name": name,
                "label": label(ACTION_BUTTONS, name),
                "form": form,
                "url": reverse("aduan-web:act", args=[report.ticket, name]),
                "templates": templates.get(name, []) if text_field in form.fields else [],
                "text_field_id": form[text_field].id_for_label if text_field in form.fields else "",
                "suggestion": getattr(form, "suggestion", None),
            }
        )
    return {
        "officer": officer,
        "report": report,
        "status_label": label(STATUS_LABELS, report.status),
        "jenis_label": label(JENIS_LABELS, report.jenis),
        "kanal_label": kanal_label(report.channel),
        "show_reporter": not private,
        "reachable_on": [kanal_label(k) for k in casework.reporter_kanal(report)],
        "photos": photos,
        "map": _map(report),
        "similar": casework.similar(report),
        "cluster": [
            {"link": link, "status_label": label(STATUS_LABELS, link.status)}
            for link in casework.cluster(report)
        ],
        "questions": casework.questions(report),
        "events": timeline(report, facts, photos),
        "actions": actions,
    }


def _map(report: Report) -> dict[str, Any] | None:
    """The point on a small Leaflet map: tiles from ADUAN_MAP_TILES when set, else a blank map with the
    kelurahan's outline (when its polygon is imported) so the point still has a place around it."""
    if report.lat is None or report.lon is None:
        return None
    boundary = None
    if report.kelurahan_id is not None:
        geometry = (
            RegionBoundary.objects.filter(region_id=report.kelurahan_id)
            .values_list("geometry", flat=True)
            .first()
        )
        try:
            boundary = json.loads(geometry) if geometry else None
        except ValueError:
            boundary = None
    return {
        "lat": report.lat,
        "lon": report.lon,
        "tiles": getattr(settings, "ADUAN_MAP_TILES", ""),
        "attribution": getattr(settings, "ADUAN_MAP_ATTRIBUTION", ""),
        "boundary": boundary,
    }


def timeline(
    report: Report,
    facts: Callable[[dict[str, Any]], list[tuple[str, str]]],
    photos: casework.CasePhotos,
) -> list[dict[str, Any]]:
    private = report.visibility == Report.Visibility.PRIVATE
    events = list(report.events.select_related("holder", "actor_unit", "target", "actor_user").order_by("id"))
    asked = [e.pk for e in events if e.action == Action.ASK]
    sent_on: dict[int, set[str]] = {}
    for event_id, kanal in OutboxMessage.objects.filter(event_id__in=asked).values_list("event_id", "kanal"):
        sent_on.setdefault(event_id, set()).add(kanal_label(kanal))
    rows = []
    for event in events:
        data = dict(event.data or {})
        hidden = _SHOWN_ELSEWHERE | (PRIVATE_FACT_KEYS if private else frozenset())
        rows.append(
            {
                "event": event,
                "action_label": label(ACTION_LABELS, event.action),
                "from_label": label(STATUS_LABELS, event.from_status or None),
                "to_label": label(STATUS_LABELS, event.to_status),
                "facts": facts({k: v for k, v in data.items() if k not in hidden}),
                "photos": photos.for_event(event.pk) if event.action == Action.REPORT_FOLLOWUP else None,
                "is_answer": event.action == Action.COMMENT and "answers" in data,
                "sent_on": sorted(sent_on.get(event.pk, ())) if event.action == Action.ASK else None,
                "kanal": kanal_label(str(data["kanal"]))
                if event.action == Action.COMMENT and "kanal" in data
                else "",
            }
        )
    return rows


# ---------------------------------------------------------------- evidence photos, behind the case's access


@never_cache
@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored photo, for officers who may open its case; never from a public address. (The public side
    of a public report's photos is issue 6's.)"""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    attachment = Attachment.objects.select_related("report").filter(pk=pk).first()
    if attachment is None or not attachment.content_type.startswith("image/"):
        raise Http404
    if not access.can_view(officer, attachment.report):
        return forbidden(request, _("Laporan ini tidak pernah dipegang unit Anda atau unit di bawahnya."))
    return photo_response(attachment, "private, max-age=3600")


# ---------------------------------------------------------------- the Biro's validation queue


def _validation_officer(request: HttpRequest) -> Officer | HttpResponse:
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    if not access.may_validate(officer):
        return forbidden(
            request,
            _("Antrean validasi untuk validator, kepala, dan admin Biro Pemerintahan."),
        )
    return officer


@login_required
def validation(request: HttpRequest) -> HttpResponse:
    """Follow-ups waiting for validation, the longest waiting first, with their before/after photos side
    by side and the photo checks' flags in front."""
    officer = _validation_officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    items, total = casework.awaiting_validation(VALIDATION_LIMIT)
    rows = ResponseTemplate.objects.filter(
        active=True, action__in=(Action.VALIDATE, Action.REJECT_FOLLOWUP)
    ).order_by("name")
    templates = list(rows)
    cases = []
    for item in items:
        report = item.report
        suitable = [t for t in templates if t.category_id in (None, report.category_id)]
        cases.append(
            {
                "item": item,
                "status_label": label(STATUS_LABELS, report.status),
                "validate_form": forms.ValidateForm(report=report, auto_id=f"id_v_{report.ticket}_%s"),
                "reject_form": forms.RejectFollowupForm(report=report, auto_id=f"id_r_{report.ticket}_%s"),
                "validate_templates": [t for t in suitable if t.action == Action.VALIDATE],
                "reject_templates": [t for t in suitable if t.action == Action.REJECT_FOLLOWUP],
            }
        )
    context = {"officer": officer, "cases": cases, "total": total, "shown": len(items)}
    return render(request, "aduan/validation.html", context)


VALIDATION_ACTIONS = {"validate": Action.VALIDATE, "reject_followup": Action.REJECT_FOLLOWUP}


@login_required
@require_POST
def validation_act(request: HttpRequest, ticket: str, action: str) -> HttpResponse:
    """Validate, or TL Ditolak with a reason, from the queue; back to the queue (htmx: just the row)."""
    if action not in VALIDATION_ACTIONS:
        raise Http404
    officer = _validation_officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    note = request.POST.get("note" if action == "validate" else "reason", "")
    try:
        if action == "validate":
            report = reports.validate(ticket, request.user, note)
            done = _("%(ticket)s divalidasi: selesai.") % {"ticket": report.ticket}
        else:
            report = reports.reject_followup(ticket, request.user, note)
            done = _("%(ticket)s: TL Ditolak, kembali ke %(unit)s (ditolak %(n)d×).") % {
                "ticket": report.ticket,
                "unit": report.holder.name,
                "n": report.tl_rejections,
            }
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if request.headers.get("HX-Request"):
            return render(request, "aduan/_validation_result.html", {"error": exc.message, "ticket": ticket})
        messages.error(request, f"{ticket}: {exc.message}")
        return redirect("aduan-web:validation")
    if request.headers.get("HX-Request"):
        return render(request, "aduan/_validation_result.html", {"done": done, "ticket": report.ticket})
    messages.success(request, done)
    return redirect("aduan-web:validation")


# ---------------------------------------------------------------- the reporter answers (the masked relay)


@never_cache
def answer_by_key(request: HttpRequest, key: str) -> HttpResponse:
    """The link in the question's message: shows the question, takes the answer; the key is the proof."""
    try:
        report, question = casework.question_by_key(key)
    except NotFound:
        return not_found(request)
    here = reverse("aduan-web:answer-key", args=[key])
    if request.method == "POST":
        form = forms.AnswerForm(request.POST)
        if form.is_valid():
            try:
                casework.answer(report.ticket, form.cleaned_data["answer"], key=key)
            except InvalidInput as exc:
                form.add_error("answer", next(iter(exc.errors.values())))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Terima kasih, jawaban Anda sudah diterima petugas."))
                return redirect(here)
        return _render_answer(request, report, [question], here, form)
    return _render_answer(request, report, [question], here, forms.AnswerForm())


@never_cache
def answer_by_token(request: HttpRequest, ticket: str) -> HttpResponse:
    """From the reporter's private link (?token=): every question of the case, and the answer form."""
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    if not reports.check_access_token(report, token):
        return forbidden(request, _("Tautan pribadi tidak valid untuk laporan ini."))
    here = reverse("aduan-web:answer", args=[report.ticket])
    questions = casework.questions(report)
    form = forms.AnswerForm(request.POST or None, initial={"token": token})
    if request.method == "POST" and form.is_valid():
        try:
            casework.answer(report.ticket, form.cleaned_data["answer"], token=token)
        except InvalidInput as exc:
            form.add_error("answer", next(iter(exc.errors.values())))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Terima kasih, jawaban Anda sudah diterima petugas."))
            return redirect(f"{here}?{urlencode({'token': token})}")
    return _render_answer(request, report, questions, here, form)


def _render_answer(
    request: HttpRequest,
    report: Report,
    questions: list[casework.Question],
    post_to: str,
    form: forms.AnswerForm,
) -> HttpResponse:
    response = render(
        request,
        "aduan/answer.html",
        {"ticket": report.ticket, "questions": questions, "form": form, "post_to": post_to},
    )
    response["Cache-Control"] = "no-store"
    return response
