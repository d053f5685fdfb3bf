"""What the case page's live updates (static aduan/live.js) need: the stream's address and the words."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from aduan.web.labels import ACTION_LABELS, STATUS_LABELS


def page_config(payload: dict[str, Any], token: str = "") -> dict[str, Any] | None:
    """For json_script: the stream of this case (with the reporter's token when the page has it,
    continuing after the last event the page already shows) and the labels the page uses. None where
    the page hides the case (a private one seen without its link): there is no stream to follow."""
    if payload.get("description") is None:
        return None
    timeline = payload.get("timeline") or []
    params = {"token": token} if token else {}
    if timeline:
        params["last_event_id"] = str(timeline[-1]["id"])
    query = f"?{urlencode(params)}" if params else ""
    return {
        "url": f"/api/v1/reports/{payload['ticket']}/stream{query}",
        "statuses": {code: str(text) for code, text in STATUS_LABELS.items()},
        "actions": {code: str(text) for code, text in ACTION_LABELS.items()},
        "text": {
            "on": _("Halaman ini diperbarui langsung."),
            "reconnecting": _("Pembaruan langsung terputus; menyambung lagi…"),
            "updated": _("Diperbarui"),
            "none": _("belum ditetapkan"),
        },
    }
