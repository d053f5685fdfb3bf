"""Pages for questions: "Tanya" (answers as you type, "this did not answer me"), knowledge-base articles,
publishing an agency's answer as an article, and the outreach figures for the Biro.

Thin views: parse with a form, call services.knowledge, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aduan.domain.errors import DomainError, InvalidInput
from aduan.models import Article, Officer, Question
from aduan.services import knowledge, reports
from aduan.services.reports import NotFound, ReporterInput
from aduan.web import queries
from aduan.web.pages import forbidden, not_found, remember, remember_receipt, throttled

# The questions this browser asked, with their tokens, so that only the asker sees and forwards them.
QUESTIONS_SESSION_KEY = "aduan_questions"
QUESTIONS_KEPT = 10


# ---------------------------------------------------------------- forms


class AskForm(forms.Form):
    question = forms.CharField(
        label=_lazy("Pertanyaan Anda"),
        required=False,
        strip=True,
        help_text=_lazy("Misalnya: syarat daftar rusun, biaya makam di TPU, KTP hilang."),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "required": True,
                "maxlength": knowledge.MAX_QUESTION,
                "autocomplete": "off",
                # Answers appear as the resident types: the search is read-only, nothing is stored.
                "hx-get": reverse_lazy("aduan-web:ask-search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#answers",
                "hx-sync": "this:replace",
            }
        ),
    )


class NotAnsweredForm(forms.Form):
    SERVICE_FIELDS = {"reporter.name": "name", "reporter.email": "email", "reporter.phone": "phone"}

    token = forms.CharField(widget=forms.HiddenInput)
    details = forms.CharField(
        label=_lazy("Apa yang ingin Anda ketahui?"),
        required=False,
        strip=True,
        max_length=knowledge.MAX_DETAILS,
        help_text=_lazy("Opsional: jelaskan lebih rinci agar petugas dapat menjawab tepat."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": knowledge.MAX_DETAILS}),
    )
    name = forms.CharField(label=_lazy("Nama"), required=False, max_length=120)
    email = forms.CharField(
        label=_lazy("Surel"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    phone = forms.CharField(
        label=_lazy("Nomor telepon"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            name = self.SERVICE_FIELDS.get(key, key)
            self.add_error(name if name in self.fields else None, message)


class PublishForm(forms.Form):
    title = forms.CharField(label=_lazy("Judul artikel"), max_length=knowledge.MAX_TITLE, strip=True)
    body = forms.CharField(
        label=_lazy("Jawaban"),
        strip=True,
        max_length=knowledge.MAX_BODY,
        help_text=_lazy("Bahasa sederhana, paragraf pendek. Tulis juga dasar aturan atau alamat layanan."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class RangeForm(forms.Form):
    dari = forms.DateField(
        label=_lazy("Dari"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=_lazy("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def range(self) -> tuple[date, date]:
        start, end = knowledge.default_range()
        return self.cleaned_data.get("dari") or start, self.cleaned_data.get("sampai") or end


# ---------------------------------------------------------------- residents


def _asked(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get(QUESTIONS_SESSION_KEY, {}))


def ask(request: HttpRequest) -> HttpResponse:
    """The phone-first question form; a submitted question is stored and its page shown."""
    form = AskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if throttled(request, "ask"):
            form.add_error(None, _("Terlalu banyak pertanyaan dalam waktu singkat; coba lagi sebentar lagi."))
        else:
            try:
                asked = knowledge.ask(form.cleaned_data["question"], "web")
            except InvalidInput as exc:
                for key, message in exc.errors.items():
                    form.add_error("question" if key == "question" else None, message)
            else:
                remember(request, QUESTIONS_SESSION_KEY, str(asked.question.id), asked.token, QUESTIONS_KEPT)
                return redirect("aduan-web:question", question_id=asked.question.id)
    return render(request, "aduan/ask.html", {"form": form, "answers": None})


@require_GET
def ask_search(request: HttpRequest) -> HttpResponse:
    """The answers for what has been typed so far (htmx partial); read-only, nothing is stored."""
    text = request.GET.get("question", "")[: knowledge.MAX_QUESTION]
    searched = len(text.strip()) >= 3
    answers = knowledge.search(text) if searched else None
    return render(request, "aduan/_answers.html", {"answers": answers, "typed": searched})


def _question_context(
    request: HttpRequest, question: Question, form: NotAnsweredForm | None
) -> dict[str, Any]:
    token = _asked(request).get(str(question.id), "")
    return {
        "form": AskForm(),
        "question": question,
        "answers": knowledge.search(question.text),
        "answered": question.answered,
        "not_answered_form": form or NotAnsweredForm(initial={"token": token}, auto_id="id_na_%s"),
    }


def _own_question(request: HttpRequest, question_id: int) -> Question:
    token = _asked(request).get(str(question_id), "")
    question = Question.objects.select_related("report", "report__holder").filter(pk=question_id).first()
    if question is None or not knowledge.check_question_token(question_id, token):
        raise Http404
    return question


@never_cache
def question(request: HttpRequest, question_id: int) -> HttpResponse:
    """The asker's question with its answers and the "this did not answer me" form (this browser only)."""
    asked = _own_question(request, question_id)
    return render(request, "aduan/ask.html", _question_context(request, asked, None))


@require_POST
def not_answered(request: HttpRequest, question_id: int) -> HttpResponse:
    """Forward the question to the agency that owns its topic as an informasi case."""
    form = NotAnsweredForm(request.POST, auto_id="id_na_%s")
    asked = Question.objects.select_related("report").filter(pk=question_id).first()
    if asked is None:
        raise Http404
    if form.is_valid():
        if throttled(request, "ask"):
            form.add_error(None, _("Terlalu banyak permintaan dalam waktu singkat; coba lagi sebentar lagi."))
        else:
            data = form.cleaned_data
            try:
                result = knowledge.not_answered(
                    question_id,
                    data["token"],
                    ReporterInput(data["name"], data["phone"], data["email"]),
                    data["details"],
                )
            except InvalidInput as exc:
                form.add_service_errors(exc.errors)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if result.access_token:
                    remember_receipt(request, result.report.ticket, result.access_token)
                    return redirect("aduan-web:receipt", ticket=result.report.ticket)
                messages.info(request, _("Pertanyaan ini sudah diteruskan sebelumnya."))
                return redirect("aduan-web:report", ticket=result.report.ticket)
    if not knowledge.check_question_token(question_id, request.POST.get("token", "")):
        raise Http404
    return render(request, "aduan/ask.html", _question_context(request, asked, form), status=422)


def article(request: HttpRequest, pk: int) -> HttpResponse:
    found = Article.objects.select_related("agency", "category").filter(pk=pk, published=True).first()
    if found is None:
        raise Http404
    return render(request, "aduan/article.html", {"article": found})


# ---------------------------------------------------------------- officers


def _outreach_officer(request: HttpRequest) -> Officer | HttpResponse:
    try:
        officer = reports.officer_of(request.user)
    except DomainError as exc:
        return forbidden(request, exc.message)
    if request.user.is_superuser or officer.role == Officer.Role.ADMIN or queries.is_oversight(officer):
        return officer
    return forbidden(request, _("Angka pertanyaan warga hanya untuk Biro Pemerintahan dan admin."))


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    officer = _outreach_officer(request)
    if isinstance(officer, HttpResponse):
        return officer
    form = RangeForm(request.GET or None)
    figures = None
    if not request.GET or form.is_valid():
        start, end = form.range() if request.GET else knowledge.default_range()
        try:
            figures = knowledge.outreach(start, end)
        except InvalidInput as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        if not request.GET:
            form = RangeForm(initial={"dari": start, "sampai": end})
    status = 200 if figures is not None else 400
    return render(request, "aduan/outreach.html", {"form": form, "figures": figures}, status=status)


def _rows(rows: list[knowledge.Row]) -> list[dict[str, Any]]:
    return [
        {
            "label": r.label,
            **({"code": r.code} if r.code else {}),
            **({"article_id": r.article_id} if r.article_id is not None else {}),
            "asked": r.asked,
            "unanswered": r.unanswered,
            "unanswered_share": round(r.unanswered_share, 3),
        }
        for r in rows
    ]


@login_required
def outreach_json(request: HttpRequest) -> HttpResponse:
    officer = _outreach_officer(request)
    if isinstance(officer, HttpResponse):
        return JsonResponse({"detail": _("Akses ditolak."), "errors": []}, status=403)
    form = RangeForm(request.GET)
    if not form.is_valid():
        errors = [{"field": k, "message": str(v[0])} for k, v in form.errors.items()]
        return JsonResponse({"detail": _("Tanggal tidak valid."), "errors": errors}, status=400)
    start, end = form.range()
    try:
        figures = knowledge.outreach(start, end)
    except InvalidInput as exc:
        errors = [{"field": k, "message": v} for k, v in exc.errors.items()]
        return JsonResponse({"detail": _("Rentang tanggal tidak valid."), "errors": errors}, status=400)
    return JsonResponse(
        {
            "dari": figures.start.isoformat(),
            "sampai": figures.end.isoformat(),
            "asked": figures.asked,
            "unanswered": figures.unanswered,
            "unanswered_share": round(figures.unanswered_share, 3),
            "not_helpful": figures.not_helpful,
            "by_article": _rows(figures.by_article),
            "by_question": _rows(figures.by_question),
            "by_topic": _rows(figures.by_topic),
            "by_agency": _rows(figures.by_agency),
        }
    )


@login_required
def publish(request: HttpRequest, ticket: str) -> HttpResponse:
    """Publish the answer of an informasi case as a knowledge-base article, in one step."""
    try:
        report = reports.get_report(ticket)
    except NotFound:
        return not_found(request, ticket)
    if not knowledge.may_publish(request.user, report):
        return forbidden(
            request, _("Hanya petugas unit atau perangkat daerah pemegang laporan yang dapat menerbitkannya.")
        )
    refusal = knowledge.publishable(report)
    if request.method == "POST" and refusal is None:
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                created = knowledge.publish_from_report(
                    report.ticket, request.user, form.cleaned_data["title"], form.cleaned_data["body"]
                )
            except InvalidInput as exc:
                for key, message in exc.errors.items():
                    form.add_error(key if key in form.fields else None, message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Jawaban diterbitkan di basis pengetahuan."))
                return redirect("aduan-web:article", pk=created.id)
    else:
        title, body = knowledge.publish_defaults(report)
        form = PublishForm(initial={"title": title, "body": body})
    context = {
        "report": report,
        "form": form,
        "refusal": refusal,
        "case_url": reverse("aduan-web:case", args=[report.ticket]),
    }
    return render(request, "aduan/publish.html", context, status=409 if refusal else 200)
