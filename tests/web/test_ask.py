"""The Tanya pages: answers as one types, asking, "this did not answer me", articles, publishing an answer,
and the outreach figures for the Biro."""

from __future__ import annotations

import pytest
from django.test import Client

from aduan.models import Article, Category, Officer, Question, Report, Unit
from aduan.services import knowledge, reports
from tests.factories import ArticleFactory, OfficerFactory, officer_at
from tests.web.helpers import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_knowledge_index")]


@pytest.fixture
def housing(housing: Unit) -> Unit:
    """The housing agency (tests/conftest.py) with its article on renting a rusunawa, sources and date."""
    ArticleFactory(
        category=Category.objects.get(code="UJIRUSUN"),
        sources=[
            {"title": "Dinas Perumahan", "url": "https://contoh.go.id/rusun"},
            {"title": "Aduan", "url": "/"},
        ],
        last_verified="2026-11-20",
    )
    return housing


def ask(client: Client, question: str) -> Question:
    response = client.post("/tanya/", {"question": question})
    assert response.status_code == 302, text(response)
    asked = Question.objects.latest("id")
    assert response["Location"] == f"/tanya/{asked.id}/"
    return asked


def test_the_home_page_links_to_tanya_prominently(client: Client) -> None:
    page = text(client.get("/"))
    assert "Punya pertanyaan? Tanya dulu" in page and 'href="/tanya/"' in page


def test_the_form_asks_for_answers_as_one_types(client: Client) -> None:
    page = text(client.get("/tanya/"))
    assert 'hx-get="/tanya/cari/"' in page and "delay:300ms" in page and 'name="question"' in page


def test_answers_appear_while_typing_and_nothing_is_stored(client: Client, housing: Unit) -> None:
    page = text(client.get("/tanya/cari/", {"question": "syarat rumah susun"}))
    assert "Syarat menyewa rusunawa" in page and "SIRUKIM" in page
    assert "terakhir diperiksa 20 Nov 2026" in page
    assert 'href="https://contoh.go.id/rusun"' in page and "Dinas Perumahan Uji" in page
    assert not Question.objects.exists()
    nothing = text(client.get("/tanya/cari/", {"question": "resep nasi goreng"}))
    assert "Belum ada jawaban yang cocok" in nothing
    assert text(client.get("/tanya/cari/", {"question": "ru"})).strip() == ""  # too short to search


def test_asking_stores_the_question_and_shows_it_with_its_answers(client: Client, housing: Unit) -> None:
    asked = ask(client, "gimana syarat daftar rusunawa?")
    assert asked.answered and asked.channel == "web"
    page = text(client.get(f"/tanya/{asked.id}/"))
    assert "gimana syarat daftar rusunawa?" in page and "Syarat menyewa rusunawa" in page
    assert "Ini tidak menjawab pertanyaan saya" in page and 'name="email"' in page


def test_an_empty_question_is_refused_on_the_form(client: Client) -> None:
    response = client.post("/tanya/", {"question": "  "})
    assert response.status_code == 200 and "Pertanyaan wajib diisi." in text(response)
    assert not Question.objects.exists()


def test_another_browser_cannot_see_or_forward_the_question(client: Client, housing: Unit) -> None:
    asked = ask(client, "syarat rusun")
    other = Client()
    assert other.get(f"/tanya/{asked.id}/").status_code == 404
    forged = other.post(f"/tanya/{asked.id}/tidak-menjawab/", {"token": "palsu"})
    assert forged.status_code in (404, 422)
    assert not Report.objects.exists()


def test_not_answered_files_the_case_and_shows_the_receipt(client: Client, housing: Unit) -> None:
    asked = ask(client, "rusunawa untuk pekerja lepas tanpa slip gaji bisa?")
    token = knowledge.question_token(asked.id)
    response = client.post(
        f"/tanya/{asked.id}/tidak-menjawab/",
        {"token": token, "details": "Saya ojek daring.", "email": "warga@contoh.id", "name": "Handoko"},
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/laporan/{report.ticket}/tanda-terima/"
    assert report.jenis == "informasi" and report.holder == housing
    receipt = text(client.get(response["Location"]))
    assert report.ticket in receipt and "token=" in receipt
    page = text(client.get(f"/tanya/{asked.id}/"))
    assert "Pertanyaan sudah diteruskan" in page and report.ticket in page


def test_not_answered_with_a_bad_contact_shows_the_error_and_files_nothing(
    client: Client, housing: Unit
) -> None:
    asked = ask(client, "syarat rusun")
    token = knowledge.question_token(asked.id)
    response = client.post(f"/tanya/{asked.id}/tidak-menjawab/", {"token": token, "email": "bukan surel"})
    assert response.status_code == 422
    assert "surel" in text(response).lower()
    assert not Report.objects.exists()


def test_an_article_page_shows_its_source_and_date(client: Client, housing: Unit) -> None:
    article = Article.objects.get()
    page = text(client.get(f"/tanya/artikel/{article.id}/"))
    assert "Syarat menyewa rusunawa" in page and "20 Nov 2026" in page and "Dinas Perumahan Uji" in page
    assert 'href="https://contoh.go.id/rusun"' in page
    article.published = False
    article.save()
    assert client.get(f"/tanya/artikel/{article.id}/").status_code == 404


def test_the_outreach_page_is_for_the_biro_and_admins(client: Client, housing: Unit) -> None:
    knowledge.ask("syarat rusun")
    knowledge.ask("jadwal ganjil genap")
    client.force_login(officer_at("BIROPEM").user)
    page = text(client.get("/petugas/pertanyaan/"))
    assert "Paling sering ditanyakan" in page and "Rumah susun" in page and "jadwal ganjil genap" in page
    data = client.get("/petugas/pertanyaan/data.json").json()
    assert data["asked"] == 2 and data["unanswered"] == 1 and data["unanswered_share"] == 0.5
    assert {r["label"] for r in data["by_topic"]} == {"Rumah susun", knowledge.NO_TOPIC}
    bad = client.get("/petugas/pertanyaan/data.json", {"dari": "kemarin"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "dari"
    backwards = client.get("/petugas/pertanyaan/data.json", {"dari": "2026-12-01", "sampai": "2026-11-01"})
    assert backwards.status_code == 400 and backwards.json()["errors"][0]["field"] == "sampai"
    client.force_login(officer_at("KEL-31.71.01.1001").user)
    assert client.get("/petugas/pertanyaan/").status_code == 403
    assert client.get("/petugas/pertanyaan/data.json").status_code == 403


def test_the_holder_publishes_an_answer_from_the_case(client: Client, housing: Unit) -> None:
    asked = knowledge.ask("rusunawa boleh untuk lansia yang tinggal sendiri?")
    report = knowledge.not_answered(asked.question.id, asked.token).report
    officer = OfficerFactory(unit=housing, role=Officer.Role.OFFICER)
    reports.accept(report.ticket, officer.user)
    reports.report_followup(
        report.ticket, officer.user, "Boleh, bila memenuhi syarat penghasilan dan KTP DKI."
    )
    client.force_login(officer.user)
    form = text(client.get(f"/petugas/laporan/{report.ticket}/terbitkan/"))
    assert "rusunawa boleh untuk lansia yang tinggal sendiri?" in form and "Boleh, bila memenuhi" in form
    empty = client.post(f"/petugas/laporan/{report.ticket}/terbitkan/", {"title": "", "body": ""})
    assert empty.status_code == 200 and not Article.objects.filter(from_report=report).exists()
    response = client.post(
        f"/petugas/laporan/{report.ticket}/terbitkan/",
        {"title": "Rusunawa untuk lansia", "body": "Boleh, bila memenuhi syarat penghasilan dan KTP DKI."},
    )
    article = Article.objects.get(from_report=report)
    assert response.status_code == 302 and response["Location"] == f"/tanya/artikel/{article.id}/"
    again = client.get(f"/petugas/laporan/{report.ticket}/terbitkan/")
    assert again.status_code == 409 and "sudah diterbitkan" in text(again)
    client.force_login(officer_at("KEL-31.71.01.1001").user)
    assert client.get(f"/petugas/laporan/{report.ticket}/terbitkan/").status_code == 403
