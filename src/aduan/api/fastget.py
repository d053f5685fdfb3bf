"""GET /api/v1/reports/{ticket} served in front of Django: the same cached public JSON, without the
middleware, URL resolver and django-ninja around it.

The public view of a case is the most frequent request (every watcher's page, every share of a link) and
its answer is one indexed query plus a per-process cache (services.presenters.public_json). Through
Django's handler that cost 1.1 ms of server CPU a request, two thirds of it the machinery around the
view (docs/benchmarks.md). The answer here is the view's byte for byte, with every header Django sends
but Content-Language (the JSON is the same in every language); anything else on the path (HEAD, a
trailing slash, /reports/similar) goes to Django as before. ADUAN_FAST_GET=0 sends everything to Django.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import close_old_connections
from django.http.request import split_domain_port, validate_host

from aduan.services import presenters
from aduan.services.reports import NotFound

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]

PATH = re.compile(r"^/api/v1/reports/(?P<ticket>[^/]+)$")
# Other routes with one segment after /reports/ (django-ninja's, api/views.py).
NOT_A_TICKET = frozenset({"similar"})

# What SecurityMiddleware and XFrameOptionsMiddleware add to every response of the API.
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

_executor: ThreadPoolExecutor | None = None


def enabled() -> bool:
    return os.environ.get("ADUAN_FAST_GET", "1") != "0"


def matches(scope: Scope) -> bool:
    if scope["method"] != "GET":
        return False
    found = PATH.match(scope["path"])
    return found is not None and found.group("ticket") not in NOT_A_TICKET


def _threads() -> ThreadPoolExecutor:
    """A few threads of this path's own, so that a burst of reads never waits for (or holds up) the
    request pool or the live streams' reads; each keeps one database connection (SQLite) or returns it
    to the pool after every read (PostgreSQL), as at the end of a request."""
    global _executor
    if _executor is None:
        count = int(os.environ.get("ADUAN_FAST_GET_THREADS", 4))
        _executor = ThreadPoolExecutor(max_workers=count, thread_name_prefix="aduan-fast-get")
    return _executor


def _read(ticket: str, token: str) -> tuple[int, bytes, bytes]:
    close_old_connections()
    try:
        return 200, presenters.public_json(ticket, token), b"application/json"
    except NotFound as exc:
        # As django-ninja renders the NotFound handler's answer (json.dumps with its defaults).
        body = json.dumps({"detail": exc.message, "errors": []}).encode()
        return 404, body, b"application/json; charset=utf-8"
    finally:
        close_old_connections()


def _host_allowed(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            domain, _port = split_domain_port(value.decode("latin-1"))
            return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
    return False


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """One GET of a case's public view (scope type "http", a path that `matches`)."""
    if not _host_allowed(scope):
        status, body, content_type = 400, b"Bad Request (400)", b"text/html; charset=utf-8"
    else:
        ticket = PATH.match(scope["path"]).group("ticket")  # type: ignore[union-attr]
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = query.get("token", [""])[-1]
        loop = asyncio.get_running_loop()
        status, body, content_type = await loop.run_in_executor(_threads(), _read, ticket, token)
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
