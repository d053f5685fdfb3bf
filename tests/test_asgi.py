"""The ASGI application that `make run` serves: a real request through it, on its thread pool."""

from __future__ import annotations

import asyncio

import httpx

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
