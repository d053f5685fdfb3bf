"""Fixtures for the browser tests: Debian's Chromium under Playwright against pytest-django's live server.

Read docs/browser-tests.md. In short: the live server (a thread of this process, static files served by
``django.contrib.staticfiles``) answers Chromium; Playwright's sync API drives it from the test thread; the
data are made through the services and committed (``transactional_db``) so the server thread sees them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("ADUAN_CHROMIUM", "/usr/bin/chromium"))
# Failures show within seconds instead of Playwright's default 30 s; every wait is for a selector, a URL
# or a navigation, never a fixed time.
TIMEOUT_MS = 10_000
STREAM = re.compile(r"/api/v1/reports/[^/]+/stream/?(\?|$)")
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module, skipped (never failed) where it is missing or cannot start.

    Module- rather than session-scoped on purpose: Playwright's sync API keeps an asyncio loop marked as
    running on this thread from start() to stop(), and Django then refuses every ORM call from the
    thread ("You cannot call this from an async context"), in the other modules' tests too. The loop
    is stopped when this module ends, and only while it runs is DJANGO_ALLOW_ASYNC_UNSAFE set: the ORM
    calls here are plain synchronous code between Playwright calls, never inside a coroutine."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not installed at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed: pip install -e '.[test]'")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            playwright = sync_playwright().start()
        except Exception as exc:  # Playwright's own driver (shipped in the wheel) did not start
            pytest.skip(f"Playwright did not start: {exc}".splitlines()[0])
        try:
            # Never `playwright install`: the machine's own Chromium is used.
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        except Exception as exc:  # any launch failure (missing libraries, sandbox): skip with its reason
            playwright.stop()
            pytest.skip(f"chromium at {CHROMIUM} did not start under Playwright: {exc}".splitlines()[0])
        yield chromium
        chromium.close()
        playwright.stop()


@dataclass
class Problems:
    """What a page did wrong besides what a test asserts: script errors, failed or refused requests."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any, host: str, *, stream: bool = False) -> None:
        page.on("pageerror", lambda error: self.items.append(f"script error: {error}"))
        page.on(
            "console",
            lambda msg: (
                self.items.append(f"console {msg.type}: {msg.text} ({msg.location.get('url')})")
                if msg.type == "error"
                else None
            ),
        )
        page.on(
            "response",
            lambda r: (
                self.items.append(f"HTTP {r.status} {r.request.method} {r.url}")
                if r.status >= 500 or (r.status == 404 and "/static/" in r.url)
                else None
            ),
        )

        def only_here(route: Any) -> None:
            if not stream and STREAM.search(route.request.url):
                # The case's event stream is served by the ASGI app (aduan.asgi, api/stream.py) beside
                # Django, which the WSGI live server does not run: answered "204 No Content", which
                # tells EventSource to stop without retrying, instead of a 404 from Django.
                route.fulfill(status=204)
                return
            # Pages load only local files (no CDN, map tiles only from ADUAN_MAP_TILES, unset here); a
            # request anywhere else is refused and reported rather than sent off this machine.
            if urlsplit(route.request.url).hostname == host:
                route.continue_()
            else:
                self.items.append(f"request off the site: {route.request.url}")
                route.abort()

        page.route("**/*", only_here)


@pytest.fixture
def site(
    live_server: Any, committed_master_data: None, gambir_polygon: None, settings: Any, tmp_path: Path
) -> str:
    """The live server's base URL, with the master data committed, uploads in a temporary folder, and
    Kelurahan Gambir given a square around Monas (without ../shared/data there are no polygons)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return str(live_server.url)


@pytest.fixture
def new_page(browser: Any, site: str) -> Iterator[Callable[..., Any]]:
    """``new_page(phone=False, base_url=None)``: a page in a fresh browser context (its own cookies: one
    officer each).

    At the end every page must have had no script error, no failed request and no request off the site."""
    contexts: list[Any] = []
    problems = Problems()
    host = urlsplit(site).hostname

    def make(*, phone: bool = False, base_url: str | None = None) -> Any:
        """``base_url``: another server of this test (``asgi_site``), whose live stream is then real."""
        context = browser.new_context(base_url=base_url or site, locale="id-ID", **(PHONE if phone else {}))
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page, urlsplit(base_url).hostname if base_url else host, stream=base_url is not None)
        return page

    yield make
    for context in contexts:
        context.close()
    if problems.items:
        pytest.fail("the browser saw problems:\n" + "\n".join(problems.items))


@pytest.fixture
def asgi_site(site: str, settings: Any) -> Iterator[str]:
    """uvicorn serving ``aduan.asgi:application`` (Django and the live stream) on a free port, in a thread
    of this process so that it uses the test database, as tests/api/test_stream.py does; static files
    through Django's ASGI static handler (WhiteNoise only serves ``collectstatic``'s folder)."""
    import socket
    import threading
    import time

    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from aduan.asgi import application

    settings.ADUAN_SSE_POLL = 0.05
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # a bounded poll for the server's start, not a wait for the test's result
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)
    assert not thread.is_alive(), "uvicorn did not stop"
