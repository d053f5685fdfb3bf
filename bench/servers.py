"""The systems under test for bench/run.py: a prepared database and a uvicorn server on loopback."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/aduan_bench"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Database:
    """One database to measure: its short name and the environment the `aduan` processes get."""

    name: str
    url: str
    var_dir: Path

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "ADUAN_DEBUG"}
        env.update(
            ADUAN_DATABASE_URL=self.url,
            ADUAN_VAR_DIR=str(self.var_dir),
            DJANGO_SETTINGS_MODULE="aduan.settings",
        )
        return env


def sqlite_database(var_dir: Path) -> Database:
    return Database("sqlite", f"sqlite:///{var_dir / 'aduan.sqlite3'}", var_dir)


def postgres_url() -> tuple[str | None, str]:
    """The PostgreSQL URL to use, or None with the reason it is skipped."""
    url = os.environ.get("ADUAN_BENCH_POSTGRES", DEFAULT_POSTGRES_URL)
    if not url:
        return None, "ADUAN_BENCH_POSTGRES is set to an empty string"
    return url, ""


def recreate_postgres(url: str) -> str:
    """Drops and creates the benchmark database; returns the server version. Raises when unreachable."""
    import psycopg  # the project's own dependency; imported here so SQLite-only runs do not need it
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise ValueError(f"{url} names no database")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        row = connection.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "unknown"


def aduan(database: Database, *args: str) -> str:
    """Runs one `aduan` management command against the database; returns its stdout."""
    out = subprocess.run(
        [str(BIN / "aduan"), *args], env=database.env(), capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"`aduan {' '.join(args)}` failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out.stdout


def prepare(database: Database, shared_data: Path | None) -> None:
    aduan(database, "migrate", "--noinput")
    if shared_data is not None:
        aduan(database, "setup", "--data", str(shared_data))
    else:
        aduan(database, "setup")


def report_table(database: Database) -> str:
    code = "from aduan.models import Report; print(Report._meta.db_table)"
    return aduan(database, "shell", "-c", code).strip().splitlines()[-1]


class ReportCounter:
    """Counts Report rows over one connection opened before the server starts.

    Its own long-lived connection keeps the check working even when the server under load has used
    up the database's connections (see docs/benchmarks.md).
    """

    def __init__(self, database: Database) -> None:
        self.table = report_table(database)
        if database.name == "sqlite":
            self.connection: Any = sqlite3.connect(database.url.removeprefix("sqlite:///"))
        else:
            import psycopg

            self.connection = psycopg.connect(database.url, autocommit=True, connect_timeout=5)

    def count(self) -> int:
        return int(self.connection.execute(f'SELECT count(*) FROM "{self.table}"').fetchone()[0])

    def merged(self) -> int:
        """Reports that joined an open case as duplicates (intake's costlier path)."""
        sql = f'SELECT count(*) FROM "{self.table}" WHERE merged_into_id IS NOT NULL'
        return int(self.connection.execute(sql).fetchone()[0])

    def settled(self, timeout: float = 15.0) -> int:
        """The count once it stops changing (requests in flight when wrk stopped still finish)."""
        deadline = time.monotonic() + timeout
        previous = self.count()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            current = self.count()
            if current == previous:
                return current
            previous = current
        return previous

    def close(self) -> None:
        self.connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    group: int  # the process group of uvicorn and its workers


@contextlib.contextmanager
def uvicorn(database: Database, workers: int, log_path: Path) -> Iterator[Server]:
    """Runs `uvicorn aduan.asgi:application` on a free loopback port until the block ends.

    The server runs in its own process group, so stopping it (also on Ctrl-C or an error) stops its
    worker processes too, and a Ctrl-C in the terminal reaches only this script.
    """
    port = free_port()
    command = [
        str(BIN / "python"), "-m", "uvicorn", "aduan.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, env=database.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_up(server, port, log_path)
            yield Server(port, server.pid)
        finally:
            stop(server)


def wait_until_up(server: subprocess.Popen[bytes], port: int, log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/openapi.json"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group, SIGKILL if it has not gone after 10 s."""
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
