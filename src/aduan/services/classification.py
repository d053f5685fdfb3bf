"""The classifier in the running system: the active model, retraining it, and officers' decisions as data."""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from aduan.classifier.data import Example, seed_examples, seed_path
from aduan.classifier.evaluation import HeadScore, evaluate
from aduan.classifier.model import HEADS, Prediction, TextClassifier
from aduan.models import ClassifierModel, Report, TrainingExample

RECHECK_SECONDS = 30.0
HELDOUT_SHARE = 5  # one example in five, chosen by a hash of its text, is never trained on


@dataclass(frozen=True)
class _Active:
    version: int
    classifier: TextClassifier | None
    checked_at: float


_lock = threading.Lock()
_active: _Active | None = None


def _load_active() -> _Active:
    row = ClassifierModel.objects.filter(active=True).values_list("version", "payload").first()
    if row is None:
        return _Active(0, None, time.monotonic())
    version, payload = row
    return _Active(version, TextClassifier.from_bytes(bytes(payload)), time.monotonic())


def active_classifier() -> TextClassifier | None:
    """This process's copy of the active model, reloaded when another process activates a newer one."""
    global _active
    current = _active
    if current is not None and time.monotonic() - current.checked_at < RECHECK_SECONDS:
        return current.classifier
    with _lock:
        version = ClassifierModel.objects.filter(active=True).values_list("version", flat=True).first() or 0
        if _active is None or _active.version != version:
            _active = _load_active()
        else:
            _active = _Active(_active.version, _active.classifier, time.monotonic())
        return _active.classifier


def reset() -> None:
    global _active
    with _lock:
        _active = None


def classify(text: str) -> Prediction | None:
    """The active model's guess, or None while no model has been trained (`aduan retrain`)."""
    classifier = active_classifier()
    return classifier.predict_one(text) if classifier is not None else None


def is_heldout(text: str) -> bool:
    """Stable across runs and processes, so no model version is ever trained on a held-out text."""
    return zlib.crc32(" ".join(text.lower().split()).encode()) % HELDOUT_SHARE == 0


def officer_examples() -> list[Example]:
    return [
        Example(text, category, jenis, kewenangan)
        for text, category, jenis, kewenangan in TrainingExample.objects.values_list(
            "text", "category", "jenis", "kewenangan"
        )
    ]


def _columns(examples: list[Example]) -> tuple[list[str], dict[str, list[str]]]:
    return [e.text for e in examples], {head: [getattr(e, head) for e in examples] for head in HEADS}


def _summary(scores: dict[str, HeadScore]) -> dict[str, Any]:
    return {
        head: {"accuracy": round(s.accuracy, 4), "macro_f1": round(s.macro_f1, 4), "n": s.total}
        for head, s in scores.items()
    }


def _quality(scores: dict[str, HeadScore]) -> float:
    return sum(s.macro_f1 for s in scores.values()) / len(scores)


@dataclass(frozen=True)
class RetrainResult:
    version: int
    activated: bool
    scores: dict[str, Any]
    previous_version: int | None
    previous_scores: dict[str, Any] | None
    train_size: int
    heldout_size: int
    officer_examples: int


def retrain(note: str = "", regularisation: float = 8.0) -> RetrainResult:
    """Train on the seed set plus officers' decisions; keep the model, but activate it only if it is not
    worse than the active one on the held-out examples (mean macro-F1 over category, jenis, kewenangan)."""
    from_officers = officer_examples()
    examples = seed_examples() + from_officers
    train = [e for e in examples if not is_heldout(e.text)]
    heldout = [e for e in examples if is_heldout(e.text)]
    texts, labels = _columns(train)
    candidate = TextClassifier.fit(texts, labels, c=regularisation)
    heldout_texts, heldout_labels = _columns(heldout)
    scores = evaluate(candidate, heldout_texts, heldout_labels)
    current = active_classifier()
    current_row = ClassifierModel.objects.filter(active=True).first()
    previous_scores = evaluate(current, heldout_texts, heldout_labels) if current is not None else None
    better = previous_scores is None or _quality(scores) >= _quality(previous_scores)
    with transaction.atomic():
        version = (
            ClassifierModel.objects.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        if better:
            ClassifierModel.objects.filter(active=True).update(active=False)
        ClassifierModel.objects.create(
            version=version,
            payload=candidate.to_bytes(),
            metrics={
                "heldout": _summary(scores),
                "previous": _summary(previous_scores) if previous_scores else None,
            },
            train_size=len(train),
            heldout_size=len(heldout),
            officer_examples=len(from_officers),
            active=better,
            note=note,
        )
    reset()
    return RetrainResult(
        version=version,
        activated=better,
        scores=_summary(scores),
        previous_version=current_row.version if current_row else None,
        previous_scores=_summary(previous_scores) if previous_scores else None,
        train_size=len(train),
        heldout_size=len(heldout),
        officer_examples=len(from_officers),
    )


def ensure_model() -> RetrainResult | None:
    """Train the first model if there is none and the package has its seed set (`aduan setup` calls this)."""
    if ClassifierModel.objects.filter(active=True).exists() or not seed_path().is_file():
        return None
    return retrain(note="model pertama, dari set benih")


def record_decision(report: Report, category: str, jenis: str, kewenangan: str, source: str) -> None:
    """An officer's decision about a case, kept as a labelled example for the next retraining."""
    TrainingExample.objects.create(
        text=report.description,
        category=category,
        jenis=jenis,
        kewenangan=kewenangan,
        source=source,
        report=report,
    )
