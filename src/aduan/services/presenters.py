"""Turns reports into payloads for the API and the pages; the one place that decides what the public sees."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any

from ninja.responses import NinjaJSONEncoder

from aduan.domain.tickets import normalize_ticket
from aduan.models import Category, Region, Report, ReportEvent, Unit
from aduan.services import reports
from aduan.services.reports import NotFound, Submitted

# Rendered public views by report id, each valid for the report's updated_at: a reporter refreshing the
# page costs one indexed query. Names of units and categories renamed by an admin age out after the TTL.
PUBLIC_CACHE_SIZE = 10_000
PUBLIC_CACHE_TTL = 300.0
_public_cache: OrderedDict[int, tuple[datetime, float, bytes]] = OrderedDict()
_public_lock = threading.Lock()


# What an officer asks the reporter, and anything the reporter wrote after filing (a comment, an answer, a
# dispute's reason), may carry their name, phone or address: never public, whatever the visibility.
_ASKED_OF_THE_REPORTER = frozenset({"ask"})


def note_is_private(action: str, actor_kind: str) -> bool:
    """Whether an event's note stays out of every public view (the JSON, the live stream, Open311)."""
    return actor_kind == ReportEvent.ActorKind.REPORTER or action in _ASKED_OF_THE_REPORTER


def code_name(obj: Region | Unit | Category | None) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def created_payload(result: Submitted) -> dict[str, Any]:
    report = result.report
    return {
        "ticket": report.ticket,
        "status": report.status,
        "jenis": report.jenis,
        "category": code_name(report.category),
        "kelurahan": code_name(report.kelurahan),
        "holder": code_name(report.holder),
        # A new report has a cluster only when intake joined it to the case of the same problem.
        "cluster": reports.cluster_ticket(report) if report.merged_into_id or not result.created else None,
        "access_token": result.access_token,
        "created": result.created,
    }


def public_payload(report: Report, show_private: bool = False) -> dict[str, Any]:
    """The public view: never the reporter's name, phone or e-mail; a private report also hides its
    content, place and timeline notes unless the reporter's own access token is given."""
    visible = report.visibility == Report.Visibility.PUBLIC or show_private
    events = report.events.select_related("holder", "actor_unit").order_by("id")
    timeline = [
        {
            "id": event.id,
            "at": event.created_at,
            "action": event.action,
            "status": event.to_status,
            "holder": code_name(event.holder),
            "unit": code_name(event.actor_unit),
            # Notes may quote the report or name the place, so a private report keeps them hidden too.
            "note": event.reason if visible and not note_is_private(event.action, event.actor_kind) else "",
        }
        for event in events
    ]
    return {
        "ticket": report.ticket,
        "status": report.status,
        "jenis": report.jenis,
        "channel": report.channel,
        "visibility": report.visibility,
        "category": code_name(report.category),
        "kelurahan": code_name(report.kelurahan),
        "holder": code_name(report.holder),
        "cluster": reports.cluster_ticket(report),
        "description": report.description if visible else None,
        "address": report.address if visible else None,
        "landmark": report.landmark if visible else None,
        "lat": report.lat if visible else None,
        "lon": report.lon if visible else None,
        "ews_date": report.ews_date.isoformat() if report.ews_date else None,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "closed_at": report.closed_at,
        "timeline": timeline,
    }


def public_json(ticket: str, token: str = "") -> bytes:
    """The public view of a report as JSON bytes; with the reporter's token, a private report in full."""
    canonical = normalize_ticket(ticket)
    rows = (
        list(
            Report.objects.filter(ticket=canonical)
            .order_by()
            .values_list("id", "updated_at", "visibility", "access_token_hash")[:1]
        )
        if canonical
        else []
    )
    if not rows:
        raise NotFound(f"Laporan {ticket}")
    report_id, updated_at, visibility, token_hash = rows[0]
    if visibility == Report.Visibility.PRIVATE and reports.token_matches(token_hash, token):
        return _render(_load(report_id), show_private=True)  # the reporter's own view is never cached
    with _public_lock:
        hit = _public_cache.get(report_id)
        if hit is not None and hit[0] == updated_at and hit[1] > time.monotonic():
            _public_cache.move_to_end(report_id)
            return hit[2]
    body = _render(_load(report_id), show_private=False)
    with _public_lock:
        _public_cache[report_id] = (updated_at, time.monotonic() + PUBLIC_CACHE_TTL, body)
        _public_cache.move_to_end(report_id)
        while len(_public_cache) > PUBLIC_CACHE_SIZE:
            _public_cache.popitem(last=False)
    return body


def clear_public_cache() -> None:
    with _public_lock:
        _public_cache.clear()


def _load(report_id: int) -> Report:
    return Report.objects.select_related("category", "kelurahan", "holder").get(pk=report_id)


def _render(report: Report, show_private: bool) -> bytes:
    return json.dumps(public_payload(report, show_private), cls=NinjaJSONEncoder).encode()
