"""GET /api/v1/reports/{ticket} in front of Django (api/fastget.py): the same answer as Django's view."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from django.core.signals import request_started

from aduan.asgi import application, django_application
from aduan.models import Report
from aduan.services import reports
from aduan.services.reports import NewReport, ReporterInput
from tests.factories import officer_at

pytestmark = pytest.mark.usefixtures("committed_master_data")

PERSON = ReporterInput("Rahmat Hidayat", "081298765432", "rahmat.h@example.id")
MONAS = {"lat": -6.1754, "lon": 106.8272}
# Every header Django sends must come from the fast path too, but these: the JSON does not depend on the
# language (Django's Content-Language only echoes the negotiation), and Date/Server belong to the server.
NOT_COMPARED = frozenset({"content-language", "date", "server"})


def submit(**fields: Any) -> reports.Submitted:
    values: dict[str, Any] = {"channel": "web", "description": "Jalan berlubang besar di depan sekolah"}
    values.update(MONAS)
    values.update(fields)
    return reports.submit_report(NewReport(**values))


async def _get(app: Any, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.get(path, **kwargs)


def both(path: str, **kwargs: Any) -> tuple[httpx.Response, httpx.Response]:
    """The answer of the served application (the fast path) and of Django's own view."""
    return asyncio.run(_get(application, path, **kwargs)), asyncio.run(
        _get(django_application, path, **kwargs)
    )


def assert_same(fast: httpx.Response, django: httpx.Response) -> None:
    assert fast.status_code == django.status_code
    assert fast.content == django.content
    names = {name.lower() for name in (*fast.headers, *django.headers)} - NOT_COMPARED
    for name in names:
        assert fast.headers.get(name) == django.headers.get(name), name


def django_requests(path: str) -> int:
    """How many requests Django's handler started while the served application answered ``path``."""
    started: list[object] = []

    def count(**kwargs: Any) -> None:
        started.append(kwargs)

    request_started.connect(count, dispatch_uid="test-fastget")
    try:
        asyncio.run(_get(application, path))
    finally:
        request_started.disconnect(dispatch_uid="test-fastget")
    return len(started)


def test_a_public_case_is_answered_as_djangos_view_answers_it() -> None:
    ticket = submit().report.ticket
    assert django_requests(f"/api/v1/reports/{ticket}") == 0  # served in front of Django
    assert django_requests(f"/api/v1/reports/{ticket}/") == 1  # the control: Django counts
    fast, django = both(f"/api/v1/reports/{ticket}")
    assert fast.status_code == 200 and fast.json()["ticket"] == ticket
    assert_same(fast, django)
    # Typed in lower case and without the dash, as people copy tickets.
    assert_same(*both(f"/api/v1/reports/{ticket.lower().replace('-', '')}"))


def test_a_private_case_shows_its_content_only_with_the_reporters_token() -> None:
    created = submit(visibility="private", reporter=PERSON)
    ticket, token = created.report.ticket, created.access_token or ""
    hidden, django_hidden = both(f"/api/v1/reports/{ticket}")
    assert hidden.json()["description"] is None
    assert_same(hidden, django_hidden)
    full, django_full = both(f"/api/v1/reports/{ticket}", params={"token": token})
    assert full.json()["description"] == "Jalan berlubang besar di depan sekolah"
    assert_same(full, django_full)
    wrong, django_wrong = both(f"/api/v1/reports/{ticket}", params={"token": "bukan-token"})
    assert wrong.json()["description"] is None
    assert_same(wrong, django_wrong)
    assert "rahmat" not in full.text.lower() and "0812" not in full.text  # never the reporter


def test_a_change_is_seen_at_once_through_the_cache() -> None:
    ticket = submit().report.ticket
    before, _ = both(f"/api/v1/reports/{ticket}")
    holder = Report.objects.get(ticket=ticket).holder.code
    reports.accept(ticket, officer_at(holder).user)
    after, django = both(f"/api/v1/reports/{ticket}")
    assert before.json()["status"] == "menunggu" and after.json()["status"] == "proses"
    assert_same(after, django)


@pytest.mark.parametrize("ticket", ["ZZZZ-ZZZZ", "bukan tiket", "%00", "a" * 300])
def test_an_unknown_or_malformed_ticket_is_the_same_404(ticket: str) -> None:
    fast, django = both(f"/api/v1/reports/{ticket}")
    assert fast.status_code == 404
    assert_same(fast, django)


def test_other_requests_on_the_path_still_go_to_django() -> None:
    ticket = submit().report.ticket
    # A trailing slash, another method and the neighbouring route are Django's, answered as before.
    assert_same(*both(f"/api/v1/reports/{ticket}/"))
    similar = asyncio.run(_get(application, "/api/v1/reports/similar", params={**MONAS, "text": "jalan"}))
    assert similar.status_code == 200 and isinstance(similar.json(), list)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.post(f"/api/v1/reports/{ticket}")

    assert asyncio.run(post()).status_code == 405


def test_a_host_django_would_refuse_is_refused() -> None:
    ticket = submit().report.ticket
    fast, django = both(f"/api/v1/reports/{ticket}", headers={"host": "evil.example"})
    assert fast.status_code == django.status_code == 400
