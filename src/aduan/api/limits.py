"""Refuses oversized request bodies with 413 before any view or parser reads them."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def too_large_response(limit: int) -> HttpResponse:
    body = {
        "detail": f"Isi permintaan terlalu besar (maksimal {limit} bita).",
        "errors": [{"field": "body", "message": f"maksimal {limit} bita"}],
    }
    return HttpResponse(json.dumps(body), status=413, content_type="application/json")


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.ADUAN_MAX_BODY_BYTES
        self.webhook_limit = settings.ADUAN_MAX_WEBHOOK_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            declared = int(length)
        except ValueError:
            declared = 0
        # Multipart uploads (officers' evidence photos) have their own, larger limit in the web layer.
        is_upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        if request.path.startswith("/hooks/"):  # e-mails with photos; the view enforces the real length
            if declared > self.webhook_limit:
                return too_large_response(self.webhook_limit)
        elif declared > self.limit and not is_upload:
            return too_large_response(self.limit)
        return self.get_response(request)
