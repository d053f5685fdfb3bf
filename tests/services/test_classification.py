"""The classifier in the system: versions and their activation, routing by its guesses, the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from aduan.models import ClassifierModel, TrainingExample
from aduan.services import classification, reports
from aduan.services.reports import NewReport
from tests.conftest import SEED

pytestmark = pytest.mark.django_db
MONAS = (-6.1754, 106.8272)


@pytest.mark.skipif(not SEED.is_file(), reason="the seed set is not there yet")
def test_retrain_keeps_versions_and_activates_only_a_model_that_is_not_worse() -> None:
    first = classification.retrain(note="pertama")
    assert first.activated and first.version == 1 and first.previous_version is None
    assert first.heldout_size > 100 and first.train_size > 3 * first.heldout_size
    assert first.scores["category"]["macro_f1"] > 0.5
    # A model regularised into uselessness must not replace the active one.
    worse = classification.retrain(note="terlalu lemah", regularisation=1e-4)
    assert not worse.activated and worse.version == 2
    assert worse.scores["category"]["macro_f1"] < first.scores["category"]["macro_f1"]
    assert list(ClassifierModel.objects.filter(active=True).values_list("version", flat=True)) == [1]
    assert ClassifierModel.objects.get(version=2).metrics["previous"]["category"][
        "macro_f1"
    ] == pytest.approx(first.scores["category"]["macro_f1"])


@pytest.mark.skipif(not SEED.is_file(), reason="the seed set is not there yet")
def test_officers_decisions_join_the_next_training() -> None:
    report = reports.submit_report(
        NewReport(channel="web", description="Ada ular kobra masuk ke rumah warga")
    ).report
    classification.record_decision(report, "HEWAN", "pengaduan", "dki", TrainingExample.Source.TRIAGE)
    result = classification.retrain()
    assert result.officer_examples == 1


def test_heldout_membership_is_stable_and_about_a_fifth() -> None:
    texts = [f"laporan nomor {i} tentang jalan" for i in range(2000)]
    share = sum(classification.is_heldout(t) for t in texts) / len(texts)
    assert 0.15 < share < 0.25
    assert classification.is_heldout("Lampu  JALAN mati") == classification.is_heldout("lampu jalan mati")


def test_without_a_model_intake_still_routes_by_the_crm_rule(shared_data: Path) -> None:
    report = reports.submit_report(
        NewReport(channel="web", description="Lampu jalan mati", lat=MONAS[0], lon=MONAS[1])
    )
    assert report.report.holder.code == "KEL-31.71.01.1001"
    assert report.report.category is None and report.report.needs_triage


def test_a_confident_guess_outside_kelurahan_work_goes_straight_to_the_suku_dinas(
    active_model: None, shared_data: Path
) -> None:
    text = "Lampu PJU di Jl. Medan Merdeka mati semua, gelap gulita tiap malam, rawan begal"
    report = reports.submit_report(
        NewReport(channel="twitter", description=text, lat=MONAS[0], lon=MONAS[1])
    ).report
    assert report.category.code == "PJU"
    event = report.events.get()
    assert event.data["classifier"]["category"] == "PJU" and report.category_confidence >= 0.55
    assert report.holder.code == "BINAMARGA-31.71" and not report.needs_triage
    assert list(report.copied_units.values_list("code", flat=True)) == ["KEL-31.71.01.1001"]
    assert event.data["routing"]["route"] == "direct" and "ditembuskan" in event.reason


def test_a_likely_luar_matter_is_proposed_for_referral_not_refused(active_model: None) -> None:
    text = "Listrik PLN padam dari pagi sampai malam, token listrik juga error, tolong PLN segera perbaiki"
    report = reports.submit_report(NewReport(channel="sms", description=text)).report
    assert report.kewenangan == "luar"
    assert report.status == "menunggu"  # never refused by the machine
    assert report.holder.code == "TRIASE" and report.proposed_referral
    assert "luar kewenangan" in report.events.get().reason


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_classify_cli_writes_exactly_the_contract(active_model: None, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        [
            {"id": "a1", "text": "sampah numpuk ga diangkut seminggu"},
            {"id": "a2", "text": "gimana cara daftar rusunawa?"},
            {"id": "a3", "text": ""},
        ],
    )
    target = tmp_path / "out.csv"
    call_command("classify", source=source, target=target, stdout=io.StringIO())
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "category", "jenis", "kewenangan", "confidence"]
    assert [r[0] for r in rows[1:]] == ["a1", "a2", "a3"]
    assert all(r[3] in ("dki", "luar") and 0 <= float(r[4]) <= 1 for r in rows[1:])
    assert rows[1][1] == "SAMPAH" and rows[2][2] == "informasi"


def test_classify_cli_refuses_bad_input_and_leaves_no_output(active_model: None, tmp_path: Path) -> None:
    wrong = write_csv(tmp_path / "wrong.csv", [{"nomor": "1", "isi": "x"}])
    with pytest.raises(CommandError, match="kolom"):
        call_command("classify", source=wrong, target=tmp_path / "out.csv")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("classify", source=tmp_path / "none.csv", target=tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_classify_cli_without_a_model_says_what_to_do(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [{"id": "1", "text": "x"}])
    with pytest.raises(CommandError, match="retrain"):
        call_command("classify", source=source, target=tmp_path / "out.csv")


def test_evaluate_cli_prints_per_class_scores_and_confusions(active_model: None, tmp_path: Path) -> None:
    labelled = write_csv(
        tmp_path / "gold.csv",
        [
            {
                "text": "sampah numpuk ga diangkut",
                "category": "SAMPAH",
                "jenis": "pengaduan",
                "kewenangan": "dki",
            },
            {
                "text": "listrik pln padam terus",
                "category": "LISTRIK",
                "jenis": "pengaduan",
                "kewenangan": "luar",
            },
        ],
    )
    out = io.StringIO()
    call_command("evaluate", source=labelled, stdout=out)
    report = out.getvalue()
    assert "== category: n=2" in report and "macro-F1=" in report and "precision" in report
    assert "== kewenangan" in report and "confusion" in report
