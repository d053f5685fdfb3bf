"""Live tracking over Server-Sent Events (DESIGN.md §9), through a real uvicorn serving aduan.asgi."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from django.db import connection, transaction

from aduan.api.stream import app as stream_app
from aduan.asgi import application
from aduan.models import Report, ReportEvent
from aduan.services import events_hub, reports
from aduan.services.events_hub import LiveEvent, Subscription
from aduan.services.reports import NewReport, ReporterInput
from tests.conftest import database_url, run_aduan
from tests.factories import officer_at

PERSON = ReporterInput("Rahmat Hidayat", "081298765432", "rahmat.h@example.id")
WAIT = 10.0  # seconds an expected event may take before the test fails


# ---------------------------------------------------------------- a real server and an SSE reader


@pytest.fixture
def server(committed_master_data: None, settings: Any) -> Iterator[str]:
    """uvicorn with aduan.asgi:application on a free port, in a thread of this process (so it uses the
    test database); the streams read it from the hub's own threads, hence committed data."""
    settings.ADUAN_SSE_POLL = 0.05
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=5
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=15)
    assert not thread.is_alive(), "uvicorn did not stop"


@dataclass
class Event:
    id: int | None = None
    event: str = "message"
    data: str = ""
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return json.loads(self.data)  # type: ignore[no-any-return]


class Reader:
    """Reads an SSE response block by block (a blank line ends each); a read waits at most WAIT s."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.iter_lines()
        self.raw: list[str] = []

    def block(self) -> Event:
        event = Event()
        data: list[str] = []
        for line in self.lines:
            self.raw.append(line)
            if line == "":
                if data or event.comments or event.retry is not None:
                    event.data = "\n".join(data)
                    return event
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                event.comments.append(value)
            elif name == "id":
                event.id = int(value)
            elif name == "event":
                event.event = value
            elif name == "data":
                data.append(value)
            elif name == "retry":
                event.retry = int(value)
        raise EOFError("the stream ended")

    def event(self) -> Event:
        """The next event, skipping the retry hint and heartbeats."""
        while True:
            block = self.block()
            if block.id is not None:
                return block

    def events(self, count: int) -> list[Event]:
        return [self.event() for _ in range(count)]


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=httpx.Timeout(WAIT)) as http:
        yield http


def stream(client: httpx.Client, ticket: str, **kwargs: Any) -> Any:
    return client.stream("GET", f"/api/v1/reports/{ticket}/stream", **kwargs)


def submit(**fields: Any) -> reports.Submitted:
    values: dict[str, Any] = {"channel": "web", "description": "Jalan berlubang besar di depan sekolah"}
    values.update(fields)
    return reports.submit_report(NewReport(**values))


def accept(ticket: str) -> Report:
    holder = Report.objects.get(ticket=ticket).holder.code
    return reports.accept(ticket, officer_at(holder).user)


def last_event_id(ticket: str) -> int:
    return ReportEvent.objects.filter(report__ticket=ticket).latest("id").id


def commented_by_another_process(
    client: httpx.Client, ticket: str, comment: str, *, hub: bool = False
) -> Event:
    """The event the stream of ``ticket`` gets when an ``aduan shell`` of its own adds ``comment`` to the case
    (with aduan.services.events_hub imported there first when ``hub``); the stream is open and its first
    event read before the child starts."""
    code = (
        ("import aduan.services.events_hub; " if hub else "")
        + "from aduan.services import reports; "
        + f"reports.add_comment('{ticket}', '{comment}', 'sms')"
    )
    with stream(client, ticket) as response:
        reader = Reader(response)
        reader.event()
        child = run_aduan("shell", "-c", code)
        assert child.returncode == 0, child.stderr
        return reader.event()


# ---------------------------------------------------------------- the contract


def test_a_stream_is_event_stream_with_the_backlog_as_ids(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    accept(ticket)
    with stream(client, ticket) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert "no-store" in response.headers["cache-control"]
        assert response.headers["x-accel-buffering"] == "no"
        reader = Reader(response)
        hint = reader.block()
        assert hint.retry is not None and hint.retry >= 1000
        submitted, accepted = reader.events(2)
    ids = list(ReportEvent.objects.filter(report__ticket=ticket).order_by("id").values_list("id", flat=True))
    assert [submitted.id, accepted.id] == ids
    assert (submitted.event, accepted.event) == ("submit", "accept")
    assert accepted.json()["status"] == "proses" and accepted.json()["ticket"] == ticket
    assert accepted.json()["case"]["status"] == "proses"


def test_each_event_carries_the_public_timeline_entry_and_the_case_now(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    accept(ticket)
    reports.add_comment(ticket, "Lubangnya makin lebar", "web")
    timeline = client.get(f"/api/v1/reports/{ticket}").json()["timeline"]
    with stream(client, ticket) as response:
        events = Reader(response).events(3)
    report = Report.objects.select_related("holder").get(ticket=ticket)
    for entry, event in zip(timeline, events, strict=True):
        data = event.json()
        case = data.pop("case")
        assert data.pop("ticket") == ticket
        assert data == entry
        assert case["status"] == report.status
        assert case["holder"] == {"code": report.holder.code, "name": report.holder.name}
        assert case["completion_due_at"] is not None and case["closed_at"] is None


def test_resuming_with_last_event_id_sends_only_later_events(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    accept(ticket)
    reports.add_comment(ticket, "Masih ada", "web")
    first, second, third = ReportEvent.objects.filter(report__ticket=ticket).order_by("id")
    with stream(client, ticket, headers={"Last-Event-ID": str(first.id)}) as response:
        assert [e.id for e in Reader(response).events(2)] == [second.id, third.id]
    with stream(client, ticket, params={"last_event_id": str(second.id)}) as response:
        assert Reader(response).event().id == third.id
    # EventSource sends the header when it reconnects to the page's URL: the header wins.
    with stream(
        client, ticket, params={"last_event_id": str(first.id)}, headers={"Last-Event-ID": str(second.id)}
    ) as response:
        assert Reader(response).event().id == third.id


def test_an_event_written_after_connecting_arrives_once_without_a_gap(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    with stream(client, ticket) as response:
        reader = Reader(response)
        submitted = reader.event()
        accept(ticket)
        reports.add_comment(ticket, "Terima kasih, ditunggu", "web")
        accepted, comment = reader.events(2)
    assert submitted.event == "submit"
    assert (accepted.event, comment.event) == ("accept", "comment")
    assert accepted.json()["case"]["status"] == "proses"
    # What the reporter answers may carry personal details: never in a public note (presenters).
    assert comment.json()["note"] == ""
    ids = list(ReportEvent.objects.filter(report__ticket=ticket).order_by("id").values_list("id", flat=True))
    assert [submitted.id, accepted.id, comment.id] == ids


def test_events_of_other_cases_do_not_reach_a_stream(client: httpx.Client) -> None:
    watched, other = submit().report.ticket, submit(description="Sampah menumpuk di pasar").report.ticket
    with stream(client, watched) as response:
        reader = Reader(response)
        reader.event()
        reports.add_comment(other, "Ini kasus lain", "web")
        reports.add_comment(watched, "Ini kasus saya", "web")
        event = reader.event()
    assert event.json()["ticket"] == watched and event.id == last_event_id(watched)


def test_a_private_case_streams_only_with_the_reporters_token(client: httpx.Client) -> None:
    created = submit(visibility="private", reporter=PERSON)
    ticket, token = created.report.ticket, created.access_token
    assert token
    for params in ({}, {"token": "not-the-token"}):
        refused = client.get(f"/api/v1/reports/{ticket}/stream", params=params)
        assert refused.status_code == 404
        assert refused.headers["content-type"] == "application/json"
        assert refused.json() == {"detail": f"Laporan {ticket} tidak ditemukan.", "errors": []}
    with stream(client, ticket, params={"token": token}) as response:
        assert response.status_code == 200
        event = Reader(response).event()
    assert event.event == "submit" and event.json()["ticket"] == ticket


def test_no_personal_data_in_any_event(client: httpx.Client) -> None:
    for visibility in ("public", "private"):
        created = submit(visibility=visibility, reporter=PERSON, description="Pohon tumbang menutup jalan")
        ticket = created.report.ticket
        accept(ticket)
        # A reporter's reply may carry their details; it is a comment, whose note is never shown.
        reports.add_comment(ticket, f"Sudah dua hari. Hubungi saya di {PERSON.phone}", "web")
        with stream(client, ticket, params={"token": created.access_token or ""}) as response:
            reader = Reader(response)
            events = reader.events(3)
        text = "\n".join(reader.raw)
        for secret in (PERSON.name, PERSON.phone, PERSON.email, "Rahmat", "8129876"):
            assert secret not in text
        keys = {"id", "at", "action", "status", "holder", "unit", "note", "ticket", "case"}
        assert all(set(event.json()) == keys for event in events)
        assert all(
            set(e.json()["case"]) == {"status", "holder", "completion_due_at", "ews_date", "closed_at"}
            for e in events
        )


def test_heartbeats_keep_an_idle_stream_alive(client: httpx.Client, settings: Any) -> None:
    settings.ADUAN_SSE_HEARTBEAT = 0.2
    ticket = submit().report.ticket
    with stream(client, ticket) as response:
        reader = Reader(response)
        reader.event()
        pings = [reader.block() for _ in range(2)]
    assert all(block.comments == ["ping"] and block.id is None for block in pings)


def test_unknown_and_malformed_tickets_are_404_json_like_the_api(client: httpx.Client) -> None:
    for ticket in ("ZZZZ-ZZZZ", "bukan-tiket", "x"):
        response = client.get(f"/api/v1/reports/{ticket}/stream")
        assert response.status_code == 404
        assert response.json() == {"detail": f"Laporan {ticket} tidak ditemukan.", "errors": []}


def test_a_bad_last_event_id_or_method_is_refused_naming_the_field(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    response = client.get(f"/api/v1/reports/{ticket}/stream", headers={"Last-Event-ID": "abc"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["Last-Event-ID"]
    response = client.get(f"/api/v1/reports/{ticket}/stream", params={"last_event_id": "-3"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["last_event_id"]
    response = client.post(f"/api/v1/reports/{ticket}/stream")
    assert response.status_code == 405 and response.headers["allow"] == "GET"


def test_a_typed_ticket_streams_its_case(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    with stream(client, ticket.lower().replace("-", "")) as response:
        assert Reader(response).event().json()["ticket"] == ticket


def test_other_paths_still_reach_django(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    assert client.get(f"/api/v1/reports/{ticket}").json()["ticket"] == ticket
    assert client.get(f"/api/v1/reports/{ticket}/streams").status_code == 404


def test_the_stream_ends_when_the_client_goes_away(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    with stream(client, ticket) as response:
        reader = Reader(response)  # kept: dropping the reader would close the response
        reader.event()
        hub = next(h for h in events_hub.hubs() if h.watches(ticket))
    deadline = time.monotonic() + WAIT
    while hub.watches(ticket) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not hub.watches(ticket), "the subscription outlived its client"


def test_an_event_written_by_another_process_reaches_the_stream(client: httpx.Client) -> None:
    ticket = submit().report.ticket
    event = commented_by_another_process(client, ticket, "Ditulis oleh proses lain")
    assert event.event == "comment" and event.id == last_event_id(ticket)


def test_on_postgresql_a_notify_from_another_process_wakes_the_hub_before_its_next_poll(
    client: httpx.Client, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    settings.ADUAN_SSE_POLL = 600.0  # the poll alone would not deliver within the test's patience
    ticket = submit().report.ticket
    event = commented_by_another_process(client, ticket, "Dibangunkan oleh NOTIFY", hub=True)
    assert event.event == "comment" and event.id == last_event_id(ticket)


def test_an_event_committed_late_with_a_lower_id_is_not_lost(client: httpx.Client) -> None:
    """PostgreSQL hands out ids at insert and commits in any order: an event that commits after a newer
    one must still reach its stream (SQLite has one writer at a time, so this cannot happen there)."""
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL commits concurrent writers out of id order")
    slow, fast = submit().report.ticket, submit(description="Sampah menumpuk di pasar").report.ticket
    inserted, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def late_writer() -> None:
        try:
            with transaction.atomic():
                reports.add_comment(slow, "Ditulis lebih dulu, disimpan belakangan", "web")
                inserted.set()
                assert release.wait(WAIT)
        except BaseException as exc:
            failure.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=late_writer)
    with stream(client, slow) as slow_response, stream(client, fast) as fast_response:
        slow_reader, fast_reader = Reader(slow_response), Reader(fast_response)
        slow_reader.event()
        fast_reader.event()
        writer.start()
        assert inserted.wait(WAIT)
        reports.add_comment(fast, "Ditulis belakangan, disimpan lebih dulu", "web")
        newer = fast_reader.event()  # the hub has read past the id still in flight
        release.set()
        writer.join(WAIT)
        late = slow_reader.event()
    assert not failure, failure
    assert late.id is not None and newer.id is not None and late.id < newer.id
    assert late.id == last_event_id(slow) and late.event == "comment"


def test_an_event_committed_between_subscribing_and_reading_the_backlog_goes_out_once(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The narrowest window: the stream is subscribed, and the event commits before its backlog is read,
    so it is in the backlog and the hub delivers it too. The client must see it once."""
    ticket = submit().report.ticket
    real_open = events_hub.open_stream

    def open_after_a_write(*args: Any) -> events_hub.Opened:
        reports.add_comment(ticket, "Ditulis tepat saat tersambung", "web")
        return real_open(*args)

    monkeypatch.setattr(events_hub, "open_stream", open_after_a_write)
    with stream(client, ticket) as response:
        reader = Reader(response)
        submitted, comment = reader.events(2)
        monkeypatch.setattr(events_hub, "open_stream", real_open)
        reports.add_comment(ticket, "Tanggapan berikutnya", "web")
        following = reader.event()
    assert (submitted.event, comment.event) == ("submit", "comment")
    assert following.id == last_event_id(ticket), "the windowed event came twice"


def test_an_event_committed_right_after_the_backlog_was_read_is_not_lost(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = submit().report.ticket
    real_open = events_hub.open_stream

    def write_after_reading(*args: Any) -> events_hub.Opened:
        opened = real_open(*args)
        reports.add_comment(ticket, "Ditulis setelah riwayat dibaca", "web")
        return opened

    monkeypatch.setattr(events_hub, "open_stream", write_after_reading)
    with stream(client, ticket) as response:
        submitted, comment = Reader(response).events(2)
    assert submitted.event == "submit" and comment.id == last_event_id(ticket)


def test_stopping_the_server_ends_its_streams_cleanly(committed_master_data: None) -> None:
    """SIGTERM to a real uvicorn process: its streams end (clients reconnect elsewhere) and it exits."""
    ticket = submit().report.ticket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "ADUAN_DATABASE_URL": database_url()}
    command = [sys.executable, "-m", "uvicorn", "aduan.asgi:application", "--port", str(port)]
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/reports/{ticket}", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/api/v1/reports/{ticket}/stream"
        with httpx.stream("GET", url, timeout=WAIT) as response:
            reader = Reader(response)
            reader.event()
            server.send_signal(signal.SIGTERM)
            with pytest.raises(EOFError):
                reader.event()
        # uvicorn re-raises the signal once it has shut down gracefully.
        assert server.wait(timeout=WAIT) in (0, -signal.SIGTERM)
        assert server.stderr is not None and b"Application shutdown complete" in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


# ---------------------------------------------------------------- the case page


def live_config(page: str) -> dict[str, Any] | None:
    marker = '<script id="aduan-live-config" type="application/json">'
    if marker not in page:
        return None
    return json.loads(page.split(marker, 1)[1].split("</script>", 1)[0])  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_the_case_page_follows_its_stream_after_the_events_it_shows(client: Any) -> None:
    ticket = submit().report.ticket
    accept(ticket)
    page = client.get(f"/laporan/{ticket}/").content.decode()
    config = live_config(page)
    last = ReportEvent.objects.filter(report__ticket=ticket).latest("id").id
    assert config is not None
    assert config["url"] == f"/api/v1/reports/{ticket}/stream?last_event_id={last}"
    assert config["statuses"]["proses"] == "Dalam proses" and config["actions"]["accept"]
    assert "aduan/live.js" in page and f'data-event-id="{last}"' in page
    assert 'id="live-status"' in page and 'id="live-holder"' in page and 'id="live-due"' in page
    assert "Batas penyelesaian" in page


@pytest.mark.django_db
def test_a_private_case_page_streams_only_through_the_reporters_link(client: Any) -> None:
    created = submit(visibility="private", reporter=PERSON)
    ticket, token = created.report.ticket, created.access_token or ""
    assert live_config(client.get(f"/laporan/{ticket}/").content.decode()) is None
    assert live_config(client.get(f"/laporan/{ticket}/?token=wrong").content.decode()) is None
    config = live_config(client.get(f"/laporan/{ticket}/?token={token}").content.decode())
    assert config is not None and f"token={token}" in config["url"]


# ---------------------------------------------------------------- a slow client


def test_a_client_that_stops_reading_is_cut_off_and_costs_a_bounded_queue(
    committed_master_data: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Driven through the ASGI app directly: the third send() never returns, as when a client's socket
    buffer is full. The queue overflows, the stream is cut off, and nothing is left subscribed."""
    settings.ADUAN_SSE_QUEUE = 2
    settings.ADUAN_SSE_POLL = 0.05
    monkeypatch.setattr(events_hub, "STUCK_GRACE", 0.1)
    ticket = submit().report.ticket
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/api/v1/reports/{ticket}/stream",
        "query_string": b"",
        "headers": [],
    }

    async def scenario() -> tuple[list[Any], bool, bool]:
        sent: list[Any] = []
        requested = False
        never = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await never.wait()
            return {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            sent.append(message)
            if len(sent) >= 3:  # the response start, the backlog, then the client stops reading
                await never.wait()

        task = asyncio.ensure_future(stream_app(scope, receive, send))
        for number in range(8):
            await asyncio.to_thread(comment_and_close, ticket, f"Tanggapan {number}")
            if task.done():
                break
        ended, _ = await asyncio.wait({task}, timeout=WAIT)  # a bound for failing, not a timing
        watched = events_hub.get_hub().watches(ticket)
        if not ended:
            task.cancel()
        events_hub.shutdown(asyncio.get_running_loop(), final=True)
        return sent, bool(ended), watched

    sent, cut_off, still_watched = asyncio.run(scenario())
    assert sent[0]["status"] == 200 and len(sent) == 3
    assert cut_off, "the stream stayed stuck in send()"
    assert not still_watched


def comment_and_close(ticket: str, text: str) -> None:
    try:
        reports.add_comment(ticket, text, "web")
    finally:
        connection.close()


def test_a_full_queue_closes_the_subscription_instead_of_growing() -> None:
    async def scenario() -> tuple[list[LiveEvent] | None, str, list[LiveEvent] | None]:
        subscription = Subscription("ABCD-EFGH", 3, asyncio.get_running_loop())
        events = [LiveEvent(i, "ABCD-EFGH", b"x") for i in range(1, 4)]
        for event in events:
            subscription.push(event)
        first = await subscription.next(1.0)
        for i in range(10):
            subscription.push(LiveEvent(10 + i, "ABCD-EFGH", b"x"))
        return first, subscription.reason, await subscription.next(1.0)

    first, reason, after = asyncio.run(scenario())
    assert first is not None and [e.id for e in first] == [1, 2, 3]
    assert reason == "overflow" and after is None


def test_an_idle_subscription_wakes_for_a_heartbeat_with_no_events() -> None:
    async def scenario() -> list[LiveEvent] | None:
        return await Subscription("ABCD-EFGH", 3, asyncio.get_running_loop()).next(0.01)

    assert asyncio.run(scenario()) == []
