"""ASGI entry point: `uvicorn aduan.asgi:application`.

Ordinary requests run Django's WSGI handler on a pool of reused threads (a2wsgi). Django's own ASGI
handler starts a new thread for every request and hops between threads around each sync step; for our
sync views that tripled the CPU a request costs (docs/benchmarks.md). Long-lived streams (Server-Sent
Events) are the one thing that will need Django's ASGI handler, routed here when they exist.
"""

import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")

# One database connection per thread: keep ADUAN_DB_POOL_MAX at least this large on PostgreSQL.
THREADS = int(os.environ.get("ADUAN_THREADS", 8))

application = WSGIMiddleware(get_wsgi_application(), workers=THREADS)
