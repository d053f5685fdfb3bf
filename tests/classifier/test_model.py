"""The classifier's parts on small made-up data: normalising, the fast featuriser, fit/predict, scores."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from aduan.classifier.evaluation import format_report, score_head
from aduan.classifier.model import Featuriser, TextClassifier
from aduan.classifier.text import features, normalise

TRAIN = [
    ("lampu jalan mati sudah seminggu gelap banget", "PJU", "pengaduan", "dki"),
    ("lampu pju di jln kenari padam", "PJU", "pengaduan", "dki"),
    ("tiang lampu jalan miring mau roboh", "PJU", "pengaduan", "dki"),
    ("sampah numpuk ga diangkut2 bau bgt", "SAMPAH", "pengaduan", "dki"),
    ("tumpukan sampah di pinggir kali tdk diangkut", "SAMPAH", "pengaduan", "dki"),
    ("truk sampah kagak dateng udh 3 hari", "SAMPAH", "pengaduan", "dki"),
    ("listrik pln padam terus tiap malam", "LISTRIK", "pengaduan", "luar"),
    ("token listrik pln error meteran bunyi", "LISTRIK", "pengaduan", "luar"),
    ("gardu pln meledak listrik mati sekampung", "LISTRIK", "pengaduan", "luar"),
    ("gimana cara daftar rusun? syaratnya apa aja", "RUSUN", "informasi", "dki"),
    ("berapa biaya sewa rusunawa per bulan", "RUSUN", "informasi", "dki"),
    ("mohon info cara daftar rumah susun untuk warga ktp dki", "RUSUN", "informasi", "dki"),
]


def columns(rows: list[tuple[str, str, str, str]]) -> tuple[list[str], dict[str, list[str]]]:
    return [r[0] for r in rows], {
        "category": [r[1] for r in rows],
        "jenis": [r[2] for r in rows],
        "kewenangan": [r[3] for r in rows],
    }


def test_slang_is_normalised_and_greetings_dropped() -> None:
    assert normalise("Yth. Pak Lurah, jln di dpn rmh gw tdk diperbaiki2 gmn nih??") == [
        "lurah",
        "jalan",
        "depan",
        "rmh",
        "tidak",
        "diperbaiki",
        "bagaimana",
        "nih",
    ]
    assert normalise("Kagak ada yg ngangkut sampah!!! @DKIJakarta https://t.co/abc #jakarta") == [
        "tidak",
        "ngangkut",
        "sampah",
    ]
    assert normalise("bangeeeeet") == normalise("bangeet")
    assert features("lampu jalan mati") == ["lampu", "jalan", "mati", "lampu jalan", "jalan mati"]


def test_the_fast_featuriser_equals_scikit_learns_tfidf() -> None:
    texts = [row[0] for row in TRAIN]
    ours = Featuriser().fit(texts)
    reference = TfidfVectorizer(analyzer=features, sublinear_tf=True).fit(texts)
    probe = [*texts, "lampu lampu lampu mati", "kata yang tidak pernah dilihat", ""]
    expected = reference.transform(probe).toarray()
    got = ours.transform(probe).toarray()
    order = [reference.vocabulary_[term] for term in sorted(ours.vocabulary, key=ours.vocabulary.__getitem__)]
    assert np.allclose(got, expected[:, order])


def test_fit_predict_and_round_trip() -> None:
    texts, labels = columns(TRAIN)
    classifier = TextClassifier.fit(texts, labels)
    guess = classifier.predict_one("lampu jalan depan rumah mati")
    assert guess.category.label == "PJU" and guess.kewenangan.label == "dki"
    assert 0 < guess.confidence <= guess.category.confidence <= 1
    assert classifier.predict_one("pln padam lagi, listrik mati").kewenangan.label == "luar"
    assert classifier.predict_one("cara daftar rusunawa gimana?").jenis.label == "informasi"
    again = TextClassifier.from_bytes(classifier.to_bytes())
    probe = ["sampah", "listrik", "rusun", ""]
    assert again.predict(probe) == classifier.predict(probe)
    assert classifier.predict([]) == []
    assert set(classifier.labels("category")) == {"PJU", "SAMPAH", "LISTRIK", "RUSUN"}


def test_a_foreign_payload_is_refused() -> None:
    import pickle

    with pytest.raises(ValueError):
        TextClassifier.from_bytes(pickle.dumps({"format": "something-else"}))


def test_missing_labels_are_refused() -> None:
    with pytest.raises(ValueError):
        TextClassifier.fit(["a"], {"category": ["X"]})


def test_scores_are_exact_on_a_known_case() -> None:
    gold = ["A", "A", "B", "B", "C"]
    predicted = ["A", "B", "B", "B", "A"]
    score = score_head("category", gold, predicted)
    assert score.accuracy == pytest.approx(3 / 5)
    by_label = {c.label: c for c in score.classes}
    assert by_label["A"].precision == pytest.approx(1 / 2) and by_label["A"].recall == pytest.approx(1 / 2)
    assert by_label["B"].precision == pytest.approx(2 / 3) and by_label["B"].recall == pytest.approx(1.0)
    assert by_label["C"].f1 == 0
    assert score.macro_f1 == pytest.approx((0.5 + 0.8 + 0) / 3)
    assert score.confusions == [("A", "B", 1), ("C", "A", 1)]
    report = format_report({"category": score})
    assert "macro-F1=0.433" in report and "confusion" in report


def test_probabilities_equal_scikit_learns_predict_proba() -> None:
    from aduan.classifier.model import HEADS, _probabilities

    texts, labels = columns(TRAIN)
    classifier = TextClassifier.fit(texts, labels)
    matrix = classifier.featuriser.transform([*texts, "kata baru", ""])
    for head in HEADS:
        model = classifier.heads[head]
        assert np.allclose(_probabilities(model, matrix), model.predict_proba(matrix))
