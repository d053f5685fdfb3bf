"""`POST /api/v1/ask` and `/ask/{id}/not-answered` over HTTP: the contract, and every kind of bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from aduan.models import Article, Question, Report
from aduan.services import knowledge
from tests.factories import ArticleFactory, CategoryFactory, DinasFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_knowledge_index")]


@pytest.fixture
def article() -> Article:
    dinas = DinasFactory(code="UJIMAKAM", agency__name="Dinas Pemakaman Uji")
    return ArticleFactory(
        title="Biaya resmi pemakaman di TPU",
        question="Berapa biaya makam?",
        body="Retribusi izin penggunaan tanah makam berlaku 3 tahun. Bayar hanya sesuai bukti resmi.",
        topic="Pemakaman",
        keywords="kuburan, pemakaman, TPU, biaya makam",
        category=CategoryFactory(code="UJIMAKAMCAT", name="Makam Uji", agency=dinas.agency),
        sources=[{"title": "Perda retribusi", "url": "https://contoh.go.id/perda"}],
        last_verified="2026-12-01",
    )


def post(client: Client, path: str, body: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data, content_type="application/json")


def ask(client: Client, body: Any) -> Any:
    return post(client, "/api/v1/ask", body)


def test_ask_returns_the_answers_and_keeps_the_question(client: Client, article: Article) -> None:
    response = ask(client, {"question": "berapa biaya kuburan di TPU?", "channel": "jaki"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"answers", "answered", "jenis", "category", "question_id", "token"}
    first = body["answers"][0]
    assert set(first) == {"id", "title", "snippet", "url", "score", "agency", "last_verified", "sources"}
    assert first["id"] == article.id and first["title"] == "Biaya resmi pemakaman di TPU"
    assert first["url"] == f"http://testserver/tanya/artikel/{article.id}/"
    assert first["agency"] == {"code": "UJIMAKAM", "name": "Dinas Pemakaman Uji"}
    assert first["last_verified"] == "2026-12-01"
    assert first["sources"] == [{"title": "Perda retribusi", "url": "https://contoh.go.id/perda"}]
    assert 0 < first["score"] <= 1 and first["snippet"]
    assert body["answered"] is True and body["jenis"] is None and body["category"] is None
    question = Question.objects.get(pk=body["question_id"])
    assert question.best_article == article and question.channel == "jaki"


def test_a_question_nobody_answered_says_so(client: Client, article: Article) -> None:
    body = ask(client, {"question": "resep nasi goreng"}).json()
    assert body["answered"] is False
    assert all(a["score"] < knowledge.ANSWER_SCORE for a in body["answers"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "x" * 1001}, "question"),
        ({"question": 42}, "question"),
        ({"question": ["rusun"]}, "question"),
        ({}, "question"),
        ({"question": "rusun", "channel": "merpati"}, "channel"),
        ({"question": "rusun", "channel": "x" * 21}, "channel"),
    ],
)
def test_bad_questions_get_422_naming_the_field(client: Client, payload: Any, field: str) -> None:
    response = ask(client, payload)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Question.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"rusun"'])
def test_a_body_that_is_not_a_json_object_gets_400(client: Client, raw: str) -> None:
    response = ask(client, raw)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "body"
    assert not Question.objects.exists()


def test_not_answered_files_a_case_once(client: Client, article: Article) -> None:
    asked = ask(client, {"question": "biaya makam tumpang untuk ibu saya berapa?"}).json()
    path = f"/api/v1/ask/{asked['question_id']}/not-answered"
    body = {"token": asked["token"], "details": "Di TPU Karet.", "contact": {"email": "warga@contoh.id"}}
    first = post(client, path, body)
    assert first.status_code == 201, first.content
    created = first.json()
    assert created["jenis"] == "informasi" and created["holder"]["code"] == "UJIMAKAM"
    assert created["category"] == {"code": "UJIMAKAMCAT", "name": "Makam Uji"}
    assert created["access_token"] and created["question_id"] == asked["question_id"]
    again = post(client, path, {"token": asked["token"]})
    assert again.status_code == 200
    assert again.json()["ticket"] == created["ticket"] and again.json()["access_token"] is None
    assert Report.objects.count() == 1 and Question.objects.get().not_helpful
    # The case is private: the public view shows no question text.
    public = client.get(f"/api/v1/reports/{created['ticket']}").json()
    assert public["description"] is None


def test_not_answered_refuses_bad_tokens_unknown_questions_and_bad_contacts(
    client: Client, article: Article
) -> None:
    asked = ask(client, {"question": "biaya makam"}).json()
    path = f"/api/v1/ask/{asked['question_id']}/not-answered"
    forged = post(client, path, {"token": "palsu"})
    assert forged.status_code == 403 and forged.json()["errors"][0]["field"] == "token"
    assert post(client, "/api/v1/ask/999999/not-answered", {"token": asked["token"]}).status_code == 404
    bad_mail = post(client, path, {"token": asked["token"], "contact": {"email": "bukan surel"}})
    assert bad_mail.status_code == 422
    assert bad_mail.json()["errors"] == [{"field": "contact.email", "message": "Alamat surel tidak valid."}]
    missing = post(client, path, {"details": "tanpa token"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "token"
    long_details = post(client, path, {"token": asked["token"], "details": "x" * 2001})
    assert long_details.status_code == 422 and long_details.json()["errors"][0]["field"] == "details"
    assert not Report.objects.exists()


@override_settings(ADUAN_INTAKE_RATE_PER_MINUTE=2)
def test_questions_are_rate_limited_per_source(client: Client, article: Article) -> None:
    from django.core.cache import cache

    cache.clear()
    codes = [ask(client, {"question": f"biaya makam {i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    limited = ask(client, {"question": "biaya makam"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Question.objects.count() == 2
    cache.clear()


def test_the_ask_endpoints_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/ask" in paths and "/api/v1/ask/{question_id}/not-answered" in paths
