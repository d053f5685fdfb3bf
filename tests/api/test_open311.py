"""Open311 GeoReport v2 over HTTP: every response checked against the spec's own JSON Schemas (and its
XML element names), errors in both formats, the query rules, tokens, privacy and the query count."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from aduan.models import (
    ApiKey,
    Category,
    Follower,
    InboxMessage,
    OutboxMessage,
    Report,
    Reporter,
    ReportEvent,
)
from aduan.services import open311, reports
from tests.conftest import row_counts
from tests.factories import AgencyFactory, CategoryFactory, officer_at
from tests.factories import addressed_to_gambir as file

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "open311" / "schema"
BASE = "/open311/v2"
GAMBIR = "31.71.01.1001"
PERSON = {
    "first_name": "Siti",
    "last_name": "Rahayu",
    "email": "siti.rahayu@example.id",
    "phone": "081377788899",
}
W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

# The spec's error list and Service Discovery document have no schema file; these follow the spec's text.
ERRORS_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}},
    },
}
DISCOVERY_SCHEMA = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "format": "uri"},
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"enum": ["application/json", "text/xml"]}},
                },
            },
        },
    },
}

Validate = Callable[[str, Any], None]


def _format_checker() -> FormatChecker:
    """date-time as this endpoint promises it (UTC with Z, to the second) and uri as an absolute URL."""
    checker = FormatChecker(formats=())

    @checker.checks("date-time")
    def is_w3(value: object) -> bool:
        return not isinstance(value, str) or bool(W3.match(value))

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc)

    return checker


@pytest.fixture(scope="module")
def validate() -> Validate:
    """validate(name, data): 'services', 'service-definition', 'requests', 'request' (the spec's files),
    'RequestResponse' and 'TokenResponse' (definitions in its swagger.json), 'errors', 'discovery'."""
    if not (SCHEMA_DIR / "requests.json").is_file():
        pytest.skip(f"the Open311 schemas are absent ({SCHEMA_DIR.resolve()}): schema checks skipped")
    registry: Registry = Registry()
    for path in SCHEMA_DIR.glob("*.json"):
        contents = json.loads(path.read_text())
        registry = registry.with_resource(path.name, Resource.from_contents(contents, DRAFT7))
    schemas: dict[str, Any] = {
        name: {"$ref": f"{name}.json"} for name in ("services", "service-definition", "requests", "request")
    }
    for definition in ("RequestResponse", "TokenResponse"):
        schemas[definition] = {"type": "array", "items": {"$ref": f"swagger.json#/definitions/{definition}"}}
    schemas["errors"] = ERRORS_SCHEMA
    schemas["discovery"] = DISCOVERY_SCHEMA
    checker = _format_checker()

    def check(name: str, data: Any) -> None:
        Draft7Validator(schemas[name], registry=registry, format_checker=checker).validate(data)

    return check


@pytest.fixture
def category() -> Category:
    agency = AgencyFactory(code="O311SDA", name="Dinas Sumber Daya Air Uji")
    return CategoryFactory(
        code="O311GOT", name="Saluran Air Uji", agency=agency, scope="got mampet", sla_days=7
    )


@pytest.fixture
def api_key() -> str:
    return open311.create_api_key("Aplikasi Warga Uji")[1]


def stored() -> tuple[int, ...]:
    return row_counts(Report, ReportEvent, Reporter, InboxMessage, OutboxMessage)


def create(client: Client, api_key: str, fmt: str = "json", **fields: str) -> Any:
    values = {
        "api_key": api_key,
        "service_code": "O311GOT",
        "address_id": GAMBIR,
        "description": "Got mampet, air meluap ke jalan setiap hujan",
    }
    values.update(fields)
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in values.items() if v is not None})


def xml_of(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def json_of(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def age(report: Report, days: float) -> None:
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days))


# ---------------------------------------------------------------- discovery, services, definitions


def test_discovery_in_both_formats(client: Client, validate: Validate) -> None:
    body = json_of(client.get(f"{BASE}/discovery.json"))
    validate("discovery", body)
    assert body["endpoints"][0]["url"] == f"{settings.ADUAN_PUBLIC_URL}/open311/v2"
    assert client.get(f"{BASE}/discovery").json() == body  # JSON without an extension
    assert client.get(f"{BASE}/").json() == body  # and at the endpoint's root
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


def test_services_in_both_formats(client: Client, validate: Validate, category: Category) -> None:
    body = json_of(client.get(f"{BASE}/services.json"))
    validate("services", body)
    ours = next(s for s in body if s["service_code"] == "O311GOT")
    assert (ours["group"], ours["type"], ours["metadata"]) == ("Dinas Sumber Daya Air Uji", "realtime", True)
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and {e.tag for e in root} == {"service"}
    service = next(s for s in root if s.findtext("service_code") == "O311GOT")
    assert [e.tag for e in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert service.findtext("metadata") == "true"
    assert len(root) == len(body)


def test_a_service_definition_in_both_formats(client: Client, validate: Validate, category: Category) -> None:
    body = json_of(client.get(f"{BASE}/services/O311GOT.json"))
    validate("service-definition", body)
    assert [a["code"] for a in body["attributes"]] == ["jenis", "visibility", "landmark"]
    root = xml_of(client.get(f"{BASE}/services/O311GOT.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "O311GOT"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["jenis", "visibility", "landmark"]
    assert [v.findtext("key") for v in attributes[0].findall("values/value")] == [
        "pengaduan",
        "informasi",
        "aspirasi",
    ]
    assert attributes[0].findtext("required") == "false" and attributes[0].findtext("variable") == "true"


def test_unknown_services_and_paths_are_404_in_both_formats(client: Client, validate: Validate) -> None:
    for path in ("services/TIDAKADA", "requests/ZZZZ-ZZZZ", "tokens/tidak-ada", "layanan/apa"):
        response = client.get(f"{BASE}/{path}.json")
        assert response.status_code == 404, path
        validate("errors", json_of(response))
        assert response.json()[0]["code"] == 404
        response = client.get(f"{BASE}/{path}.xml")
        assert response.status_code == 404
        root = xml_of(response)
        assert root.tag == "errors"
        assert [e.tag for e in root.find("error") or []] == ["code", "description"]
        assert root.findtext("error/code") == "404"


def test_a_wrong_method_is_refused_with_the_error_list(client: Client, validate: Validate) -> None:
    response = client.delete(f"{BASE}/services.json")
    assert response.status_code == 405 and "GET" in response["Allow"]
    validate("errors", response.json())
    response = client.post(f"{BASE}/services.xml")
    assert response.status_code == 405 and xml_of(response).tag == "errors"


# ---------------------------------------------------------------- POST requests


def test_post_files_a_report_and_answers_in_json(
    client: Client, validate: Validate, category: Category, api_key: str
) -> None:
    response = create(
        client,
        api_key,
        **PERSON,
        account_id="akun-42",
        media_url="https://foto.example.id/got.jpg",
        **{"attribute[landmark]": "depan musala", "attribute[jenis]": "pengaduan"},
    )
    assert response.status_code == 200, response.content
    body = json_of(response)
    validate("RequestResponse", body)
    assert set(body[0]) == {"service_request_id", "token", "service_notice", "account_id"}
    assert body[0]["account_id"] == "akun-42"
    report = Report.objects.get(ticket=body[0]["service_request_id"])
    assert (report.channel, report.landmark, report.external_id) == (
        "open311",
        "depan musala",
        body[0]["token"],
    )
    assert ApiKey.objects.get().last_used_at is not None
    # The reporter follows by e-mail and SMS; their details appear in no public answer.
    assert set(Follower.objects.filter(report=report).values_list("kanal", flat=True)) == {"email", "sms"}
    everything = b"".join(
        client.get(f"{BASE}/{path}").content
        for path in (
            f"requests/{report.ticket}.json?extensions=true",
            f"requests/{report.ticket}.xml?extensions=true",
            "requests.json?extensions=true",
            "requests.xml?extensions=true",
        )
    )
    for value in PERSON.values():
        assert value.encode() not in everything
    assert b"https://foto.example.id/got.jpg" in everything


def test_post_answers_in_xml_with_the_spec_elements(client: Client, category: Category, api_key: str) -> None:
    response = create(client, api_key, "xml")
    assert response.status_code == 200
    root = xml_of(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [e.tag for e in request] == ["service_request_id", "token", "service_notice"]
    assert Report.objects.filter(ticket=request.findtext("service_request_id")).exists()


def test_post_takes_json_and_the_key_in_the_query_string(
    client: Client, validate: Validate, category: Category, api_key: str
) -> None:
    payload = {
        "service_code": "O311GOT",
        "lat": -6.1754,
        "long": 106.8272,
        "description": "Saluran tertutup sampah plastik",
        "attribute": {"jenis": "aspirasi", "visibility": "public"},
    }
    response = client.post(
        f"{BASE}/requests.json?api_key={api_key}", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    validate("RequestResponse", response.json())
    report = Report.objects.get(ticket=response.json()[0]["service_request_id"])
    assert (report.lat, report.lon, report.jenis) == (-6.1754, 106.8272, "aspirasi")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "kunci-palsu", "revoked"])
def test_post_without_a_valid_key_is_403_and_stores_nothing(
    client: Client, validate: Validate, category: Category, api_key: str, key: str | None, fmt: str
) -> None:
    if key == "revoked":
        open311.revoke_api_key(api_key)
        key = api_key
    before = stored()
    response = create(client, key, fmt)  # type: ignore[arg-type]
    assert response.status_code == 403
    if fmt == "json":
        validate("errors", response.json())
        assert response.json()[0]["description"].startswith("api_key: ")
    else:
        assert xml_of(response).findtext("error/code") == "403"
    assert stored() == before


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"service_code": "TIDAKADA"}, "service_code"),
        ({"address_id": None}, "lat & long, address_string, address_id"),
        ({"address_id": None, "lat": "-6.17"}, "long"),
        ({"address_id": "31.71.99.9999"}, "address_id"),
        ({"email": "bukan surel"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"description": "x" * 4001}, "description"),
        ({"attribute[jenis]": "keluhan"}, "attribute[jenis]"),
        ({"attribute[warna]": "merah"}, "attribute[warna]"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_post_input_is_400_naming_the_field_and_stores_nothing(
    client: Client,
    validate: Validate,
    category: Category,
    api_key: str,
    fields: dict[str, str | None],
    named: str,
    fmt: str,
) -> None:
    before = stored()
    response = create(client, api_key, fmt, **fields)  # type: ignore[arg-type]
    assert response.status_code == 400
    if fmt == "json":
        body = response.json()
        validate("errors", body)
        descriptions = [e["description"] for e in body]
    else:
        descriptions = [e.findtext("description") or "" for e in xml_of(response).findall("error")]
    assert [d.split(": ", 1)[0] for d in descriptions] == [named]
    assert stored() == before


def test_post_refuses_a_body_that_is_not_json_or_a_field_given_twice(
    client: Client, category: Category, api_key: str
) -> None:
    response = client.post(
        f"{BASE}/requests.json?api_key={api_key}", "{nope", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()[0]["description"].startswith("body: ")
    response = client.post(
        f"{BASE}/requests.json?api_key={api_key}", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/requests.json",
        f"api_key={api_key}&service_code=O311GOT&service_code=LAIN&address_id={GAMBIR}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and response.json()[0]["description"].startswith("service_code: ")
    assert not Report.objects.exists()


# ---------------------------------------------------------------- tokens and requests/{id}


def test_a_token_gives_the_request_id_in_both_formats(
    client: Client, validate: Validate, category: Category, api_key: str
) -> None:
    created = create(client, api_key).json()[0]
    body = json_of(client.get(f"{BASE}/tokens/{created['token']}.json"))
    validate("TokenResponse", body)
    assert body == [{"service_request_id": created["service_request_id"], "token": created["token"]}]
    root = xml_of(client.get(f"{BASE}/tokens/{created['token']}.xml"))
    assert root.tag == "service_requests"
    assert [e.tag for e in root.find("request") or []] == ["service_request_id", "token"]
    assert root.findtext("request/service_request_id") == created["service_request_id"]


def test_one_request_in_both_formats(
    client: Client, validate: Validate, category: Category, api_key: str
) -> None:
    ticket = create(client, api_key, media_url="https://foto.example.id/1.jpg").json()[0][
        "service_request_id"
    ]
    body = json_of(client.get(f"{BASE}/requests/{ticket}.json"))
    validate("requests", body)
    assert len(body) == 1 and body[0]["service_request_id"] == ticket
    request = body[0]
    assert (request["status"], request["service_code"], request["address_id"]) == ("open", "O311GOT", GAMBIR)
    assert request["media_url"] == "https://foto.example.id/1.jpg"
    assert W3.match(request["requested_datetime"]) and W3.match(request["updated_datetime"])
    assert client.get(f"{BASE}/requests/{ticket.lower().replace('-', '')}").json() == body  # typed forms
    assert client.get(f"{BASE}/request/{ticket}.json").json() == body  # the swagger's spelling
    root = xml_of(client.get(f"{BASE}/requests/{ticket}.xml"))
    assert root.tag == "service_requests"
    element = root.find("request")
    assert element is not None
    assert [e.tag for e in element] == list(request)


def test_extensions_carry_the_detail_the_holder_and_the_timeline(
    client: Client, validate: Validate, category: Category, api_key: str
) -> None:
    ticket = create(client, api_key).json()[0]["service_request_id"]
    report = Report.objects.get(ticket=ticket)
    reports.accept(ticket, officer_at(report.holder.code).user)
    body = json_of(client.get(f"{BASE}/requests/{ticket}.json?extensions=true"))
    validate("requests", body)
    extended = body[0]["extended_attributes"]
    assert extended == {
        "status_detail": "proses",
        "holder": {"code": report.holder.code, "name": report.holder.name},
        "kanal": "open311",
        "jenis": report.jenis,
        "cluster": None,
        "landmark": None,
    }
    assert [n["type"] for n in body[0]["notes"]] == ["submit", "accept"]
    assert all(W3.match(n["datetime"]) for n in body[0]["notes"])
    root = xml_of(client.get(f"{BASE}/requests/{ticket}.xml?extensions=true"))
    assert root.findtext("request/extended_attributes/holder/code") == report.holder.code
    assert [n.findtext("type") for n in root.findall("request/notes/note")] == ["submit", "accept"]
    assert [e.tag for e in root.find("request/notes/note") or []] == [
        "type",
        "datetime",
        "summary",
        "description",
    ]


def test_a_private_report_is_never_listed_and_its_page_is_404(
    client: Client, category: Category, api_key: str
) -> None:
    ticket = create(client, api_key, **{"attribute[visibility]": "private"}).json()[0]["service_request_id"]
    public = file("Got mampet di gang buntu")
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert public.ticket in listed and ticket not in listed
    assert client.get(f"{BASE}/requests.json?service_request_id={ticket}").json() == []
    assert client.get(f"{BASE}/requests/{ticket}.json").status_code == 404
    assert client.get(f"{BASE}/requests/{ticket}.xml").status_code == 404
    assert ticket.encode() not in client.get(f"{BASE}/requests.xml").content


# ---------------------------------------------------------------- GET requests


def test_the_list_in_both_formats_newest_first(client: Client, validate: Validate) -> None:
    older, newer = file("Lampu jalan mati di gang 2"), file("Trotoar ambles dekat halte")
    age(older, 1)
    body = json_of(client.get(f"{BASE}/requests.json"))
    validate("requests", body)
    tickets = [r["service_request_id"] for r in body]
    assert tickets.index(newer.ticket) < tickets.index(older.ticket)
    root = xml_of(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and {e.tag for e in root} == {"request"}
    assert [r.findtext("service_request_id") for r in root] == tickets
    assert client.get(f"{BASE}/requests").json() == body


def test_the_default_window_is_90_days_and_a_wider_one_is_400(client: Client, validate: Validate) -> None:
    inside, outside = file("Banjir setinggi lutut"), file("Pohon tumbang menimpa pagar")
    age(inside, 89)
    age(outside, 91)
    listed = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert inside.ticket in listed and outside.ticket not in listed
    start = (timezone.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = {
        r["service_request_id"]
        for r in client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    }
    assert outside.ticket in listed and inside.ticket in listed
    wide = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}
    response = client.get(f"{BASE}/requests.json", wide)
    assert response.status_code == 400
    validate("errors", response.json())
    assert response.json()[0]["description"].startswith("start_date, end_date: ")
    response = client.get(f"{BASE}/requests.xml", wide)
    assert response.status_code == 400 and xml_of(response).findtext("error/code") == "400"
    response = client.get(f"{BASE}/requests.json", {"start_date": "kemarin"})
    assert response.status_code == 400 and response.json()[0]["description"].startswith("start_date: ")


def test_the_status_filter_takes_open_closed_and_both(client: Client) -> None:
    waiting, rejected = file("Parkir liar di trotoar"), file("Iklan pinjol di tiang listrik")
    reports.reject(rejected.ticket, officer_at(rejected.holder.code).user, "spam", "Bukan laporan warga")

    def listed(status: str) -> set[str]:
        return {
            r["service_request_id"] for r in client.get(f"{BASE}/requests.json", {"status": status}).json()
        }

    assert listed("open") == {waiting.ticket}
    assert listed("closed") == {rejected.ticket}
    assert listed("open,closed") == listed("") == {waiting.ticket, rejected.ticket}
    response = client.get(f"{BASE}/requests.json", {"status": "selesai"})
    assert response.status_code == 400 and response.json()[0]["description"].startswith("status: ")


def test_service_codes_and_ids_are_comma_lists(client: Client, category: Category) -> None:
    other = CategoryFactory(code="O311PJU", name="Lampu Jalan Uji")
    got = file("Got mampet lagi", category="O311GOT")
    pju = file("Lampu PJU mati total", category="O311PJU")
    loose = file("Entah ini urusan siapa")

    def codes(**params: str) -> set[str]:
        return {r["service_request_id"] for r in client.get(f"{BASE}/requests.json", params).json()}

    assert codes(service_code="O311GOT") == {got.ticket}
    assert codes(service_code="O311GOT,O311PJU") == {got.ticket, pju.ticket}
    assert codes(service_code="TRIASE") == {loose.ticket}
    assert codes(service_request_id=f"{got.ticket},{loose.ticket},ZZZZ-ZZZZ,rusak") == {
        got.ticket,
        loose.ticket,
    }
    # "This overrides all other arguments": a filter that would exclude them changes nothing.
    assert codes(service_request_id=pju.ticket, service_code="O311GOT", status="closed") == {pju.ticket}
    assert other.code == "O311PJU"


def test_pages_walk_the_list_without_gaps_or_repeats(client: Client, validate: Validate) -> None:
    made = [file(f"Laporan uji halaman nomor {n}: jalan rusak di RT {n:02d}") for n in range(7)]
    for number, report in enumerate(made):
        age(report, number / 24)
    pages = []
    for page in (1, 2, 3, 4):
        body = client.get(f"{BASE}/requests.json", {"page": str(page), "page_size": "3"}).json()
        if body:
            validate("requests", body)
        pages.append([r["service_request_id"] for r in body])
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert [ticket for page in pages for ticket in page] == [r.ticket for r in made]
    for bad in ({"page": "0"}, {"page_size": "1001"}, {"page_size": "x"}):
        response = client.get(f"{BASE}/requests.xml", bad)
        assert response.status_code == 400 and xml_of(response).tag == "errors"


def test_the_default_limit_is_1000(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert open311.parse_query({}).page_size == open311.DEFAULT_LIMIT == 1000
    monkeypatch.setattr(open311, "DEFAULT_LIMIT", 2)  # the same rule at a size a test can fill
    for n in range(3):
        file(f"Laporan batas nomor {n} tentang sampah di pinggir kali")
    assert len(client.get(f"{BASE}/requests.json").json()) == 2


def test_listing_a_full_page_costs_a_fixed_number_of_queries(
    client: Client,
    category: Category,
    api_key: str,
    django_assert_max_num_queries: Any,
) -> None:
    def fill(count: int) -> None:
        for n in range(count):
            report = file(f"Uji jumlah kueri {n}: genangan air di jalan RT {n:03d}", category="O311GOT")
            if n % 3 == 0:
                reports.reject(report.ticket, officer_at(report.holder.code).user, "bukan_laporan", "Uji")
            elif n % 3 == 1:
                reports.accept(report.ticket, officer_at(report.holder.code).user)
        create(client, api_key, media_url="https://foto.example.id/q.jpg")

    fill(3)
    with django_assert_max_num_queries(5):
        small = client.get(f"{BASE}/requests.json?extensions=true").json()
    fill(30)
    with django_assert_max_num_queries(5):
        large = client.get(f"{BASE}/requests.json?extensions=true").json()
    with django_assert_max_num_queries(5):
        client.get(f"{BASE}/requests.xml?extensions=true")
    assert len(large) == len(small) + 31
    assert any(r["media_url"] for r in large) and any(r["status"] == "closed" for r in large)


def test_a_client_from_elsewhere_needs_no_csrf_token(category: Category, api_key: str) -> None:
    outside = Client(enforce_csrf_checks=True)
    response = create(outside, api_key)
    assert response.status_code == 200, response.content


def test_too_many_posts_from_one_key_are_429_with_retry_after(
    client: Client, validate: Validate, category: Category, api_key: str, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.ADUAN_INTAKE_RATE_PER_MINUTE = 1
    assert create(client, api_key).status_code == 200
    before = stored()
    response = create(client, api_key, description="Got mampet di gang sebelah")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    validate("errors", response.json())
    assert stored() == before
    cache.clear()
