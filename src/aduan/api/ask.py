"""`POST /api/v1/ask` and "this did not answer me": questions answered from the knowledge base first."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from aduan.api.schemas import CodeName, ErrorOut, ReportCreated
from aduan.domain.errors import InvalidInput
from aduan.services import knowledge, ratelimit
from aduan.services.presenters import code_name, created_payload
from aduan.services.reports import ReporterInput

router = Router(tags=["tanya"])


class AskIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(description="Pertanyaan warga, 1–1.000 karakter")
    channel: str | None = Field(None, max_length=20, description="kanal asal (jaki, web, sms, …); opsional")


class SourceOut(Schema):
    title: str
    url: str


class AnswerOut(Schema):
    id: int
    title: str
    snippet: str
    url: str
    score: float
    agency: CodeName | None
    last_verified: date | None
    sources: list[SourceOut]


class AskOut(Schema):
    answers: list[AnswerOut]
    answered: bool = Field(description="true bila jawaban teratas cukup yakin (skor ≥ ambang)")
    jenis: str | None = Field(description="tebakan jenis dari model klasifikasi; null bila belum ada model")
    category: CodeName | None
    question_id: int
    token: str = Field(description="diperlukan untuk /ask/{question_id}/not-answered")


class ContactIn(BaseModel):
    model_config = ConfigDict(str_max_length=254)

    name: str = ""
    email: str = ""
    phone: str = ""


class NotAnsweredIn(BaseModel):
    token: str = Field(max_length=200)
    details: str = Field("", max_length=knowledge.MAX_DETAILS, description="keterangan tambahan; opsional")
    contact: ContactIn | None = None


class NotAnsweredOut(ReportCreated):
    question_id: int


def _throttled(request: HttpRequest) -> HttpResponse | None:
    allowed, reset = ratelimit.allow(
        "ask", str(request.META.get("REMOTE_ADDR", "")), settings.ADUAN_INTAKE_RATE_PER_MINUTE
    )
    if allowed:
        return None
    body = {
        "detail": "Terlalu banyak pertanyaan dari sumber ini; coba lagi nanti.",
        "errors": [{"field": "source", "message": "batas per menit terlampaui"}],
    }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(reset)
    return response


def _sources(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [
        {"title": str(s.get("title", "")), "url": str(s.get("url", ""))} for s in value if isinstance(s, dict)
    ]


def answer_payload(request: HttpRequest, answer: knowledge.Answer) -> dict[str, Any]:
    article = answer.article
    return {
        "id": article.id,
        "title": article.title,
        "snippet": answer.snippet,
        "url": request.build_absolute_uri(reverse("aduan-web:article", args=[article.id])),
        "score": round(answer.score, 3),
        "agency": code_name(article.agency),
        "last_verified": article.last_verified,
        "sources": _sources(article.sources),
    }


@router.post(
    "/ask",
    response={200: AskOut, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Tanyakan sesuatu: jawaban dari basis pengetahuan",
)
def ask(request: HttpRequest, payload: AskIn) -> Any:
    """The best knowledge-base answers for a question, before any report is filed; the question is kept
    for the outreach figures."""
    throttled = _throttled(request)
    if throttled is not None:
        return throttled
    asked = knowledge.ask(payload.question, payload.channel or "")
    return {
        "answers": [answer_payload(request, a) for a in asked.answers],
        "answered": asked.answered,
        "jenis": asked.jenis,
        "category": code_name(asked.category),
        "question_id": asked.question.id,
        "token": asked.token,
    }


# InvalidInput from submit_report names the reporter's fields as reporter.*; here they are contact.*.
_FIELDS = {
    "reporter.name": "contact.name",
    "reporter.email": "contact.email",
    "reporter.phone": "contact.phone",
}


@router.post(
    "/ask/{question_id}/not-answered",
    response={
        200: NotAnsweredOut,
        201: NotAnsweredOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Jawaban tidak menjawab: teruskan pertanyaan ke perangkat daerah",
)
def not_answered(request: HttpRequest, question_id: int, payload: NotAnsweredIn) -> Any:
    """Files the question as an `informasi` case (due in 10 working days) held by the agency that owns its
    topic, with the optional contact for the answer. The same question twice returns the first case."""
    throttled = _throttled(request)
    if throttled is not None:
        return throttled
    contact = payload.contact
    try:
        result = knowledge.not_answered(
            question_id,
            payload.token,
            ReporterInput(contact.name, contact.phone, contact.email) if contact else None,
            payload.details,
        )
    except InvalidInput as exc:
        raise InvalidInput({_FIELDS.get(k, k): v for k, v in exc.errors.items()}) from None
    return Status(201 if result.created else 200, {**created_payload(result), "question_id": question_id})
