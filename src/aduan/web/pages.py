"""What every page module shares: not found, forbidden, a link with its query string, what a browser
remembers in its session, and the per-address throttle of the public forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from aduan.models import Attachment
from aduan.services import ratelimit

# The private links of the reports this browser filed, kept in its session for the receipt page only.
RECEIPTS_SESSION_KEY = "aduan_receipts"
RECEIPTS_KEPT = 5


def not_found(request: HttpRequest, ticket: str = "") -> HttpResponse:
    return render(request, "aduan/404.html", {"ticket": ticket}, status=404)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "aduan/403.html", {"message": message}, status=403)


def with_query(url: str, **params: str) -> str:
    """The URL with the non-empty parameters as its query string."""
    params = {k: v for k, v in params.items() if v}
    return f"{url}?{urlencode(params)}" if params else url


def is_htmx(request: HttpRequest) -> bool:
    """A fragment request from htmx; a history restore (back button, cache miss) wants the whole page."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def remember(request: HttpRequest, key: str, name: str, value: Any, kept: int = RECEIPTS_KEPT) -> None:
    """Keep ``name`` → ``value`` in the session's dict ``key``: the ``kept`` newest only, so a shared
    phone's session never grows without bound."""
    entries = dict(request.session.get(key, {}))
    entries.pop(name, None)  # re-remembered: it becomes the newest
    entries[name] = value
    request.session[key] = dict(list(entries.items())[-kept:])


def remember_receipt(request: HttpRequest, ticket: str, token: str) -> None:
    """The private link of a report this browser filed, for its receipt page."""
    remember(request, RECEIPTS_SESSION_KEY, ticket, token)


def throttled(request: HttpRequest, scope: str) -> bool:
    """Whether this address has used up its public form posts of ``scope`` for the minute."""
    allowed, _reset = ratelimit.allow(
        scope, str(request.META.get("REMOTE_ADDR", "")), settings.ADUAN_INTAKE_RATE_PER_MINUTE
    )
    return not allowed


def photo_response(attachment: Attachment, cache_control: str) -> FileResponse:
    """A stored photo (re-encoded JPEG, no metadata) served inline; 404 when its file is gone."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{attachment.report.ticket}-{attachment.pk}.jpg"'
    response["Cache-Control"] = cache_control
    return response
