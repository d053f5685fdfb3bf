"""What the page modules share (web/pages.py): what a browser remembers in its session."""

from __future__ import annotations

from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from aduan.web.pages import remember


def test_the_session_keeps_only_the_newest_entries_and_a_repeat_counts_as_new() -> None:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    for ticket in ("A", "B", "C"):
        remember(request, "kunci", ticket, f"token-{ticket}", kept=2)
    assert request.session["kunci"] == {"B": "token-B", "C": "token-C"}
    remember(request, "kunci", "B", "token-B2", kept=2)  # B again: now the newest
    remember(request, "kunci", "D", "token-D", kept=2)
    assert request.session["kunci"] == {"B": "token-B2", "D": "token-D"}
