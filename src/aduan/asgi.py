"""ASGI entry point: `uvicorn aduan.asgi:application`.

Ordinary requests run Django's WSGI handler on a pool of reused threads (a2wsgi). Django's own ASGI
handler starts a new thread for every request and hops between threads around each sync step; for our
sync views that tripled the CPU a request costs (docs/benchmarks.md). The one long-lived response, the
Server-Sent Events stream of a case (/api/v1/reports/{ticket}/stream), must not hold one of those
threads: it is routed to a pure asyncio application (aduan.api.stream) in the same process.
"""

import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")

# One database connection per thread: keep ADUAN_DB_POOL_MAX at least this large on PostgreSQL
# (plus ADUAN_SSE_THREADS, 2, for the live streams' reads).
THREADS = int(os.environ.get("ADUAN_THREADS", 8))

django_application = WSGIMiddleware(get_wsgi_application(), workers=THREADS)

from aduan.api import stream  # noqa: E402  (needs the apps loaded by get_wsgi_application)


async def application(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] == "http" and stream.matches(scope["path"]):
        return await stream.app(scope, receive, send)
    if scope["type"] == "lifespan":
        return await stream.lifespan(scope, receive, send)
    return await django_application(scope, receive, send)
