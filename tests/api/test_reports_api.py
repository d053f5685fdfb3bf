"""The report contract of DESIGN.md §9 over HTTP: shapes, privacy, every kind of bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from aduan.models import Report, Reporter, ReportEvent
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

MONAS = {"lat": -6.1754, "lon": 106.8272}
PERSON = {"name": "Rahmat Hidayat", "phone": "081298765432", "email": "rahmat.h@example.id"}


def post(client: Client, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(
        "/api/v1/reports", data, content_type=extra.pop("content_type", "application/json"), **extra
    )


def stored() -> tuple[int, int, int]:
    return Report.objects.count(), ReportEvent.objects.count(), Reporter.objects.count()


def test_a_report_is_created_with_the_contract_fields(client: Client, shared_data: object) -> None:
    response = post(
        client,
        {
            "channel": "jaki",
            "description": "Lampu jalan mati sejak seminggu",
            **MONAS,
            "category": "PJU",
            "address": "Jl. Medan Merdeka Barat",
            "landmark": "depan Monas",
            "reporter": PERSON,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "ticket",
        "status",
        "jenis",
        "category",
        "kelurahan",
        "holder",
        "cluster",
        "access_token",
    }
    assert body["status"] == "menunggu" and body["jenis"] == "pengaduan"
    assert body["category"] == {"code": "PJU", "name": "Penerangan Jalan Umum"}
    assert body["kelurahan"] == {"code": "31.71.01.1001", "name": "Gambir"}
    # PJU is not kelurahan work: straight to Bina Marga's suku dinas for Jakarta Pusat, the lurah copied.
    assert body["holder"]["code"] == "BINAMARGA-31.71" and body["cluster"] is None
    report = Report.objects.get(ticket=body["ticket"])
    assert list(report.copied_units.values_list("code", flat=True)) == ["KEL-31.71.01.1001"]
    assert len(body["ticket"]) == 9


def test_without_a_point_the_kelurahan_is_null_and_triage_holds_it(client: Client) -> None:
    body = post(client, {"channel": "sms", "description": "Got mampet di gang 5"}).json()
    assert body["kelurahan"] is None and body["holder"]["code"] == "TRIASE"


def test_the_public_view_never_carries_personal_data(client: Client) -> None:
    ticket = post(client, {"channel": "web", "description": "Sampah menumpuk", "reporter": PERSON}).json()[
        "ticket"
    ]
    response = client.get(f"/api/v1/reports/{ticket}")
    assert response.status_code == 200
    text = response.content.decode()
    for value in PERSON.values():
        assert value not in text
    body = response.json()
    assert "reporter" not in body and body["description"] == "Sampah menumpuk"
    assert [entry["action"] for entry in body["timeline"]] == ["submit"]
    assert body["timeline"][0]["note"]  # the routing reason is public


def test_a_private_report_shows_its_content_only_with_the_reporters_token(client: Client) -> None:
    created = post(
        client,
        {
            "channel": "web",
            "description": "Pungli di loket kelurahan",
            **MONAS,
            "visibility": "private",
            "reporter": PERSON,
        },
    ).json()
    public = client.get(f"/api/v1/reports/{created['ticket']}").json()
    assert public["description"] is None and public["lat"] is None and public["address"] is None
    assert all(entry["note"] == "" for entry in public["timeline"])
    assert public["status"] == "menunggu"  # the reporter can still follow it by ticket
    wrong = client.get(f"/api/v1/reports/{created['ticket']}?token=salah").json()
    assert wrong["description"] is None
    own = client.get(f"/api/v1/reports/{created['ticket']}?token={created['access_token']}").json()
    assert own["description"] == "Pungli di loket kelurahan" and own["lat"] == MONAS["lat"]
    assert PERSON["name"] not in json.dumps(own)


def test_tickets_are_found_as_people_type_them(client: Client) -> None:
    ticket = post(client, {"channel": "web", "description": "Pohon tumbang"}).json()["ticket"]
    assert client.get(f"/api/v1/reports/{ticket.lower().replace('-', '')}").json()["ticket"] == ticket
    missing = client.get("/api/v1/reports/ZZZZ-ZZZZ")
    assert missing.status_code == 404 and "detail" in missing.json()


def test_a_redelivered_external_id_returns_the_first_case(client: Client) -> None:
    body = {"channel": "twitter", "description": "Banjir sepinggang", "external_id": "1862000000000000042"}
    first = post(client, body)
    again = post(client, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["ticket"] == first.json()["ticket"] and again.json()["access_token"] is None
    assert Report.objects.filter(external_id="1862000000000000042").count() == 1


BAD_BODIES = [
    ("missing description", {"channel": "web"}, 422, {"description"}),
    ("empty description", {"channel": "web", "description": "  "}, 422, {"description"}),
    ("missing channel", {"description": "x"}, 422, {"channel"}),
    ("unknown channel", {"channel": "merpati", "description": "x"}, 422, {"channel"}),
    ("lat out of range", {"channel": "web", "description": "x", "lat": 91, "lon": 106.8}, 422, {"lat"}),
    ("lon out of range", {"channel": "web", "description": "x", "lat": -6.2, "lon": -181}, 422, {"lon"}),
    ("lat without lon", {"channel": "web", "description": "x", "lat": -6.2}, 422, {"lon"}),
    (
        "lat not a number",
        {"channel": "web", "description": "x", "lat": "selatan", "lon": 106.8},
        422,
        {"lat"},
    ),
    ("description not text", {"channel": "web", "description": 12345}, 422, {"description"}),
    ("reporter not an object", {"channel": "web", "description": "x", "reporter": "Budi"}, 422, {"reporter"}),
    (
        "bad e-mail",
        {"channel": "web", "description": "x", "reporter": {"email": "budi@"}},
        422,
        {"reporter.email"},
    ),
    ("unknown category", {"channel": "web", "description": "x", "category": "NGACO"}, 422, {"category"}),
    ("bad visibility", {"channel": "web", "description": "x", "visibility": "semua"}, 422, {"visibility"}),
    ("description too long", {"channel": "web", "description": "a" * 5001}, 422, {"description"}),
    (
        "several at once",
        {"channel": "web", "description": "", "category": "NGACO", "lat": 100, "lon": 200},
        422,
        {"description", "category", "lat", "lon"},
    ),
]


@pytest.mark.parametrize(("case", "body", "status", "fields"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_input_names_each_bad_field_and_stores_nothing(
    client: Client, case: str, body: dict[str, Any], status: int, fields: set[str]
) -> None:
    before = stored()
    response = post(client, body)
    assert response.status_code == status, response.content
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == fields and all(e["message"] for e in errors)
    assert stored() == before


@pytest.mark.parametrize(
    ("case", "raw", "content_type"),
    [
        ("truncated JSON", '{"channel": "web", "descr', "application/json"),
        ("not JSON at all", "channel=web&description=x", "application/x-www-form-urlencoded"),
        ("a JSON list", '[{"channel": "web"}]', "application/json"),
        ("a JSON string", '"laporan"', "application/json"),
        (
            "NaN coordinate",
            '{"channel": "web", "description": "x", "lat": NaN, "lon": 106.8}',
            "application/json",
        ),
    ],
)
def test_unparseable_bodies_get_a_4xx_naming_the_body(
    client: Client, case: str, raw: str, content_type: str
) -> None:
    before = stored()
    response = post(client, raw, content_type=content_type)
    assert response.status_code in (400, 422), response.content
    assert response.json()["errors"][0]["field"] in ("body", "lat")
    assert stored() == before


def test_an_oversized_body_is_refused_with_413_before_it_is_read(client: Client, settings: Any) -> None:
    before = stored()
    response = post(client, {"channel": "web", "description": "x" * (settings.ADUAN_MAX_BODY_BYTES + 10)})
    assert response.status_code == 413
    assert response.json()["errors"] == [
        {"field": "body", "message": response.json()["errors"][0]["message"]}
    ]
    assert stored() == before


def test_an_inactive_category_is_refused(client: Client) -> None:
    CategoryFactory(code="USANG", active=False)
    response = post(client, {"channel": "web", "description": "x", "category": "USANG"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "category"


def test_the_openapi_document_describes_the_report_contract(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert {"/api/v1/reports", "/api/v1/reports/{ticket}"} <= set(document["paths"])
    request_schema = document["components"]["schemas"]["ReportIn"]
    assert set(request_schema["required"]) == {"channel", "description"}
    assert {"lat", "lon", "address", "landmark", "category", "visibility", "reporter", "external_id"} <= set(
        request_schema["properties"]
    )
    public = document["components"]["schemas"]["ReportPublic"]["properties"]
    assert not {"reporter", "name", "phone", "email"} & set(public)


def test_the_public_view_follows_every_change_and_matches_its_schema(client: Client) -> None:
    from aduan.api.schemas import ReportPublic
    from aduan.services import reports
    from tests.factories import officer_at

    first = post(client, {"channel": "web", "description": "Got mampet"}).json()["ticket"]
    second = post(client, {"channel": "sms", "description": "Got mampet, bau"}).json()["ticket"]
    before = client.get(f"/api/v1/reports/{first}").json()
    ReportPublic.model_validate(before)
    assert client.get(f"/api/v1/reports/{first}").json() == before  # served again, unchanged

    triase = officer_at("TRIASE").user
    reports.accept(first, triase)
    after_accept = client.get(f"/api/v1/reports/{first}").json()
    assert after_accept["status"] == "proses" and len(after_accept["timeline"]) == 2

    reports.merge(second, triase, first, "Saluran yang sama")
    merged = client.get(f"/api/v1/reports/{first}").json()
    assert merged["cluster"] == first  # the survivor shows its cluster as soon as it forms
    assert client.get(f"/api/v1/reports/{second}").json()["status"] == "duplikat"
    ReportPublic.model_validate(merged)
