"""Live case events for Server-Sent Events: one hub per process finds new ReportEvent rows and fans them out.

Any process may write an event (a web thread, the worker, another uvicorn worker, a command), so the hub
does not rely on being told: a few times per second it asks the database for the rows after the last id
it has seen (one indexed primary-key range query, the same on SQLite and PostgreSQL), renders each event
of a watched case once as an SSE frame, and hands the bytes to every stream of that case. Being told only
makes it look sooner: a write in this process wakes it when it commits, and on PostgreSQL a NOTIFY sent
inside the writing transaction (delivered on commit) wakes the hubs of the other processes.

Ordering. Events of one case are written under that case's row lock (services.reports._perform), so their
ids grow in commit order. Across cases they need not: on PostgreSQL a transaction may take id 10, another
id 11 and commit first. The hub therefore remembers the ids it skipped over ("holes") and asks for them
again until they appear or are older than HOLE_TTL (a rolled-back insert leaves a hole for good).

No gap, no duplicate. A stream subscribes before it reads its backlog from the database. An event
committed before that read is in the backlog; one committed after it is found by a poll that starts after
the subscription, so the hub delivers it. Where both happen the stream drops the copy by id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection, transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.signals import post_save

from aduan.models import Report, ReportEvent
from aduan.services import reports
from aduan.services.presenters import note_is_private
from aduan.services.reports import NotFound

logger = logging.getLogger("aduan.live")

P = ParamSpec("P")
T = TypeVar("T")

NOTIFY_CHANNEL = "aduan_report_events"
# A transaction that holds an event id for longer than this is taken to have rolled back.
HOLE_TTL = 120.0
HOLES_KEPT = 10_000
# How far back the hub looks for ids still in flight when it starts.
START_WINDOW = 1_000
BATCH = 2_000
# Polls closer together than this are merged: a burst of writes costs one query, not one each.
MIN_POLL_GAP = 0.02
# A client that stopped reading has this long after its queue overflowed before it is cut off.
STUCK_GRACE = 5.0


def setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def notify_enabled() -> bool:
    """PostgreSQL LISTEN/NOTIFY on top of polling (ADUAN_SSE_NOTIFY, on by default)."""
    return bool(getattr(settings, "ADUAN_SSE_NOTIFY", True))


# ---------------------------------------------------------------- what a stream sends


@dataclass(frozen=True)
class LiveEvent:
    """One ReportEvent as it goes out: its id, the ticket of its case and the rendered SSE frame."""

    id: int
    ticket: str
    frame: bytes


# Read as plain rows (no model instances): a burst of reconnecting clients is mostly this query.
EVENT_FIELDS = (
    "id",
    "created_at",
    "action",
    "actor_kind",
    "to_status",
    "reason",
    "holder__code",
    "holder__name",
    "actor_unit__code",
    "actor_unit__name",
    "report__ticket",
    "report__status",
    "report__holder__code",
    "report__holder__name",
    "report__completion_due_at",
    "report__ews_date",
    "report__closed_at",
)


def _code_name(row: dict[str, Any], prefix: str) -> dict[str, str] | None:
    code = row[f"{prefix}__code"]
    return {"code": code, "name": row[f"{prefix}__name"]} if code is not None else None


def event_payload(row: dict[str, Any]) -> dict[str, Any]:
    """An entry of the public timeline (services.presenters.public_payload) plus the case as it is now.

    A stream of a private case exists only for its reporter's token, so its notes are shown as in the
    reporter's own view; what an officer asks the reporter and what the reporter answers never are (they
    may carry a name, a phone number or an address). Nothing about the reporter is in it."""
    return {
        "id": row["id"],
        "at": row["created_at"],
        "action": row["action"],
        "status": row["to_status"],
        "holder": _code_name(row, "holder"),
        "unit": _code_name(row, "actor_unit"),
        "note": "" if note_is_private(row["action"], row["actor_kind"]) else row["reason"],
        "ticket": row["report__ticket"],
        "case": {
            "status": row["report__status"],
            "holder": _code_name(row, "report__holder"),
            "completion_due_at": row["report__completion_due_at"],
            "ews_date": row["report__ews_date"],
            "closed_at": row["report__closed_at"],
        },
    }


def render(row: dict[str, Any]) -> LiveEvent:
    data = json.dumps(event_payload(row), cls=DjangoJSONEncoder, separators=(",", ":"))
    # json.dumps escapes every line break, so the data is one SSE line; the action is a plain code.
    frame = f"id: {row['id']}\nevent: {row['action']}\ndata: {data}\n\n".encode()
    return LiveEvent(row["id"], row["report__ticket"], frame)


def _rendered(events: QuerySet[ReportEvent]) -> list[LiveEvent]:
    return [render(row) for row in events.order_by("id").values(*EVENT_FIELDS)]


# ---------------------------------------------------------------- the database side (worker threads)


@dataclass(frozen=True)
class Opened:
    ticket: str
    backlog: list[LiveEvent]


def open_stream(ticket: str, token: str, after_id: int) -> Opened:
    """The case's events after ``after_id``; NotFound for an unknown ticket and for a private case
    without its reporter's token (its existence is not confirmed)."""
    rows = list(
        Report.objects.filter(ticket=ticket)
        .order_by()
        .values_list("id", "visibility", "access_token_hash")[:1]
    )
    if not rows or (rows[0][1] == Report.Visibility.PRIVATE and not reports.token_matches(rows[0][2], token)):
        raise NotFound(f"Laporan {ticket}")
    return Opened(ticket, _rendered(ReportEvent.objects.filter(report_id=rows[0][0], id__gt=after_id)))


def start_position(window: int = START_WINDOW) -> tuple[int, list[int]]:
    """The newest event id, and the ids below it (within ``window``) that are not there: possibly
    transactions still in flight."""
    top = ReportEvent.objects.aggregate(top=Max("id"))["top"] or 0
    low = max(0, top - window)
    present = set(ReportEvent.objects.filter(id__gt=low).values_list("id", flat=True))
    return top, [i for i in range(low + 1, top + 1) if i not in present]


def new_rows(after: int, holes: Collection[int], limit: int = BATCH) -> list[tuple[int, str]]:
    """(id, ticket) of the events after ``after`` and of the awaited ``holes`` that now exist."""
    where = Q(id__gt=after)
    if holes:
        where |= Q(id__in=list(holes))
    rows = ReportEvent.objects.filter(where).order_by("id").values_list("id", "report__ticket")[:limit]
    return list(rows)


def load(ids: Iterable[int]) -> list[LiveEvent]:
    return _rendered(ReportEvent.objects.filter(id__in=list(ids)))


def poll(
    after: int, holes: Collection[int], watched: frozenset[str]
) -> tuple[list[tuple[int, str]], list[LiveEvent]]:
    """One poll in one thread hop: the new rows, and those of them on the ``watched`` cases rendered."""
    rows = new_rows(after, holes)
    wanted = [event_id for event_id, ticket in rows if ticket in watched]
    return rows, load(wanted) if wanted else []


# ---------------------------------------------------------------- one stream's queue


class Subscription:
    """The events waiting for one stream: bounded, so a client that stops reading costs a fixed amount
    of memory; on overflow the stream is ended and the client resumes with Last-Event-ID."""

    __slots__ = (
        "_limit",
        "_loop",
        "_queue",
        "_waiter",
        "closed",
        "cut",
        "reason",
        "sending",
        "task",
        "ticket",
    )

    def __init__(self, ticket: str, limit: int, loop: asyncio.AbstractEventLoop) -> None:
        self.ticket = ticket
        self._limit = limit
        self._loop = loop
        self._queue: deque[LiveEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.reason = ""
        self.sending = False  # the stream is inside send(), which waits while the client does not read
        self.cut = False  # its task was cancelled for that
        self.task: asyncio.Task[Any] | None = asyncio.current_task(loop)

    def push(self, event: LiveEvent) -> None:
        if self.closed:
            return
        if len(self._queue) >= self._limit:
            self.close("overflow")
            return
        self._queue.append(event)
        self._wake()

    def close(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.reason = reason
        self._queue.clear()
        self._wake()
        if reason != "disconnect":
            # The stream still has a send() to make (its end), which waits while the client does not read.
            self._loop.call_later(STUCK_GRACE, self._cut_off)

    def _cut_off(self) -> None:
        if self.sending and self.task is not None and not self.task.done():
            logger.info("live: cutting off a stream of %s whose client stopped reading", self.ticket)
            self.cut = True
            self.task.cancel()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next(self, timeout: float) -> list[LiveEvent] | None:
        """The waiting events; [] when ``timeout`` passed without any (time for a heartbeat); None once
        the subscription is closed."""
        if not self._queue and not self.closed:
            self._waiter = self._loop.create_future()
            timer = self._loop.call_later(timeout, self._wake)
            try:
                await self._waiter
            finally:
                timer.cancel()
                self._waiter = None
        if self.closed:
            return None
        batch = list(self._queue)
        self._queue.clear()
        return batch


# ---------------------------------------------------------------- the hub


class Unavailable(Exception):
    """The hub cannot watch the database (it could not read its starting position)."""


class Hub:
    """One per event loop (per server process): polls for new events and fans them out."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.poll_interval = setting("ADUAN_SSE_POLL", 0.25)
        self.queue_limit = int(setting("ADUAN_SSE_QUEUE", 64))
        self.max_streams = int(setting("ADUAN_SSE_MAX_STREAMS", 10_000))
        self.listen = notify_enabled() and connection.vendor == "postgresql"
        self.executor = ThreadPoolExecutor(
            max_workers=int(setting("ADUAN_SSE_THREADS", 2)), thread_name_prefix="aduan-live"
        )
        self.subscribers: dict[str, set[Subscription]] = {}
        self.count = 0
        self.last_seen = 0
        self.holes: dict[int, float] = {}  # id → when it was first missed
        self.polls = 0
        self.wakeups = 0
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._wake_event = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self._closed = False

    # -- streams

    @property
    def full(self) -> bool:
        return self.count >= self.max_streams

    async def subscribe(self, ticket: str) -> Subscription:
        """Registers a stream of ``ticket``; returns once the hub knows where it starts, so that every
        event committed after this returns reaches the subscription."""
        if self._closed:
            raise Unavailable("the server is shutting down")
        subscription = Subscription(ticket, self.queue_limit, self.loop)
        self.subscribers.setdefault(ticket, set()).add(subscription)
        self.count += 1
        if self._task is None:
            self._ready = self.loop.create_future()
            self._task = self.loop.create_task(self._run(self._ready))
        ready = self._ready
        assert ready is not None
        try:
            await asyncio.shield(ready)
        except BaseException:
            self.unsubscribe(subscription)
            raise
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        streams = self.subscribers.get(subscription.ticket)
        if streams is None or subscription not in streams:
            return
        streams.discard(subscription)
        self.count -= 1
        if not streams:
            del self.subscribers[subscription.ticket]

    def watches(self, ticket: str) -> bool:
        return ticket in self.subscribers

    def wake(self) -> None:
        self.wakeups += 1
        self._wake_event.set()

    def close_all(self, reason: str = "shutdown") -> None:
        """Ends every stream (server shutdown: clients reconnect to another worker and resume)."""
        self._closed = True
        for streams in list(self.subscribers.values()):
            for subscription in list(streams):
                subscription.close(reason)

    async def run_db(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs a database function on the hub's few threads. Afterwards the connection is handled as at
        the end of a request: on PostgreSQL (CONN_MAX_AGE 0) it goes back to the pool; SQLite's stays
        open in its thread (one per hub thread), as the request threads' do, instead of being reopened
        for every poll; a broken one is closed."""

        def call() -> T:
            close_old_connections()
            try:
                return function(*args, **kwargs)
            finally:
                close_old_connections()

        return await self.loop.run_in_executor(self.executor, call)

    # -- the polling task

    async def _run(self, ready: asyncio.Future[None]) -> None:
        try:
            try:
                self.last_seen, missing = await self.run_db(start_position)
            except Exception as exc:
                logger.exception("live: cannot read the position of the event log")
                ready.set_exception(Unavailable(str(exc)))
                ready.exception()  # retrieved: the waiting streams get it through their own shield
                return
            now = time.monotonic()
            self.holes = dict.fromkeys(missing, now)
            if self.listen and self._listener is None:
                self._listener = self.loop.create_task(self._listen())
            ready.set_result(None)
            last_poll = 0.0
            while self.subscribers:
                timeout = self.poll_interval - (time.monotonic() - last_poll)
                if timeout > 0 and not self._wake_event.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake_event.wait(), timeout)
                gap = MIN_POLL_GAP - (time.monotonic() - last_poll)
                if gap > 0:
                    await asyncio.sleep(gap)
                self._wake_event.clear()
                if not self.subscribers:
                    break
                last_poll = time.monotonic()
                try:
                    full = await self._poll()
                except Exception:
                    logger.exception("live: polling the event log failed; retrying")
                    await asyncio.sleep(1.0)
                    continue
                if full:
                    self._wake_event.set()  # more rows are waiting
        finally:
            self._task = None
            self._ready = None
            if self._listener is not None and not self.subscribers:
                self._listener.cancel()
                self._listener = None

    async def _poll(self) -> bool:
        """One round: new rows, then the watched ones rendered and handed out. True when the batch was
        full (more are waiting)."""
        self.polls += 1
        now = time.monotonic()
        for hole, since in list(self.holes.items()):
            if now - since > HOLE_TTL:
                del self.holes[hole]
        watched = frozenset(self.subscribers)
        rows, rendered = await self.run_db(poll, self.last_seen, list(self.holes), watched)
        if not rows:
            return False
        seen = {event_id for event_id, _ in rows}
        for event_id in seen & self.holes.keys():
            del self.holes[event_id]
        top = max(seen)
        if top > self.last_seen:
            for missing in range(self.last_seen + 1, top):
                if missing not in seen:
                    self.holes[missing] = now
            if len(self.holes) > HOLES_KEPT:
                for old in sorted(self.holes)[: len(self.holes) - HOLES_KEPT]:
                    del self.holes[old]
            self.last_seen = top
        # Who gets a row is decided only now, once it is known committed: a stream that subscribes from
        # here on reads it in its own backlog; one that subscribed while the query ran may not have, so
        # rows of cases that became watched meanwhile are rendered in a second hop.
        late = [e for e, ticket in rows if ticket in self.subscribers and ticket not in watched]
        if late:
            rendered = sorted([*rendered, *await self.run_db(load, late)], key=lambda event: event.id)
        for event in rendered:
            for subscription in list(self.subscribers.get(event.ticket, ())):
                subscription.push(event)
        return len(rows) >= BATCH

    async def _listen(self) -> None:
        """PostgreSQL only: LISTEN on a connection of its own; each NOTIFY wakes the poll early."""
        import psycopg
        from psycopg.conninfo import make_conninfo

        params = connection.settings_dict
        conninfo = make_conninfo(
            dbname=params["NAME"],
            user=params.get("USER") or None,
            password=params.get("PASSWORD") or None,
            host=params.get("HOST") or None,
            port=str(params["PORT"]) if params.get("PORT") else None,
        )
        while self.subscribers or self._task is not None:
            try:
                async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as listener:
                    await listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.wake()  # anything written while we were not listening
                    async for _ in listener.notifies():
                        self.wake()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("live: LISTEN connection lost; polling only until it is back", exc_info=True)
                await asyncio.sleep(2.0)


# ---------------------------------------------------------------- one hub per event loop

_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def get_hub() -> Hub:
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        hub = _hubs.get(loop)
        if hub is None:
            for gone in [other for other in _hubs if other.is_closed()]:
                _hubs.pop(gone).executor.shutdown(wait=False)
            hub = _hubs[loop] = Hub(loop)
    return hub


def shutdown(loop: asyncio.AbstractEventLoop, final: bool = False) -> None:
    """The server is stopping: end this loop's streams and refuse new ones; ``final`` (after the last
    response) also lets go of the hub and its threads."""
    with _hubs_lock:
        hub = _hubs.pop(loop, None) if final else _hubs.get(loop)
        if hub is None and not final:
            hub = _hubs[loop] = Hub(loop)  # none yet: one that refuses streams
    if hub is not None:
        hub.close_all("shutdown")
        if final:
            hub.executor.shutdown(wait=False)


def hubs() -> list[Hub]:
    with _hubs_lock:
        return list(_hubs.values())


# ---------------------------------------------------------------- being told sooner


def _woken_hubs(ticket: str) -> None:
    for hub in hubs():
        if hub.watches(ticket) and not hub.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                hub.loop.call_soon_threadsafe(hub.wake)


def _on_event_saved(sender: type[ReportEvent], instance: ReportEvent, created: bool, **kwargs: Any) -> None:
    # A new case's first event cannot be watched yet (nobody knows its ticket before the commit), and
    # intake is the hot path: it pays nothing here.
    if not created or instance.action == "submit":
        return
    ticket = instance.report.ticket  # the case was loaded by the writer; no query
    if hubs():
        transaction.on_commit(lambda: _woken_hubs(ticket))
    if notify_enabled() and connection.vendor == "postgresql":
        # Inside the transaction: PostgreSQL delivers it on commit, and never for a rollback.
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")


post_save.connect(_on_event_saved, sender=ReportEvent, dispatch_uid="aduan-live-event-saved")
