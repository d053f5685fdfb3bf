"""The knowledge base against a real database: seeds, the search index, asking, "this did not answer me",
publishing an answer back, and the outreach figures."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import UnitKind
from aduan.models import Article, Follower, Officer, Question, Report, Unit
from aduan.services import knowledge, reports
from aduan.services.reports import NewReport, ReporterInput
from tests.factories import (
    AgencyFactory,
    ArticleFactory,
    CategoryFactory,
    OfficerFactory,
    UnitFactory,
    officer_at,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_knowledge_index")]


def rusun_article(housing: Unit) -> Article:
    """The article on renting a rusunawa, in the category of the housing agency (tests/conftest.py)."""
    return ArticleFactory(category=housing.agency.category_set.first())  # type: ignore[union-attr]


# ---------------------------------------------------------------- seeds and import


def test_the_shipped_seed_loads_once_and_covers_the_required_topics() -> None:
    first = knowledge.load_seed()
    assert first.created >= 25 and first.updated == 0
    again = knowledge.load_seed()
    assert again.created == 0 and again.unchanged == first.created
    text = " ".join(Article.objects.values_list("title", flat=True)).lower()
    for topic in ("rusunawa", "makam", "ktp", "kartu keluarga", "kjp", "bansos", "bpjs", "pbb", "pbg", "sim"):
        assert topic in text, topic
    assert not Article.objects.filter(last_verified__isnull=True).exists()
    assert all(a.sources for a in Article.objects.all())


def test_the_shared_seed_adds_nothing_the_own_seed_already_answers(shared_data: Path) -> None:
    knowledge.load_seed()
    before = Article.objects.count()
    result = knowledge.import_articles(knowledge.read_file(shared_data / "jakarta_service_kb_seed.json"))
    assert result.created == 0 and result.unchanged == 12
    assert Article.objects.count() == before
    # With the tupoksi loaded the seed's codes are linked.
    assert Article.objects.get(title__startswith="Biaya resmi pemakaman").agency.code == "DISTAMHUT"


def test_the_shared_seed_format_imports_with_the_question_as_title() -> None:
    data = {
        "entries": [
            {
                "topic": "Uji",
                "question": "Bagaimana cara uji?",
                "answer": "Begini caranya.",
                "sources": ["https://contoh.go.id/a (1 Jan 2025)"],
            }
        ]
    }
    assert knowledge.import_articles(data).created == 1
    article = Article.objects.get(title="Bagaimana cara uji?")
    assert article.body == "Begini caranya." and article.question == "Bagaimana cara uji?"
    assert article.sources == [{"title": "1 Jan 2025", "url": "https://contoh.go.id/a"}]
    # The same question typed differently is the same article.
    again = {"entries": [{"question": "bagaimana CARA uji", "answer": "Lain."}]}
    assert knowledge.import_articles(again).unchanged == 1
    assert Article.objects.count() == 1


def test_a_bad_file_names_every_bad_field_and_writes_nothing() -> None:
    data = {
        "entries": [
            {"title": "Baik", "body": "Isi."},
            {"title": "", "body": ""},
            {"title": "Tanggal", "body": "Isi.", "last_verified": "kemarin"},
            "bukan objek",
            {"title": 5, "body": "Isi."},
        ]
    }
    with pytest.raises(InvalidInput) as caught:
        knowledge.import_articles(data)
    assert set(caught.value.errors) == {
        "entries[1].title",
        "entries[1].body",
        "entries[2].last_verified",
        "entries[3]",
        "entries[4].title",
    }
    assert not Article.objects.exists()
    with pytest.raises(InvalidInput) as caught:
        knowledge.import_articles({"entries": []})
    assert "entries" in caught.value.errors


def test_an_admins_edit_survives_a_reimport_unless_update_is_asked(housing: Unit) -> None:
    entry = {"title": "Judul", "body": "Isi lama.", "agency": "UJIRUMAH"}
    knowledge.import_articles({"entries": [entry]})
    Article.objects.filter(title="Judul").update(body="Isi suntingan admin.")
    knowledge.import_articles({"entries": [entry]})
    assert Article.objects.get().body == "Isi suntingan admin."
    assert knowledge.import_articles({"entries": [entry]}, update=True).updated == 1
    assert Article.objects.get().body == "Isi lama."


def test_unknown_codes_are_noted_and_filled_in_by_a_later_run() -> None:
    entry = {"title": "Judul", "body": "Isi.", "agency": "UJIBARU", "category": "UJIBARUCAT"}
    result = knowledge.import_articles({"entries": [entry]}, source="uji.json")
    assert any("UJIBARU" in note for note in result.notes)
    assert Article.objects.get().agency is None
    agency = AgencyFactory(code="UJIBARU")
    CategoryFactory(code="UJIBARUCAT", agency=agency)
    assert knowledge.import_articles({"entries": [entry]}).updated == 1
    article = Article.objects.get()
    assert article.agency == agency and article.category.code == "UJIBARUCAT"


def test_read_file_refuses_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="tidak ditemukan"):
        knowledge.read_file(tmp_path / "tidak-ada.json")
    broken = tmp_path / "rusak.json"
    broken.write_text("{bukan json", encoding="utf-8")
    with pytest.raises(DomainError, match="bukan JSON"):
        knowledge.read_file(broken)


# ---------------------------------------------------------------- the index


def test_the_index_follows_every_change_to_the_articles(housing: Unit) -> None:
    assert knowledge.search("syarat rusun") == []
    article = rusun_article(housing)
    assert [a.article.id for a in knowledge.search("syarat rumah susun")] == [article.id]
    article.published = False
    article.save()
    assert knowledge.search("syarat rumah susun") == []
    article.published = True
    article.title = "Syarat sewa rusun"
    article.save()
    assert knowledge.search("syarat rumah susun")[0].article.title == "Syarat sewa rusun"
    article.delete()
    assert knowledge.search("syarat rumah susun") == []


# ---------------------------------------------------------------- asking


def test_a_question_is_answered_and_kept_with_its_best_article_and_owner(housing: Unit) -> None:
    article = rusun_article(housing)
    asked = knowledge.ask("gimana syarat daftar rusunawa min?", "jaki")
    assert asked.answers[0].article == article and asked.answered
    question = Question.objects.get()
    assert question.best_article == article and question.answered and question.channel == "jaki"
    assert question.best_score == pytest.approx(asked.answers[0].score, abs=1e-3)
    assert question.agency == housing.agency and question.category.code == "UJIRUSUN"
    assert knowledge.check_question_token(question.id, asked.token)
    assert not knowledge.check_question_token(question.id + 1, asked.token)
    assert asked.jenis is None  # no classifier trained in this test


def test_a_question_without_an_answer_is_kept_as_unanswered(housing: Unit) -> None:
    rusun_article(housing)
    asked = knowledge.ask("jadwal ganjil genap hari ini")
    assert not asked.answered
    question = Question.objects.get()
    assert not question.answered and question.agency is None


@pytest.mark.usefixtures("active_model")
def test_with_a_model_the_jenis_and_category_are_guessed() -> None:
    asked = knowledge.ask("Bagaimana cara mengurus KTP yang hilang?")
    assert asked.jenis in ("informasi", "pengaduan", "aspirasi")


@pytest.mark.parametrize(
    ("text", "channel", "field"),
    [
        ("", "", "question"),
        ("   ", "", "question"),
        ("x" * 1001, "", "question"),
        (None, "", "question"),
        (12, "", "question"),
        ("Syarat rusun?", "merpati", "channel"),
        ("Syarat rusun?", 5, "channel"),
    ],
)
def test_bad_questions_are_refused_by_field_and_nothing_is_kept(
    text: object, channel: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        knowledge.ask(text, channel)
    assert field in caught.value.errors
    assert not Question.objects.exists()


# ---------------------------------------------------------------- "this did not answer me"


def test_not_answered_files_an_informasi_case_held_by_the_owning_agency(housing: Unit) -> None:
    rusun_article(housing)
    asked = knowledge.ask("syarat rusunawa untuk janda tanpa KK DKI?")
    contact = ReporterInput("Suryati", "0812 3456 7890", "suryati@contoh.id")
    result = knowledge.not_answered(asked.question.id, asked.token, contact, "Saya tinggal di Cilincing.")
    report = result.report
    assert result.created and result.access_token
    assert report.jenis == Report.Jenis.INFORMASI and report.visibility == Report.Visibility.PRIVATE
    assert report.holder == housing and report.category.code == "UJIRUSUN"
    assert not report.needs_triage
    assert "janda tanpa KK" in report.description and "Cilincing" in report.description
    assert "Syarat menyewa rusunawa" in report.description  # what was shown and did not help
    event = report.events.get()
    assert event.data["routing"]["route"] == "given"
    assert sorted(Follower.objects.filter(report=report).values_list("kanal", flat=True)) == ["email", "sms"]
    question = Question.objects.get()
    assert question.not_helpful and question.report == report
    # Pressing the button again files nothing new.
    again = knowledge.not_answered(asked.question.id, asked.token)
    assert again.report == report and not again.created and again.access_token is None
    assert Report.objects.count() == 1


def test_not_answered_without_a_known_owner_goes_to_the_triage_desk() -> None:
    asked = knowledge.ask("kapan libur lebaran tahun depan")
    report = knowledge.not_answered(asked.question.id, asked.token).report
    assert report.holder.code == "TRIASE" and report.jenis == Report.Jenis.INFORMASI


def test_not_answered_needs_the_askers_token_and_valid_input(housing: Unit) -> None:
    asked = knowledge.ask("syarat rusun")
    with pytest.raises(DomainError) as caught:
        knowledge.not_answered(asked.question.id, "palsu")
    assert caught.value.code == "forbidden" and caught.value.field == "token"
    with pytest.raises(reports.NotFound):
        knowledge.not_answered(asked.question.id + 99, asked.token)
    with pytest.raises(InvalidInput) as bad:
        knowledge.not_answered(asked.question.id, asked.token, ReporterInput(email="bukan-surel"))
    assert "reporter.email" in bad.value.errors
    with pytest.raises(InvalidInput) as long_details:
        knowledge.not_answered(asked.question.id, asked.token, details="x" * 2001)
    assert "details" in long_details.value.errors
    assert not Report.objects.exists() and not Question.objects.get().not_helpful


def test_submit_report_takes_a_named_holder_and_refuses_an_unknown_one(housing: Unit) -> None:
    new = NewReport(
        channel="web", description="Pertanyaan tentang rusun", jenis="informasi", holder_code="UJIRUMAH"
    )
    assert reports.submit_report(new).report.holder == housing
    for code in ("TIDAKADA", "BIROPEM"):  # unknown, and a unit that cannot hold cases
        with pytest.raises(InvalidInput) as caught:
            reports.submit_report(NewReport(channel="web", description="Tanya", holder_code=code))
        assert "holder_code" in caught.value.errors
    assert Report.objects.count() == 1


# ---------------------------------------------------------------- publishing back


def answered_case(housing: Unit) -> tuple[Report, Officer]:
    rusun_article(housing)
    asked = knowledge.ask("berapa lama antre rusunawa setelah daftar?")
    report = knowledge.not_answered(asked.question.id, asked.token).report
    officer = OfficerFactory(unit=housing)
    reports.accept(report.ticket, officer.user)
    reports.report_followup(
        report.ticket, officer.user, "Rata-rata 6 bulan, bergantung unit kosong di rusun tujuan."
    )
    return Report.objects.get(pk=report.pk), officer


def test_the_holders_officer_publishes_the_answer_in_one_step(housing: Unit) -> None:
    report, officer = answered_case(housing)
    title, body = knowledge.publish_defaults(report)
    assert title == "berapa lama antre rusunawa setelah daftar?" and body.startswith("Rata-rata 6 bulan")
    article = knowledge.publish_from_report(report.ticket, officer.user, "Lama antre rusunawa", body)
    assert article.from_report == report and article.agency == housing.agency
    assert article.category.code == "UJIRUSUN" and article.last_verified == timezone.localdate()
    assert article.question == "berapa lama antre rusunawa setelah daftar?" and article.published
    assert article.topic == "Rumah susun"  # the topic of the article that was shown
    # The next resident asking the same finds it.
    assert knowledge.search("lama antre rusun setelah mendaftar")[0].article == article
    with pytest.raises(DomainError) as twice:
        knowledge.publish_from_report(report.ticket, officer.user, "Lagi", body)
    assert twice.value.code == "not_publishable"
    assert Article.objects.filter(from_report=report).count() == 1


def test_only_the_holder_its_agency_or_an_admin_may_publish(housing: Unit) -> None:
    report, _ = answered_case(housing)
    outsider = officer_at("KEL-31.71.01.1001")
    with pytest.raises(DomainError) as caught:
        knowledge.publish_from_report(report.ticket, outsider.user, "Judul", "Isi")
    assert caught.value.code == "forbidden"
    assert not knowledge.may_publish(outsider.user, report)
    same_agency = OfficerFactory(
        unit=UnitFactory(code="UJIRUMAH-31.71", kind=UnitKind.SUKU_DINAS, agency=housing.agency)
    )
    assert knowledge.may_publish(same_agency.user, report)
    admin = officer_at("BIROPEM", role=Officer.Role.ADMIN)
    assert knowledge.may_publish(admin.user, report)
    assert not knowledge.may_publish(AnonymousUser(), report)
    assert not knowledge.may_publish(get_user_model().objects.create(username="warga-biasa"), report)
    assert not Article.objects.filter(from_report=report).exists()


def test_unanswered_or_non_question_cases_are_not_published_and_fields_are_checked(housing: Unit) -> None:
    rusun_article(housing)
    asked = knowledge.ask("syarat rusun bagi lansia?")
    report = knowledge.not_answered(asked.question.id, asked.token).report
    officer = OfficerFactory(unit=housing)
    with pytest.raises(DomainError, match="belum dijawab"):
        knowledge.publish_from_report(report.ticket, officer.user, "Judul", "Isi")
    complaint = reports.submit_report(
        NewReport(channel="web", description="Lift rusun mati", jenis="pengaduan", holder_code="UJIRUMAH")
    ).report
    with pytest.raises(DomainError, match="informasi"):
        knowledge.publish_from_report(complaint.ticket, officer.user, "Judul", "Isi")
    reports.accept(report.ticket, officer.user)
    reports.report_followup(report.ticket, officer.user, "Lansia dapat mendaftar bila syarat lain terpenuhi.")
    with pytest.raises(InvalidInput) as caught:
        knowledge.publish_from_report(report.ticket, officer.user, " ", "")
    assert set(caught.value.errors) == {"title", "body"}
    with pytest.raises(InvalidInput) as long_title:
        knowledge.publish_from_report(report.ticket, officer.user, "x" * 201, "Isi")
    assert "title" in long_title.value.errors
    assert not Article.objects.filter(from_report__isnull=False).exists()


# ---------------------------------------------------------------- outreach figures


def test_the_outreach_figures_count_questions_answers_and_gaps(housing: Unit) -> None:
    article = rusun_article(housing)
    for text in (
        "syarat rusunawa?",
        "Syarat rusunawa",
        "syarat rumah susun",
        "jadwal ganjil genap",
        "jadwal ganjil-genap!",
    ):
        knowledge.ask(text)
    not_helpful = knowledge.ask("syarat rusun bagi pekerja lepas?")
    knowledge.not_answered(not_helpful.question.id, not_helpful.token)
    old = knowledge.ask("syarat rusunawa")  # outside the range below
    Question.objects.filter(pk=old.question.id).update(created_at=timezone.now() - timedelta(days=40))

    today = timezone.localdate()
    figures = knowledge.outreach(today - timedelta(days=6), today)
    assert figures.asked == 6
    assert figures.unanswered == 3 and figures.not_helpful == 1  # two without answer, one "did not answer me"
    assert figures.unanswered_share == pytest.approx(0.5)
    assert [(r.article_id, r.asked, r.unanswered) for r in figures.by_article] == [(article.id, 4, 1)]
    # "syarat rusunawa?" and "Syarat rusunawa" are one question; so are the two ganjil-genap wordings.
    top = figures.by_question[0]
    assert top.asked == 3 and top.label.lower().startswith("syarat r")
    assert sorted(r.asked for r in figures.by_question) == [1, 2, 3]
    topics = {r.label: (r.asked, r.unanswered) for r in figures.by_topic}
    assert topics["Rumah susun"] == (4, 1) and topics[knowledge.NO_TOPIC] == (2, 2)
    agencies = {r.code: (r.asked, r.unanswered) for r in figures.by_agency}
    assert agencies["UJIRUMAH"] == (4, 1) and agencies[""] == (2, 2)

    assert knowledge.outreach(today - timedelta(days=60), today).asked == 7
    assert knowledge.outreach(today + timedelta(days=1), today + timedelta(days=2)).asked == 0


def test_the_outreach_range_is_checked() -> None:
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as backwards:
        knowledge.outreach(today, today - timedelta(days=1))
    assert "sampai" in backwards.value.errors
    with pytest.raises(InvalidInput) as too_long:
        knowledge.outreach(today - timedelta(days=400), today)
    assert "dari" in too_long.value.errors


def test_the_seed_file_is_valid_json_with_known_fields() -> None:
    data = json.loads(Path(knowledge.__file__).parent.parent.joinpath("knowledge", "seed.json").read_text())
    fields = {
        "title",
        "question",
        "topic",
        "category",
        "agency",
        "keywords",
        "body",
        "sources",
        "last_verified",
    }
    assert all(set(e) == fields for e in data["entries"])


def test_the_kb_import_command_loads_the_seed_and_files_and_refuses_bad_ones(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("kb_import", stdout=out)
    assert "artikel baru" in out.getvalue() and Article.objects.count() >= 25
    good = tmp_path / "kb.json"
    good.write_text(json.dumps({"entries": [{"title": "Judul uji", "body": "Isi uji."}]}), encoding="utf-8")
    call_command("kb_import", str(good), stdout=out)
    call_command("kb_import", str(good), stdout=out)
    assert Article.objects.filter(title="Judul uji").count() == 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"entries": [{"title": "", "body": "Isi."}]}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"entries\[0\]\.title"):
        call_command("kb_import", str(bad), stdout=out)
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("kb_import", str(tmp_path / "tidak-ada.json"), stdout=out)
