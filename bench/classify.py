"""The text classifier, in process: one text at a time (inline on intake) and in batches (the CLI)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from aduan.classifier.data import seed_examples
from aduan.classifier.model import HEADS, TextClassifier


def bench_classify(batch_texts: int = 20_000, single_texts: int = 2_000) -> dict[str, Any]:
    """Trains on the seed set, then times single predictions and one large batch of seed-like texts."""
    examples = seed_examples()
    texts = [e.text for e in examples]
    started = time.perf_counter()
    classifier = TextClassifier.fit(texts, {head: [getattr(e, head) for e in examples] for head in HEADS})
    trained = time.perf_counter()

    corpus = (texts * (batch_texts // len(texts) + 1))[:batch_texts]
    classifier.predict(corpus[:500])  # warm-up
    clock = time.perf_counter_ns
    timings_ns = []
    for text in corpus[:single_texts]:
        before = clock()
        classifier.predict_one(text)
        timings_ns.append(clock() - before)
    before_batch = time.perf_counter()
    classifier.predict(corpus)
    batch_seconds = time.perf_counter() - before_batch
    quantiles = statistics.quantiles(timings_ns, n=100)
    return {
        "training_examples": len(texts),
        "train_s": round(trained - started, 2),
        "mean_chars": round(statistics.fmean(len(t) for t in corpus), 1),
        "single_mean_us": round(statistics.fmean(timings_ns) / 1000, 1),
        "single_p99_us": round(quantiles[98] / 1000, 1),
        "batch_texts": batch_texts,
        "batch_texts_per_s": round(batch_texts / batch_seconds),
    }
