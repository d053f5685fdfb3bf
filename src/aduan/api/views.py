"""The JSON API: thin views that parse, call a service and render (DESIGN.md §9)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from aduan.api.ask import router as ask_router
from aduan.api.limits import too_large_response
from aduan.api.schemas import ErrorOut, ReportCreated, ReportIn, ReportPublic, SimilarOut
from aduan.domain.errors import DomainError, InvalidInput
from aduan.services import duplicates, presenters, reports
from aduan.services.presenters import created_payload
from aduan.services.reports import NewReport, NotFound, ReporterInput

api = NinjaAPI(
    title="Aduan API",
    version="1",
    description="Laporan warga untuk Pemprov DKI Jakarta: kirim laporan dan pantau tindak lanjutnya.",
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="aduan-api",
)
v1 = Router(tags=["laporan"])


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja reports ("body", "payload", "reporter", "email"); callers know the fields, not our param name.
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 2 else ["body"]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = error.get("loc", ())
        name = _field_name(loc)
        message = error.get("msg", "tidak valid")
        if error.get("type") == "json_invalid" or name == "body":
            return api.create_response(
                request,
                {
                    "detail": "Isi permintaan harus berupa objek JSON.",
                    "errors": [{"field": "body", "message": message}],
                },
                status=400,
            )
        errors.append({"field": name, "message": message})
    return api.create_response(
        request, {"detail": "Ada isian yang tidak valid.", "errors": errors}, status=422
    )


@api.exception_handler(InvalidInput)
def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    errors = [{"field": k, "message": v} for k, v in exc.errors.items()]
    return api.create_response(
        request, {"detail": "Ada isian yang tidak valid.", "errors": errors}, status=422
    )


@api.exception_handler(NotFound)
def on_not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "errors": []}, status=404)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = {"forbidden": 403, "throttled": 429}.get(exc.code, 409)
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code, "errors": errors}, status=status
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    from django.conf import settings

    if isinstance(exc.__cause__, RequestDataTooBig):
        return too_large_response(settings.ADUAN_MAX_BODY_BYTES)
    if exc.status_code == 400:
        # ninja raises this when the body is not parseable JSON at all.
        detail = "Isi permintaan bukan JSON yang sah."
        return api.create_response(
            request, {"detail": detail, "errors": [{"field": "body", "message": exc.message}]}, status=400
        )
    return api.create_response(request, {"detail": exc.message, "errors": []}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    from django.conf import settings

    return too_large_response(settings.ADUAN_MAX_BODY_BYTES)


@v1.post(
    "/reports",
    response={
        200: ReportCreated,
        201: ReportCreated,
        400: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Kirim laporan",
)
def create_report(request: HttpRequest, payload: ReportIn) -> Status:
    reporter = payload.reporter
    result = reports.submit_report(
        NewReport(
            channel=payload.channel,
            description=payload.description,
            lat=payload.lat,
            lon=payload.lon,
            address=payload.address,
            landmark=payload.landmark,
            category=payload.category,
            visibility=payload.visibility,
            jenis=payload.jenis,
            reporter=ReporterInput(reporter.name, reporter.phone, reporter.email)
            if reporter
            else ReporterInput(),
            external_id=payload.external_id,
        )
    )
    return Status(201 if result.created else 200, created_payload(result))


@v1.get(
    "/reports/similar", response={200: list[SimilarOut], 422: ErrorOut}, summary="Laporan serupa di sekitar"
)
def similar_reports(
    request: HttpRequest, lat: float, lon: float, text: str = "", category: str = ""
) -> list[dict[str, Any]]:
    """Open public reports of the same problem nearby, for "this is my problem too" before filing."""
    return [
        {"ticket": c.ticket, "status": c.status, "distance_m": c.distance_m, "similarity": c.similarity}
        for c in duplicates.suggest(text, lat, lon, category)
    ]


class CategorySuggestionOut(Schema):
    code: str
    name: str
    confidence: float


@v1.get(
    "/categories/suggest",
    response={200: list[CategorySuggestionOut]},
    summary="Saran kategori dari uraian",
    tags=["kategori"],
)
def suggest_categories(request: HttpRequest, text: str = "") -> list[dict[str, Any]]:
    """The active classifier's three likeliest categories for ``text``, most likely first; an empty list
    while no model is trained or for a text too short to tell."""
    return [
        {"code": s.code, "name": s.name, "confidence": s.confidence}
        for s in reports.suggest_categories(text[: reports.MAX_DESCRIPTION])
    ]


@v1.get("/reports/{ticket}", response={200: ReportPublic, 404: ErrorOut}, summary="Lihat laporan (publik)")
def get_report(request: HttpRequest, ticket: str, token: str = "") -> HttpResponse:
    # Rendered (and cached) by the presenter in the shape of ReportPublic; returned as is.
    return HttpResponse(presenters.public_json(ticket, token), content_type="application/json")


v1.add_router("", ask_router)  # /api/v1/ask: questions answered from the knowledge base first
api.add_router("/v1/", v1)
