"""The same problem reported twice: joining, merely similar, out of reach, and floods from one reporter."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aduan.domain.errors import DomainError
from aduan.domain.similarity import bounding_box, distance_m
from aduan.models import Report
from aduan.services import reports
from aduan.services.reports import NewReport, ReporterInput
from tests.factories import CategoryFactory, officer_at

pytestmark = pytest.mark.django_db

# Jl. Kebon Sirih, Jakarta Pusat, and points east of it.
HERE = (-6.1846, 106.8290)
FIFTY_M_EAST = (-6.1846, 106.82945)
FOUR_HUNDRED_M_EAST = (-6.1846, 106.8326)
POTHOLE = "Jalan berlubang besar di depan sekolah, motor sering jatuh"
POTHOLE_AGAIN = "jalan berlubang besar depan sekolah, motor jatuh terus"


@pytest.fixture
def jalan() -> object:
    # Handled by the kelurahan, so routing stays simple and these tests are about duplicates only.
    return CategoryFactory(code="UJIJALAN", kelurahan_handles="yes", agency=None)


def submit(text: str, point: tuple[float, float], category: str = "UJIJALAN", **more: object) -> Report:
    new = NewReport(channel="web", description=text, lat=point[0], lon=point[1], category=category, **more)
    return reports.submit_report(new).report  # type: ignore[arg-type]


def test_geometry_helpers() -> None:
    assert distance_m(*HERE, *FIFTY_M_EAST) == pytest.approx(50, abs=2)
    min_lat, max_lat, min_lon, max_lon = bounding_box(*HERE, 250)
    assert min_lat < HERE[0] < max_lat and min_lon < HERE[1] < max_lon
    assert distance_m(HERE[0], HERE[1], HERE[0], max_lon) == pytest.approx(250, abs=1)


def test_the_same_problem_nearby_joins_the_open_case(jalan: object) -> None:
    first = submit(POTHOLE, HERE)
    second = submit(POTHOLE_AGAIN, FIFTY_M_EAST)
    assert (second.status, second.merged_into_id) == ("duplikat", first.pk)
    assert reports.cluster_ticket(second) == reports.cluster_ticket(first) == first.ticket
    merge = second.events.get(action="merge")
    assert merge.actor_kind == "system" and merge.data["merged_into"] == first.ticket
    assert merge.data["distance_m"] < 60 and merge.data["similarity"] >= 0.55
    assert reports.project(second) == second.state()


def test_different_text_at_the_same_place_is_only_similar_or_unrelated(jalan: object) -> None:
    first = submit(POTHOLE, HERE)
    other = submit("Trotoar dipakai parkir motor, pejalan kaki terpaksa turun ke jalan", HERE)
    assert other.status == "menunggu" and other.merged_into_id is None
    assert first.ticket not in json.dumps(other.events.get().data.get("routing", {}).get("similar", []))


def test_out_of_radius_joins_nothing_unless_the_category_reaches_further(jalan: object) -> None:
    submit(POTHOLE, HERE)
    far = submit(POTHOLE_AGAIN, FOUR_HUNDRED_M_EAST)
    assert far.status == "menunggu"
    jalan.duplicate_radius_m = 600  # type: ignore[attr-defined]
    jalan.save()  # type: ignore[attr-defined]
    assert submit(POTHOLE_AGAIN, FOUR_HUNDRED_M_EAST).status == "duplikat"


def test_other_categories_closed_cases_and_old_reports_are_not_candidates(jalan: object) -> None:
    CategoryFactory(code="UJISALURAN", kelurahan_handles="yes", agency=None)
    submit(POTHOLE, HERE, category="UJISALURAN")
    closed = submit(POTHOLE, HERE)
    lurah = officer_at(closed.holder.code).user
    reports.reject(closed.ticket, lurah, "spam", "uji")
    old = submit(POTHOLE, FIFTY_M_EAST)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert submit(POTHOLE_AGAIN, HERE).status == "menunggu"


def test_a_flood_from_one_reporter_is_flagged_then_refused(jalan: object) -> None:
    spammer = ReporterInput(phone="081200000001")
    points = [(HERE[0] + i * 0.01, HERE[1]) for i in range(12)]  # far apart: no clustering in play
    made = [submit(POTHOLE, points[i], reporter=spammer) for i in range(4)]
    assert [r.needs_triage for r in made] == [False, False, False, True]
    assert made[3].events.get(action="submit").data["routing"]["flood"] == 4
    for i in range(4, 10):
        submit(POTHOLE, points[i], reporter=spammer)
    before = Report.objects.count()
    with pytest.raises(DomainError) as refused:
        submit(POTHOLE, points[10], reporter=spammer)
    assert refused.value.code == "throttled" and Report.objects.count() == before
    assert submit(POTHOLE, points[11], reporter=ReporterInput(phone="081200000002")).pk  # others unaffected


def test_before_filing_only_public_similar_reports_are_suggested(client: Client, jalan: object) -> None:
    public = submit(POTHOLE, HERE)
    submit(POTHOLE, FOUR_HUNDRED_M_EAST, visibility="private")
    response = client.get(
        "/api/v1/reports/similar",
        {"lat": HERE[0], "lon": HERE[1], "text": POTHOLE_AGAIN, "category": "UJIJALAN"},
    )
    assert response.status_code == 200
    assert [s["ticket"] for s in response.json()] == [public.ticket]
    bad = client.get("/api/v1/reports/similar", {"lat": 95, "lon": 106.8})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "lat"


def test_throttling_answers_429_over_http(client: Client, jalan: object) -> None:
    body = {
        "channel": "web",
        "description": POTHOLE,
        "category": "UJIJALAN",
        "reporter": {"phone": "081299999999"},
    }
    statuses = []
    for i in range(11):
        body.update(lat=HERE[0] + i * 0.01, lon=HERE[1])
        statuses.append(client.post("/api/v1/reports", body, content_type="application/json").status_code)
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
