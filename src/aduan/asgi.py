"""ASGI entry point: `uvicorn aduan.asgi:application`.

Ordinary requests run Django's WSGI handler on a pool of reused threads (a2wsgi). Django's own ASGI
handler starts a new thread for every request and hops between threads around each sync step; for our
sync views that tripled the CPU a request costs (docs/benchmarks.md). The one long-lived response, the
Server-Sent Events stream of a case (/api/v1/reports/{ticket}/stream), must not hold one of those
threads: it is routed to a pure asyncio application (aduan.api.stream) in the same process. The public
GET of a case, the most frequent request, is answered in front of Django too (aduan.api.fastget: the
same bytes as the view, at half the CPU).
"""

import asyncio
import gc
import logging
import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")

# Request threads per process. The views are CPU-bound under one GIL, so more threads add contention,
# not throughput: intake on PostgreSQL measured 360/s with 2, 334-343/s with 4 and 280-294/s with 8
# (docs/benchmarks.md). 4 keeps a slow request (a photo upload) from stalling the rest. One database
# connection per thread: keep ADUAN_DB_POOL_MAX (default 16) at least this large on PostgreSQL, plus
# ADUAN_SSE_THREADS (2) for the live streams' reads and ADUAN_FAST_GET_THREADS (4) for the public GET
# served in front of Django (api/fastget.py).
THREADS = int(os.environ.get("ADUAN_THREADS", 4))

django_application = WSGIMiddleware(get_wsgi_application(), workers=THREADS)

from aduan.api import fastget, stream  # noqa: E402  (needs the apps loaded by get_wsgi_application)

FAST_GET = fastget.enabled()


def settle_heap() -> None:
    """Load what requests share (the classifier, the locator, the knowledge index, the gazetteers), then
    freeze the heap: the garbage collector's full passes walked those ~190,000 long-lived objects, 50-120
    ms each, and that was the p99 of a request that allocates much (the map data). Reference counting
    still frees frozen objects, so a retrained model replaces the old one as before."""
    from django.db import connections

    from aduan.classifier import places
    from aduan.domain import gazetteer
    from aduan.services import classification, knowledge, locator

    try:
        classification.active_classifier()
        locator.loaded()
        knowledge.current_index()
    except Exception as error:  # a warm-up never stops a server; these then load on first use
        logging.getLogger("aduan").warning("warm-up skipped: %s", error)
    finally:
        connections.close_all()  # this thread serves no request
    places.finder()
    gazetteer.default_gazetteer()
    gc.collect()
    gc.freeze()


async def _on_startup() -> None:
    if os.environ.get("ADUAN_SETTLE_HEAP", "1") != "0":
        await asyncio.to_thread(settle_heap)  # the database is sync-only: off the event loop


async def application(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] == "http" and stream.matches(scope["path"]):
        return await stream.app(scope, receive, send)
    if scope["type"] == "http" and FAST_GET and fastget.matches(scope):
        return await fastget.app(scope, receive, send)
    if scope["type"] == "lifespan":
        return await stream.lifespan(scope, receive, send, on_startup=_on_startup)
    return await django_application(scope, receive, send)
