"""The ASGI application that `make run` serves: a real request through it, on its thread pool."""

from __future__ import annotations

import asyncio
import gc

import httpx
import pytest

from aduan.asgi import application


async def _exchange() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        created = await client.post(
            "/api/v1/reports", json={"channel": "api", "description": "Lampu PJU mati"}
        )
        ticket = created.json().get("ticket", "none")
        followed = await client.get(f"/api/v1/reports/{ticket}")
        page = await client.get("/", headers={"accept-language": "en"})
        return created, followed, page


def test_a_report_filed_and_followed_through_the_asgi_application(committed_master_data: None) -> None:
    created, followed, page = asyncio.run(_exchange())
    assert created.status_code == 201, created.text
    assert followed.status_code == 200 and followed.json()["ticket"] == created.json()["ticket"]
    assert page.status_code == 200 and "Laporkan masalah" in page.text


async def _start_and_stop() -> list[str]:
    """The ASGI lifespan as a server drives it: startup, then shutdown."""
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])

    await application({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    return sent


def test_startup_loads_the_shared_models_and_freezes_the_heap(
    committed_master_data: None, active_model: None, caplog: pytest.LogCaptureFixture
) -> None:
    from aduan.domain import gazetteer
    from aduan.services import classification

    classification.reset()
    gazetteer.default_gazetteer.cache_clear()
    gc.unfreeze()
    try:
        assert asyncio.run(_start_and_stop()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
        assert "warm-up skipped" not in caplog.text
        # Loaded at startup, not by this test, and then out of the collector's passes (gc.get_objects
        # lists what it walks): the same objects the requests will use.
        loaded = [gazetteer.default_gazetteer(), classification.active_classifier()]
        assert loaded[1] is not None
        assert gc.get_freeze_count() > 0
        tracked = {id(obj) for obj in gc.get_objects()}
        assert not any(id(obj) in tracked for obj in loaded)
    finally:
        gc.unfreeze()
