"""Server-rendered pages: the home page and ticket look-up, and the officers' (desk, case, actions).

The citizen's report, receipt and case page are in aduan.web.citizen; the public list and map in
aduan.web.public.

Thin views: parse with a form, call a service, render. Only aduan.services writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aduan.domain.channels import LABELS as KANAL_LABELS
from aduan.domain.channels import Kanal
from aduan.domain.errors import DomainError, InvalidInput
from aduan.models import Officer, Report
from aduan.services import access, casework, reports
from aduan.services.reports import NotFound
from aduan.web import auth, forms, queries
from aduan.web import casework as casework_pages
from aduan.web.labels import (
    ACTION_LABELS,
    FACT_LABELS,
    REJECT_REASON_LABELS,
    STATUS_LABELS,
    label,
)
from aduan.web.pages import RECEIPTS_SESSION_KEY, forbidden, not_found, remember_receipt, with_query

# ---------------------------------------------------------------- citizens


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "aduan/home.html", {"form": forms.TicketForm()})


def find_report(request: HttpRequest) -> HttpResponse:
    form = forms.TicketForm(request.GET or None)
    if form.is_valid():
        return redirect("aduan-web:report", ticket=form.cleaned_data["ticket"])
    return render(request, "aduan/home.html", {"form": form})


# ---------------------------------------------------------------- officers


# Log-in (password, lockout, TOTP step) is in aduan.web.auth.


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); returns to the home page."""


def _officer(request: HttpRequest) -> Officer | HttpResponse:
    """The officer behind the request, or the page to show instead: 403 for an account without a unit, the
    TOTP step for a session that still owes its code (aduan.web.auth)."""
    try:
        officer = reports.officer_of(request.user)
    except DomainError as exc:
        return forbidden(request, exc.message)
    return auth.otp_gate(request, officer) or officer


# The queue (/petugas/) is in aduan.web.queue.


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """A walk-in desk: an officer records a resident's report (or a media/social-media item) and prints
    the receipt with the ticket and how to follow it."""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    if request.method == "POST":
        form = forms.DeskForm(request.POST, unit_kind=officer.unit.kind)
        if form.is_valid():
            try:
                result = reports.submit_report(form.to_new_report())
            except InvalidInput as exc:
                form.add_service_errors(exc.errors)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if result.access_token:
                    remember_receipt(request, result.report.ticket, result.access_token)
                return redirect("aduan-web:desk-receipt", ticket=result.report.ticket)
    else:
        form = forms.DeskForm(initial={"intake_id": uuid.uuid4()}, unit_kind=officer.unit.kind)
    return render(request, "aduan/desk.html", {"form": form, "officer": officer})


@never_cache
@login_required
def desk_receipt(request: HttpRequest, ticket: str) -> HttpResponse:
    """The printable receipt: the ticket, where and when it was taken, and how the resident follows it."""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    token = request.session.get(RECEIPTS_SESSION_KEY, {}).get(report.ticket, "")
    public_url = request.build_absolute_uri(reverse("aduan-web:report", args=[report.ticket]))
    context = {
        "report": report,
        "officer": officer,
        "public_url": public_url,
        "private_url": with_query(public_url, token=token) if token else "",
        "status_label": label(STATUS_LABELS, report.status),
        "kanal_label": KANAL_LABELS.get(Kanal(report.channel), report.channel),
    }
    return render(request, "aduan/desk_receipt.html", context)


@dataclass(frozen=True)
class ActionSpec:
    form: type[forms.ActionForm]
    call: Callable[[str, Any, dict[str, Any]], Report]


ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(forms.AcceptForm, lambda t, u, d: reports.accept(t, u)),
    "koordinasi": ActionSpec(
        forms.KoordinasiForm, lambda t, u, d: reports.koordinasi(t, u, d["target"], d["reason"])
    ),
    "return": ActionSpec(forms.ReturnForm, lambda t, u, d: reports.return_case(t, u, d["reason"])),
    "disposisi": ActionSpec(
        forms.DisposisiForm, lambda t, u, d: reports.disposisi(t, u, d["target"], d["reason"])
    ),
    "set_ews": ActionSpec(
        forms.SetEwsForm, lambda t, u, d: reports.set_ews(t, u, d["ews_date"], d["reason"])
    ),
    "report_followup": ActionSpec(
        forms.ReportFollowupForm,
        lambda t, u, d: casework.post_followup(t, u, d["note"], d["before"], d["after"]),
    ),
    "validate": ActionSpec(forms.ValidateForm, lambda t, u, d: reports.validate(t, u, d["note"])),
    "reject_followup": ActionSpec(
        forms.RejectFollowupForm, lambda t, u, d: reports.reject_followup(t, u, d["reason"])
    ),
    "reject": ActionSpec(
        forms.RejectForm, lambda t, u, d: reports.reject(t, u, d["reject_reason"], d["reason"], d["referral"])
    ),
    "merge": ActionSpec(forms.MergeForm, lambda t, u, d: reports.merge(t, u, d["into"], d["reason"])),
    "recategorise": ActionSpec(
        forms.RecategoriseForm,
        lambda t, u, d: reports.recategorise(t, u, d["category"], d["jenis"], d["kewenangan"], d["reason"]),
    ),
    "ask": ActionSpec(forms.AskForm, lambda t, u, d: reports.ask(t, u, d["reason"])),
}


def _load_case(request: HttpRequest, ticket: str) -> tuple[Officer, Report] | HttpResponse:
    """The officer and the case, or the 403/404 page; who sees which case is services/access.py's rule."""
    officer = _officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    if not access.can_view(officer, report):
        return forbidden(request, _("Laporan ini tidak pernah dipegang unit Anda atau unit di bawahnya."))
    return officer, report


def _facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's data as (label, value) rows; nested dicts (routing facts) are flattened."""
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows.extend(_facts(value))
        elif key == "reject_reason":
            rows.append((label(FACT_LABELS, key), label(REJECT_REASON_LABELS, str(value))))
        elif value not in (None, ""):
            rows.append((label(FACT_LABELS, key), str(value)))
    return rows


@login_required
def case(request: HttpRequest, ticket: str) -> HttpResponse:
    loaded = _load_case(request, ticket)
    if isinstance(loaded, HttpResponse):
        return loaded
    officer, report = loaded
    if report.ticket != ticket:
        return redirect("aduan-web:case", ticket=report.ticket)
    forms_by_action = {
        str(action): ACTIONS[action].form(report=report, auto_id=f"id_{action}_%s")
        for action in reports.allowed_actions(report, request.user)
        if action in ACTIONS
    }
    context = casework_pages.case_context(officer, report, forms_by_action, _facts)
    return render(request, "aduan/case.html", context)


@login_required
@require_POST
def act(request: HttpRequest, ticket: str, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        return not_found(request)
    loaded = _load_case(request, ticket)
    if isinstance(loaded, HttpResponse):
        return loaded
    officer, report = loaded
    case_url = reverse("aduan-web:case", args=[report.ticket])
    form = spec.form(request.POST, request.FILES, report=report)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(case_url)
    try:
        updated = spec.call(report.ticket, request.user, form.cleaned_data)
    except InvalidInput as exc:  # each bad field's own message (a photo names its field and number)
        for message in exc.errors.values():
            messages.error(request, message)
        return redirect(case_url)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(case_url)
    messages.success(request, _("Berhasil: %(action)s.") % {"action": label(ACTION_LABELS, action)})
    # The case left the units this officer works for (their own, or a head's subtree): back to the queue.
    if updated.holder_id not in access.scope_unit_ids(officer) and not queries.is_oversight(officer):
        return HttpResponseRedirect(reverse("aduan-web:queue"))
    return redirect(case_url)
