"""Scoring a classifier on labelled texts: per-class precision/recall/F1, macro-F1, accuracy, confusions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from aduan.classifier.model import HEADS, Prediction, TextClassifier


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class HeadScore:
    head: str
    accuracy: float
    macro_f1: float
    classes: list[ClassScore]
    confusions: list[tuple[str, str, int]]  # (gold, predicted, count), most frequent first
    total: int


def score_head(head: str, gold: Sequence[str], predicted: Sequence[str]) -> HeadScore:
    labels = sorted(set(gold))  # macro-F1 over the classes present in the gold labels
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    classes = [
        ClassScore(label, float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    ]
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return HeadScore(
        head=head,
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        classes=classes,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common()],
        total=len(gold),
    )


def evaluate(
    classifier: TextClassifier, texts: Sequence[str], gold: Mapping[str, Sequence[str]]
) -> dict[str, HeadScore]:
    """Scores for each head that has gold labels (a row may lack some: pass only complete columns)."""
    predictions = classifier.predict(texts)
    scores = {}
    for head in HEADS:
        if head not in gold:
            continue
        predicted = [getattr(p, head).label for p in predictions]
        scores[head] = score_head(head, gold[head], predicted)
    return scores


def format_report(scores: dict[str, HeadScore], confusions: int = 15) -> str:
    lines: list[str] = []
    for score in scores.values():
        lines.append(
            f"== {score.head}: n={score.total}  accuracy={score.accuracy:.3f}  macro-F1={score.macro_f1:.3f}"
        )
        lines.append(f"{'class':<16}{'precision':>10}{'recall':>8}{'F1':>8}{'n':>6}")
        for c in score.classes:
            lines.append(f"{c.label:<16}{c.precision:>10.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.support:>6}")
        labels = [c.label for c in score.classes]
        if len(labels) <= 6:  # a full table where it fits on a screen; the top confusions otherwise
            table = {(g, p): n for g, p, n in score.confusions}
            lines.append("confusion (rows gold, columns predicted; diagonal not shown):")
            lines.append(" " * 16 + "".join(f"{label[:10]:>11}" for label in labels))
            for g in labels:
                cells = "".join(f"{'·' if g == p else table.get((g, p), 0):>11}" for p in labels)
                lines.append(f"{g:<16}{cells}")
        elif score.confusions:
            lines.append(f"most frequent confusions (gold → predicted), top {confusions}:")
            for gold_label, predicted, count in score.confusions[:confusions]:
                lines.append(f"  {gold_label:<16} → {predicted:<16} {count}")
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    coverage: float  # share of texts at or above the threshold (for luar: share of true luar found)
    precision: float  # accuracy of the category among them / share of luar guesses that are luar


def out_of_fold(
    texts: Sequence[str], labels: Mapping[str, Sequence[str]], folds: int = 5, seed: int = 0
) -> list[Prediction]:
    """Each text predicted by a model that did not train on it (stratified k-fold by category)."""
    from sklearn.model_selection import StratifiedKFold

    predictions: list[Prediction | None] = [None] * len(texts)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(list(texts), list(labels["category"])):
        model = TextClassifier.fit(
            [texts[i] for i in train], {h: [labels[h][i] for i in train] for h in HEADS}
        )
        for index, prediction in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predictions[index] = prediction
    return [p for p in predictions if p is not None]


def threshold_tables(
    predictions: Sequence[Prediction], labels: Mapping[str, Sequence[str]], grid: Sequence[float]
) -> dict[str, list[ThresholdRow]]:
    """For each threshold: how many category guesses clear it and how often they are right; how many of the
    true luar texts a luar guess at that confidence finds, and how often such a guess is right."""
    categories, kewenangan = labels["category"], labels["kewenangan"]
    luar_total = max(1, sum(k == "luar" for k in kewenangan))
    tables: dict[str, list[ThresholdRow]] = {"category": [], "luar": []}
    for threshold in grid:
        sure = [
            (p, g) for p, g in zip(predictions, categories, strict=True) if p.category.confidence >= threshold
        ]
        right = sum(p.category.label == g for p, g in sure)
        tables["category"].append(
            ThresholdRow(threshold, len(sure) / max(1, len(predictions)), right / len(sure) if sure else 0.0)
        )
        luar = [
            g
            for p, g in zip(predictions, kewenangan, strict=True)
            if p.kewenangan.label == "luar" and p.kewenangan.confidence >= threshold
        ]
        hits = sum(g == "luar" for g in luar)
        tables["luar"].append(ThresholdRow(threshold, hits / luar_total, hits / len(luar) if luar else 0.0))
    return tables


def lowest_meeting(rows: Sequence[ThresholdRow], precision: float) -> float | None:
    """The lowest threshold whose precision reaches ``precision`` (more coverage for the same quality)."""
    for row in sorted(rows, key=lambda r: r.threshold):
        if row.precision >= precision:
            return row.threshold
    return None
