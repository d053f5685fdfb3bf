"""GET /api/v1/reports/{ticket}/stream: a case's events as Server-Sent Events, on asyncio, holding no thread.

A pure ASGI application (aduan.asgi routes the stream path here; everything else goes to Django on its
thread pool). An open stream is a coroutine waiting on its queue in services.events_hub, so a worker
holds thousands of them; the database is read on the hub's threads only. See docs/live.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
import signal
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from types import FrameType
from typing import Any
from urllib.parse import parse_qs

from aduan.domain.tickets import normalize_ticket
from aduan.services import events_hub
from aduan.services.events_hub import Subscription, Unavailable
from aduan.services.reports import NotFound

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

logger = logging.getLogger("aduan.live")

PREFIX = "/api/v1/reports/"
PATH = re.compile(r"^/api/v1/reports/(?P<ticket>[^/]+)/stream/?$")
MAX_EVENT_ID = 2**63 - 1
HEARTBEAT = b": ping\n\n"


def matches(path: str) -> bool:
    return path.startswith(PREFIX) and path.endswith(("/stream", "/stream/")) and bool(PATH.match(path))


async def _json(send: Send, status: int, body: dict[str, Any], *extra: tuple[bytes, bytes]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class BadInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _event_id(value: str, field: str) -> int:
    text = value.strip()
    if not text.isdigit() or int(text) > MAX_EVENT_ID:
        raise BadInput(field, "harus berupa nomor peristiwa (bilangan bulat 0 atau lebih).")
    return int(text)


def resume_point(scope: Scope, query: dict[str, list[str]]) -> int:
    """Where the client left off: the Last-Event-ID header (what EventSource sends when it reconnects)
    wins over ?last_event_id= (a page's first connection, or a client that cannot set headers)."""
    for name, value in scope.get("headers", ()):
        if name == b"last-event-id" and value.strip():
            return _event_id(value.decode("latin-1"), "Last-Event-ID")
    values = query.get("last_event_id")
    if values and values[0].strip():
        return _event_id(values[0], "last_event_id")
    return 0


def _headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"text/event-stream; charset=utf-8"),
        # A private case's stream carries its notes: no cache may keep it; no proxy may buffer it.
        (b"cache-control", b"no-store, no-transform"),
        (b"x-accel-buffering", b"no"),
        (b"x-content-type-options", b"nosniff"),
    ]


async def _watch_disconnect(receive: Receive, subscription: Subscription) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            subscription.close("disconnect")
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """The stream itself (scope type "http", a path that `matches`)."""
    if scope["method"] not in ("GET", "HEAD"):
        body = {"detail": "Metode tidak diizinkan: gunakan GET.", "errors": []}
        await _json(send, 405, body, (b"allow", b"GET"))
        return
    match = PATH.match(scope["path"])
    raw_ticket = match.group("ticket") if match else ""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    try:
        after = resume_point(scope, query)
    except BadInput as exc:
        errors = [{"field": exc.field, "message": exc.message}]
        await _json(send, 422, {"detail": "Ada isian yang tidak valid.", "errors": errors})
        return
    ticket = normalize_ticket(raw_ticket)
    if ticket is None:
        await _json(send, 404, {"detail": NotFound(f"Laporan {raw_ticket}").message, "errors": []})
        return
    hub = events_hub.get_hub()
    if hub.full:
        detail = "Terlalu banyak pemantauan langsung di server ini; coba lagi sebentar."
        await _json(send, 503, {"detail": detail, "errors": []}, (b"retry-after", b"5"))
        return
    try:
        subscription = await hub.subscribe(ticket)
    except Unavailable:
        detail = "Pemantauan langsung sedang tidak tersedia; coba lagi sebentar."
        await _json(send, 503, {"detail": detail, "errors": []}, (b"retry-after", b"5"))
        return
    watcher = asyncio.ensure_future(_watch_disconnect(receive, subscription))
    try:
        await _stream(scope, send, hub, subscription, query.get("token", [""])[0], after)
    except asyncio.CancelledError:
        if not subscription.cut:
            raise
        # Cut off: the client stopped reading. Returning lets the server close the connection.
    finally:
        hub.unsubscribe(subscription)
        watcher.cancel()


async def _stream(
    scope: Scope, send: Send, hub: events_hub.Hub, subscription: Subscription, token: str, after: int
) -> None:
    try:
        opened = await hub.run_db(events_hub.open_stream, subscription.ticket, token, after)
    except NotFound as exc:
        await _json(send, 404, {"detail": exc.message, "errors": []})
        return
    await send({"type": "http.response.start", "status": 200, "headers": _headers()})
    if scope["method"] == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return
    # Spread reconnections (after a restart every client comes back at once).
    retry_ms = int(events_hub.setting("ADUAN_SSE_RETRY_MS", 3000) * random.uniform(1.0, 1.5))
    heartbeat = events_hub.setting("ADUAN_SSE_HEARTBEAT", 15.0)
    sent = {event.id for event in opened.backlog}
    first = [f"retry: {retry_ms}\n\n".encode(), *(event.frame for event in opened.backlog)]
    await send({"type": "http.response.body", "body": b"".join(first), "more_body": True})
    while True:
        batch = await subscription.next(heartbeat)
        if batch is None:
            break
        if batch:
            # The backlog may already hold what the hub found meanwhile: each event goes out once.
            chunk = b"".join(e.frame for e in batch if e.id > after and e.id not in sent)
            if not chunk:
                continue
        else:
            chunk = HEARTBEAT
        subscription.sending = True
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
        subscription.sending = False
    if subscription.reason != "disconnect":
        subscription.sending = True
        await send({"type": "http.response.body", "body": b"", "more_body": False})


# ---------------------------------------------------------------- server shutdown


async def lifespan(
    scope: Scope, receive: Receive, send: Send, on_startup: Callable[[], Awaitable[None]] | None = None
) -> None:
    """ASGI lifespan: at startup, run ``on_startup`` and end the streams as soon as the server is told to
    stop.

    uvicorn waits for open responses before it sends lifespan.shutdown, and a stream never ends by
    itself, so waiting for that message would keep a stopping server up forever. Its signal handlers
    are in place by startup; ours runs first and then hands the signal on."""
    loop = asyncio.get_running_loop()
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _hook_signals(loop)
            if on_startup is not None:
                await on_startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            events_hub.shutdown(loop, final=True)
            await send({"type": "lifespan.shutdown.complete"})
            return


def _hook_signals(loop: asyncio.AbstractEventLoop) -> None:
    if threading.current_thread() is not threading.main_thread():
        return  # signals reach the main thread only (a server run inside a test's thread)
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(signum)
        if not callable(previous):
            continue

        def handler(number: int, frame: FrameType | None, previous: Any = previous) -> None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(events_hub.shutdown, loop)
            previous(number, frame)

        signal.signal(signum, handler)
