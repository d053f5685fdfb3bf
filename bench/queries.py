"""Counts the SQL queries of one `POST /api/v1/reports` and one `GET /api/v1/reports/{ticket}`.

    .venv/bin/python bench/queries.py            # a fresh SQLite file in a temp dir
    ADUAN_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/aduan_bench .venv/bin/python bench/queries.py

Runs the whole request through Django's test client (middleware, ninja, service, presenter), after
one warm-up request so the per-process kelurahan index is already built, and prints each query.
With -v it also prints the SQL text. Not part of `make bench`; docs/benchmarks.md quotes its output.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def main() -> int:
    verbose = "-v" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="aduan-queries-") as var_dir:
        os.environ["ADUAN_VAR_DIR"] = var_dir
        os.environ.setdefault("ADUAN_DATABASE_URL", f"sqlite:///{Path(var_dir) / 'aduan.sqlite3'}")
        os.environ.pop("ADUAN_DEBUG", None)
        os.environ["DJANGO_SETTINGS_MODULE"] = "aduan.settings"
        run(verbose)
    return 0


def run(verbose: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0, interactive=False)
    data = ["--data", str(SHARED_DATA)] if SHARED_DATA.is_dir() else []
    call_command("setup", *data, verbosity=0)

    client = Client()
    body = {"channel": "api", "description": "Jalan berlubang di depan sekolah", "lat": -6.2, "lon": 106.8}
    if data:
        body["category"] = "JALAN"

    def post() -> dict[str, Any]:
        response = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        payload: dict[str, Any] = response.json()
        return payload

    post()  # warm-up: builds the kelurahan index once per process
    with CaptureQueriesContext(connection) as posted:
        ticket = post()["ticket"]
    show(f"POST /api/v1/reports ({connection.vendor})", posted.captured_queries, verbose)

    client.get(f"/api/v1/reports/{ticket}")
    with CaptureQueriesContext(connection) as got:
        client.get(f"/api/v1/reports/{ticket}")
    show(f"GET /api/v1/reports/{{ticket}} ({connection.vendor})", got.captured_queries, verbose)

    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        post()
    per_post = (time.perf_counter() - started) / rounds * 1000
    started = time.perf_counter()
    for _ in range(rounds):
        client.get(f"/api/v1/reports/{ticket}")
    per_get = (time.perf_counter() - started) / rounds * 1000
    print(f"\nin process, one at a time: POST {per_post:.2f} ms, GET {per_get:.2f} ms (mean of {rounds})")


def show(title: str, queries: list[dict[str, str]], verbose: bool) -> None:
    print(f"\n{title}: {len(queries)} queries")
    for number, query in enumerate(queries, start=1):
        sql = " ".join(query["sql"].split())
        print(f"  {number:2}. {query['time']} s  {sql if verbose else summary(sql)}")


def summary(sql: str) -> str:
    """The statement's verb and main table, e.g. 'SELECT aduan_category'."""
    words = sql.replace('"', "").split()
    verb = words[0].upper()
    if verb in ("SELECT", "DELETE"):
        table = words[words.index("FROM") + 1] if "FROM" in words else ""
    elif verb == "INSERT":
        table = words[2]
    elif verb == "UPDATE":
        table = words[1]
    else:
        table = " ".join(words[1:3])
    return f"{verb} {table}"


if __name__ == "__main__":
    sys.exit(main())
