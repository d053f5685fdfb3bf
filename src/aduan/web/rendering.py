"""Renders this package's templates (web/templates) with the project's context processors.

The project's TEMPLATES setting only searches the ``aduan`` app's own ``templates`` folder, so the web
pages carry their own engine: the same options, plus this package's folder. ``render`` has the
signature of ``django.shortcuts.render``; once settings list web/templates it can be swapped for it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.backends.django import DjangoTemplates

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@cache
def engine() -> DjangoTemplates:
    project = next(
        (t for t in settings.TEMPLATES if t["BACKEND"] == "django.template.backends.django.DjangoTemplates"),
        {},
    )
    options = {"context_processors": list(project.get("OPTIONS", {}).get("context_processors", []))}
    return DjangoTemplates(
        {"NAME": "aduan-web", "DIRS": [TEMPLATE_DIR], "APP_DIRS": True, "OPTIONS": options}
    )


def render(
    request: HttpRequest, template_name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    content = engine().get_template(template_name).render(context or {}, request)
    return HttpResponse(content, status=status)
