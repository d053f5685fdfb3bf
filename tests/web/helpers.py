"""Helpers for the web page tests: HTML text as a person reads it, and reports made by the services."""

from __future__ import annotations

import html
import re

from aduan.models import Report
from aduan.services import reports
from aduan.services.reports import NewReport, ReporterInput, Submitted

GAMBIR = "KEL-31.71.01.1001"
MONAS = {"lat": "-6.1754", "lon": "106.8272"}


def text(response) -> str:
    """The response body with HTML entities decoded (so quotes in messages compare plainly)."""
    return html.unescape(response.content.decode())


def field_block(response, name: str) -> str:
    """The rendered block of one form field (label, help, errors, widget), found by its input name."""
    for block in re.split(r'(?=<div class="field)', response.content.decode()):
        if f'name="{name}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {name!r} in the page")


def submit(description: str = "Jalan berlubang di depan sekolah", **kwargs) -> Submitted:
    """A report filed through the service (no point: it lands at the triage desk)."""
    reporter = kwargs.pop("reporter", ReporterInput())
    return reports.submit_report(
        NewReport(channel="web", description=description, reporter=reporter, **kwargs)
    )


def event_count(report: Report) -> int:
    return report.events.count()
