"""The responses every page module shares: not found, forbidden, and a link with its query string."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, ticket: str = "") -> HttpResponse:
    return render(request, "aduan/404.html", {"ticket": ticket}, status=404)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "aduan/403.html", {"message": message}, status=403)


def with_query(url: str, **params: str) -> str:
    """The URL with the non-empty parameters as its query string."""
    params = {k: v for k, v in params.items() if v}
    return f"{url}?{urlencode(params)}" if params else url
