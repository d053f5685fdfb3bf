"""Server-rendered pages for citizens (file, track) and officers (queue, case, actions)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Aduan")


file_report = find_report = report_detail = queue = home


def case(request: HttpRequest, ticket: str) -> HttpResponse:
    return HttpResponse(ticket)


def act(request: HttpRequest, ticket: str, action: str) -> HttpResponse:
    return HttpResponse(ticket)


class LoginView(auth_views.LoginView):
    pass


class LogoutView(auth_views.LogoutView):
    pass
