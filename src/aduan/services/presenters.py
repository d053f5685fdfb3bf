"""Turns reports into payloads for the API and the pages; the one place that decides what the public sees."""

from __future__ import annotations

from typing import Any

from aduan.models import Category, Region, Report, Unit
from aduan.services import reports
from aduan.services.reports import Submitted


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
        # A report that was just created cannot have others merged into it yet.
        "cluster": None if result.created else reports.cluster_ticket(report),
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
            "note": event.reason if visible else "",
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
