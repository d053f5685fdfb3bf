"""Webhook endpoints at /hooks/<kanal>/: providers' verification (GET) and deliveries (POST)."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from aduan.api.limits import too_large_response
from aduan.channels.base import PayloadError, SignatureError, WebhookRequest
from aduan.channels.registry import UnknownChannel
from aduan.services import intake, ratelimit

log = logging.getLogger("aduan.hooks")


def _error(status: int, detail: str, field: str = "body") -> HttpResponse:
    body = {"detail": detail, "errors": [{"field": field, "message": detail}]}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _as_webhook(request: HttpRequest, body: bytes) -> WebhookRequest:
    headers = {name.lower(): value for name, value in request.headers.items()}
    return WebhookRequest(
        method=request.method or "GET",
        headers=headers,
        query={k: v for k, v in request.GET.items()},
        body=body,
        remote_addr=_client_address(request),
    )


@csrf_exempt
def webhook(request: HttpRequest, kanal: str) -> HttpResponse:
    try:
        adapter = intake.channel_for(kanal)
    except UnknownChannel:
        return _error(404, f"Kanal '{kanal}' tidak dikenal atau tidak aktif.", "kanal")
    if not adapter.webhook:
        return _error(404, f"Kanal '{kanal}' tidak menerima webhook.", "kanal")
    if request.method == "GET":
        answer = adapter.challenge(_as_webhook(request, b""))
        if answer is None:
            return _error(400, "Permintaan verifikasi tidak lengkap.", "query")
        return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    if request.method != "POST":
        return _error(405, "Gunakan GET (verifikasi) atau POST (kiriman).", "method")

    allowed, reset = ratelimit.allow(
        f"hook:{kanal}", _client_address(request), settings.ADUAN_INTAKE_RATE_PER_MINUTE
    )
    if not allowed:
        response = _error(429, "Terlalu banyak kiriman dari sumber ini; coba lagi nanti.", "source")
        response["Retry-After"] = str(reset)
        return response
    limit = settings.ADUAN_MAX_WEBHOOK_BYTES
    body = request.read(limit + 1)
    if len(body) > limit:
        return too_large_response(limit)
    delivery = _as_webhook(request, body)
    try:
        received = intake.receive(kanal, delivery)
    except SignatureError as error:
        log.warning("webhook %s from %s refused: %s", kanal, delivery.remote_addr, error)
        return _error(error.status, str(error), "signature")
    except PayloadError as error:
        return _error(error.status, str(error), error.field)
    # Committed: from here nothing is lost. Processing runs at once; whatever a crash or an error leaves
    # behind stays in the inbox for the worker.
    for inbox_id in received.new:
        intake.process(inbox_id)
    return HttpResponse(
        json.dumps({"received": len(received.new), "repeated": received.repeated}),
        content_type="application/json",
    )
