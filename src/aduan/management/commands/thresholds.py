"""`aduan thresholds`: how sure the classifier must be before routing acts on its guess, measured."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aduan.classifier.data import seed_examples
from aduan.classifier.evaluation import lowest_meeting, out_of_fold, threshold_tables
from aduan.classifier.model import HEADS
from aduan.domain.routing import DEFAULT_POLICY
from aduan.services import classification

GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9)


class Command(BaseCommand):
    help = (
        "Ukur ambang keyakinan routing dengan validasi silang k-lipat pada data latih (set benih dan "
        "keputusan petugas): cakupan dan ketepatan per ambang, dan ambang terendah yang memenuhi target."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--category-accuracy", type=float, default=0.92)
        parser.add_argument("--luar-precision", type=float, default=0.95)
        parser.add_argument("--folds", type=int, default=5)

    def handle(
        self, *args: Any, category_accuracy: float, luar_precision: float, folds: int, **o: Any
    ) -> None:
        examples = seed_examples() + classification.officer_examples()
        texts = [e.text for e in examples]
        labels = {head: [getattr(e, head) for e in examples] for head in HEADS}
        tables = threshold_tables(out_of_fold(texts, labels, folds), labels, GRID)
        self.stdout.write(
            f"{len(texts)} contoh, {folds}-fold; setiap teks ditebak model yang tidak melatihnya."
        )
        self.stdout.write(
            f"{'ambang':>7} {'kategori: cakupan':>18} {'tepat':>6} {'luar: ditemukan':>16} {'tepat':>6}"
        )
        for category, luar in zip(tables["category"], tables["luar"], strict=True):
            self.stdout.write(
                f"{category.threshold:>7.2f} {category.coverage:>18.2f} {category.precision:>6.3f} "
                f"{luar.coverage:>16.2f} {luar.precision:>6.3f}"
            )
        self.stdout.write(
            f"kategori ≥ {category_accuracy}: ambang {lowest_meeting(tables['category'], category_accuracy)} "
            f"(sekarang {DEFAULT_POLICY.category_confidence}); luar ≥ {luar_precision}: ambang "
            f"{lowest_meeting(tables['luar'], luar_precision)} (sekarang {DEFAULT_POLICY.luar_confidence})"
        )
