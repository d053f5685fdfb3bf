"""The officers' queue at /petugas/: deadline order, filters, search, pages, htmx, counts, map, bulk."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from aduan.models import Category, Region, Report, Reporter
from aduan.web import queries
from aduan.web.queue import due_text
from tests.factories import CategoryFactory, UnitFactory, officer_at
from tests.web.helpers import submit, text

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
_numbers = itertools.count(1)


@pytest.fixture
def unit():
    return UnitFactory(code="ANTREAN-UJI", name="Unit Antrean Uji", kind="kelurahan")


@pytest.fixture
def officer(unit):
    return officer_at(unit.code)


@pytest.fixture
def logged_in(client, officer):
    client.force_login(officer.user)
    return client


def case(unit, description: str = "", *, status: str = "menunggu", **fields) -> Report:
    """A case filed through the service, then placed in ``unit``'s queue with the given fields (what the
    deadline sweep and earlier actions would have set)."""
    description = description or f"Laporan uji nomor {next(_numbers)} tentang saluran air"
    report = submit(description).report
    # Deadlines and flags as the test says, whatever intake set.
    fields = {"completion_due_at": None, "overdue": False, "red_flag": False, **fields}
    Report.objects.filter(pk=report.pk).update(holder=unit, status=status, **fields)
    return Report.objects.get(pk=report.pk)


def tickets_in(page: str) -> list[str]:
    """The tickets of the queue's rows, in the order shown."""
    return re.findall(r'name="tickets" value="([0-9A-Z]{4}-[0-9A-Z]{4})"', page)


def days(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


# ---------------------------------------------------------------- order and rows


def test_queue_is_sorted_by_deadline_with_no_deadline_last_then_oldest_first(logged_in, unit):
    no_due_old = case(unit)
    in_three = case(unit, completion_due_at=days(3))
    late = case(unit, status="proses", completion_due_at=days(-2))
    tomorrow = case(unit, completion_due_at=days(1))
    no_due_new = case(unit)
    closed = case(unit, status="selesai", completion_due_at=days(-5))
    elsewhere = case(UnitFactory(), completion_due_at=days(-9))

    page = text(logged_in.get("/petugas/"))
    assert tickets_in(page) == [
        late.ticket,
        tomorrow.ticket,
        in_three.ticket,
        no_due_old.ticket,
        no_due_new.ticket,
    ]
    assert closed.ticket not in page and elsewhere.ticket not in page
    assert "lewat 2 hari" in page and "1 hari lagi" in page and "3 hari lagi" in page
    assert "tanpa batas waktu" in page
    assert "5 laporan" in page


def test_a_row_shows_category_kelurahan_kanal_badges_and_cluster_size(logged_in, unit):
    category = CategoryFactory(code="ANTREAN-JALAN", name="Jalan rusak (uji)")
    kelurahan = Region.objects.filter(level="kelurahan").order_by("code").first()
    root = case(
        unit,
        "Jalan amblas di depan pasar",
        category=category,
        kelurahan=kelurahan,
        channel="twitter",
        red_flag=True,
        overdue=True,
        completion_due_at=days(-1),
    )
    for n in range(2):
        case(unit, f"Jalan amblas dekat pasar {n}", status="duplikat", merged_into=root)

    page = text(logged_in.get("/petugas/"))
    assert tickets_in(page) == [root.ticket]
    row = page[page.index(f'value="{root.ticket}"') :]
    for shown in (
        "Jalan rusak (uji)",
        kelurahan.name,
        "Twitter/X",
        "Menunggu",
        "lewat batas",
        "bendera merah",
    ):
        assert shown in row
    assert "3 laporan tergabung" in row
    assert "perlu triase" in row  # filed without a place, so it came through the triage desk


def test_a_head_works_the_queue_of_the_units_below_and_an_officer_only_their_own(client, unit):
    below = UnitFactory(code="ANTREAN-BAWAH", name="Unit Bawah Uji", kind="kelurahan", parent=unit)
    own, theirs = case(unit, completion_due_at=days(2)), case(below, completion_due_at=days(1))
    case(UnitFactory(), completion_due_at=days(1))

    client.force_login(officer_at(unit.code, role="head").user)
    assert tickets_in(text(client.get("/petugas/"))) == [theirs.ticket, own.ticket]
    client.force_login(officer_at(unit.code).user)
    assert tickets_in(text(client.get("/petugas/"))) == [own.ticket]
    client.force_login(officer_at(below.code).user)
    assert tickets_in(text(client.get("/petugas/"))) == [theirs.ticket]


@pytest.mark.parametrize(
    ("due", "expected", "urgency"),
    [
        (None, "tanpa batas waktu", ""),
        (dt.timedelta(days=2, hours=1), "2 hari lagi", ""),
        (dt.timedelta(days=1, hours=1), "1 hari lagi", "soon"),
        (dt.timedelta(days=-1), "lewat 1 hari", "late"),
        (dt.timedelta(days=-10), "lewat 10 hari", "late"),
    ],
)
def test_due_text_reads_as_days_left_or_late(due, expected, urgency):
    now = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
    assert due_text(None if due is None else now + due, now) == (expected, urgency)


def test_due_text_on_the_day_itself():
    now = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
    assert due_text(now + dt.timedelta(hours=3), now) == ("hari ini", "soon")
    assert due_text(now - dt.timedelta(hours=3), now) == ("lewat hari ini", "late")


# ---------------------------------------------------------------- filters and search


@pytest.fixture
def varied(unit):
    """Cases that differ in one filtered field each, keyed by what singles them out."""
    category = CategoryFactory(code="ANTREAN-POHON", name="Pohon tumbang (uji)")
    kelurahan = Region.objects.filter(level="kelurahan").order_by("-code").first()
    plain = case(unit, "Lampu taman mati sejak minggu lalu", channel="web")
    root = case(unit, "Genangan air di perempatan", channel="web")
    case(unit, "Genangan di perempatan juga", status="duplikat", merged_into=root)
    case(unit, "Perempatan tergenang lagi", status="duplikat", merged_into=root)
    return {
        "plain": plain,
        "status": case(unit, "Trotoar retak panjang", status="proses", channel="web"),
        "category": case(unit, "Pohon besar tumbang", category=category, channel="web"),
        "kelurahan": case(unit, "Got mampet di gang", kelurahan=kelurahan, channel="web"),
        "kanal": case(unit, "Parkir liar di bahu jalan", channel="sms"),
        "overdue_flag": case(unit, "Kabel menjuntai rendah", overdue=True, channel="web"),
        "overdue_date": case(unit, "Tiang miring hampir roboh", completion_due_at=days(-1), channel="web"),
        "red_flag": case(unit, "Sampah menumpuk di pasar", red_flag=True, channel="web"),
        "cluster": root,
        "category_code": category.code,
        "kelurahan_code": kelurahan.code,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "proses"}, ["status"]),
        ({"category": "{category_code}"}, ["category"]),
        ({"kelurahan": "{kelurahan_code}"}, ["kelurahan"]),
        ({"kanal": "sms"}, ["kanal"]),
        ({"overdue": "1"}, ["overdue_date", "overdue_flag"]),
        ({"red_flag": "on"}, ["red_flag"]),
        ({"min_cluster": "3"}, ["cluster"]),
        ({"min_cluster": "4"}, []),
        ({"q": "GENANGAN"}, ["cluster"]),
        ({"q": "tumbang", "status": "menunggu"}, ["category"]),
        ({"q": "tumbang", "status": "proses"}, []),
    ],
)
def test_each_filter_narrows_the_queue(logged_in, varied, params, expected):
    query = {
        k: v.format(**{k2: v2 for k2, v2 in varied.items() if isinstance(v2, str)}) for k, v in params.items()
    }
    page = text(logged_in.get("/petugas/", query))
    assert sorted(tickets_in(page)) == sorted(varied[name].ticket for name in expected)
    if not expected:
        assert "Tidak ada laporan terbuka yang cocok dengan saringan." in page


def test_search_by_ticket_is_exact_and_accepts_the_ticket_as_typed(logged_in, unit):
    wanted = case(unit)
    case(unit)
    typed = wanted.ticket.replace("-", "").lower()
    assert tickets_in(text(logged_in.get("/petugas/", {"q": typed}))) == [wanted.ticket]
    assert tickets_in(text(logged_in.get("/petugas/", {"q": f"  {wanted.ticket} "}))) == [wanted.ticket]


def test_a_ticket_outside_the_open_queue_offers_to_open_the_case(logged_in, unit):
    closed = case(unit, status="selesai")
    page = text(logged_in.get("/petugas/", {"q": closed.ticket}))
    assert tickets_in(page) == []
    assert f"Tiket {closed.ticket} tidak ada di antrean terbuka unit Anda." in page
    assert f'href="/petugas/laporan/{closed.ticket}/"' in page


def test_the_ticket_lookup_of_old_links_still_opens_the_case(logged_in, unit):
    ticket = case(unit).ticket
    response = logged_in.get("/petugas/", {"ticket": ticket.lower()})
    assert response["Location"] == f"/petugas/laporan/{ticket}/"


def test_invalid_filters_are_named_and_the_valid_ones_still_apply(logged_in, unit):
    kept = case(unit, "Trotoar rusak", status="proses")
    case(unit, "Lampu mati")
    response = logged_in.get("/petugas/", {"status": "proses", "kanal": "merpati", "min_cluster": "satu"})
    page = text(response)
    assert response.status_code == 200
    assert "Pilihan kanal tidak dikenal." in page
    assert "Jumlah laporan tergabung harus bilangan bulat." in page
    assert tickets_in(page) == [kept.ticket]
    page = text(logged_in.get("/petugas/", {"min_cluster": "1"}))
    assert "Jumlah laporan tergabung minimal 2" in page


def test_the_filter_form_is_a_plain_get_form_that_htmx_enhances(logged_in, unit):
    case(unit)
    page = logged_in.get("/petugas/").content.decode()
    form = re.search(r'<form id="queue-filters"[^>]*>', page).group(0)
    assert 'method="get"' in form and 'action="/petugas/"' in form
    assert 'hx-get="/petugas/"' in form and 'hx-target="#queue-results"' in form
    assert 'hx-push-url="true"' in form
    for name in ("q", "status", "category", "kelurahan", "kanal", "overdue", "red_flag", "min_cluster"):
        assert f'name="{name}"' in page


# ---------------------------------------------------------------- pages and fragments


def test_pages_of_fifty_with_counts(logged_in, unit):
    made = [case(unit, completion_due_at=days(n + 1)) for n in range(53)]
    first = text(logged_in.get("/petugas/"))
    assert tickets_in(first) == [r.ticket for r in made[:50]]
    assert "53 laporan" in first and "halaman 1 dari 2" in first and "1–50 / 53" in first
    assert 'href="?page=2"' in first

    second = text(logged_in.get("/petugas/", {"page": "2"}))
    assert tickets_in(second) == [r.ticket for r in made[50:]]
    assert 'href="?page=1"' in second
    assert tickets_in(text(logged_in.get("/petugas/", {"page": "99"}))) == tickets_in(second)
    assert tickets_in(text(logged_in.get("/petugas/", {"page": "x"}))) == tickets_in(first)


def test_page_links_keep_the_filters(logged_in, unit):
    for n in range(51):
        case(unit, completion_due_at=days(n + 1), channel="sms")
    page = logged_in.get("/petugas/", {"kanal": "sms"}).content.decode()
    assert 'href="?kanal=sms&amp;page=2"' in page
    assert 'data-map-url="/petugas/peta.json?kanal=sms"' in page


def test_htmx_gets_only_the_rows_and_caches_keep_the_two_apart(logged_in, unit):
    report = case(unit, channel="sms")
    case(unit, channel="web")
    response = logged_in.get("/petugas/", {"kanal": "sms"}, headers=HX)
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and 'id="queue-filters"' not in body and 'id="queue-counts"' not in body
    assert tickets_in(body) == [report.ticket]
    assert "HX-Request" in response["Vary"]
    assert "no-cache" in response["Cache-Control"]

    # The back button after htmx pushed the URL: htmx asks for the whole page again.
    restore = text(
        logged_in.get("/petugas/", {"kanal": "sms"}, headers={**HX, "HX-History-Restore-Request": "true"})
    )
    assert "<html" in restore and 'id="queue-filters"' in restore


def test_the_page_does_not_query_per_row(logged_in, unit, django_assert_max_num_queries):
    root = case(unit, completion_due_at=days(1))
    case(unit, status="duplikat", merged_into=root)
    logged_in.get("/petugas/")  # warm-up: the session and the language
    with django_assert_max_num_queries(10) as few:
        logged_in.get("/petugas/")
    for n in range(60):
        case(
            unit, completion_due_at=days(n + 2), category=CategoryFactory(), kelurahan=Region.objects.first()
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(logged_in.get("/petugas/"))
    assert len(tickets_in(page)) == 50


# ---------------------------------------------------------------- counts


def test_counts_fragment_is_polled_and_counts_in_one_query(
    logged_in, unit, officer, django_assert_num_queries
):
    case(unit)
    case(unit, completion_due_at=days(-1))
    case(unit, status="koordinasi", red_flag=True)
    case(unit, status="proses", overdue=True, red_flag=True)
    case(unit, status="selesai", overdue=True)
    case(UnitFactory(), overdue=True)

    with django_assert_num_queries(1):
        counts = queries.queue_counts(officer, timezone.now())
    assert dict(counts.by_status) == {
        "menunggu": 2,
        "koordinasi": 1,
        "disposisi": 0,
        "proses": 1,
        "menunggu_validasi": 0,
    }
    assert (counts.total, counts.overdue, counts.red_flag) == (4, 2, 2)

    page = logged_in.get("/petugas/").content.decode()
    assert 'hx-get="/petugas/jumlah/" hx-trigger="every 30s" hx-swap="outerHTML"' in page
    fragment = text(logged_in.get("/petugas/jumlah/", headers=HX))
    assert "<html" not in fragment
    assert "<strong>2</strong> Menunggu" in fragment and "<strong>1</strong> Koordinasi" in fragment
    assert "<strong>2</strong> Lewat batas" in fragment and "<strong>2</strong> Bendera merah" in fragment


def test_an_expired_session_sends_the_polling_page_to_the_login_form(client):
    response = client.get("/petugas/jumlah/", headers=HX)
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/masuk/?next=")
    assert client.get("/petugas/peta.json", headers={"Accept": "application/json"}).status_code == 401
    assert client.get("/petugas/jumlah/").status_code == 302


# ---------------------------------------------------------------- map


def test_map_json_has_the_filtered_queues_points_and_no_personal_data(logged_in, unit):
    reporter = Reporter.objects.create(name="Siti Rahasia", phone="081234567890", email="siti@example.org")
    category = CategoryFactory(code="ANTREAN-PJU", name="Lampu jalan (uji)")
    shown = case(
        unit,
        "Lampu jalan mati di depan rumah Bu Siti",
        lat=-6.18,
        lon=106.83,
        category=category,
        reporter=reporter,
        visibility="private",
        overdue=True,
    )
    other_kanal = case(unit, lat=-6.19, lon=106.84, channel="sms")
    case(unit)  # no point
    case(unit, status="selesai", lat=-6.2, lon=106.8)
    case(UnitFactory(), lat=-6.21, lon=106.81)

    everything = logged_in.get("/petugas/peta.json").json()
    assert sorted(f["properties"]["ticket"] for f in everything["features"]) == sorted(
        [shown.ticket, other_kanal.ticket]
    )
    filtered = logged_in.get("/petugas/peta.json", {"kanal": "web"}).json()
    assert filtered["type"] == "FeatureCollection" and filtered["truncated"] is False
    [feature] = filtered["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [106.83, -6.18]}
    assert feature["properties"] == {
        "ticket": shown.ticket,
        "url": f"/petugas/laporan/{shown.ticket}/",
        "category": "Lampu jalan (uji)",
        "status": "menunggu",
        "status_label": "Menunggu",
        "due": "tanpa batas waktu",
        "overdue": True,
        "red_flag": False,
    }
    raw = json.dumps(everything)
    for secret in ("Siti", "0812", "example.org", "Lampu jalan mati"):
        assert secret not in raw


def test_map_json_stops_at_the_limit_and_says_so(logged_in, unit, monkeypatch):
    monkeypatch.setattr(queries, "MAP_POINTS_LIMIT", 2)
    for n in range(3):
        case(unit, lat=-6.2 + n / 100, lon=106.8, completion_due_at=days(n + 1))
    data = logged_in.get("/petugas/peta.json").json()
    assert len(data["features"]) == 2 and data["truncated"] is True and data["limit"] == 2


def test_map_outline_is_the_units_region_when_its_polygon_is_known(logged_in, unit, officer):
    from aduan.models import RegionBoundary

    kelurahan = Region.objects.filter(level="kelurahan").order_by("code").first()
    assert logged_in.get("/petugas/peta.json", {"outline": "1"}).json()["outline"] is None
    unit.region = kelurahan
    unit.save()
    square = {
        "type": "Polygon",
        "coordinates": [[[106.8, -6.2], [106.9, -6.2], [106.9, -6.1], [106.8, -6.2]]],
    }
    RegionBoundary.objects.update_or_create(region=kelurahan, defaults={"geometry": json.dumps(square)})
    data = logged_in.get("/petugas/peta.json", {"outline": "1"}).json()
    assert data["outline"] == square
    assert "outline" not in logged_in.get("/petugas/peta.json").json()


def test_the_map_uses_local_leaflet_and_the_tile_setting(logged_in, unit, settings):
    case(unit)
    page = logged_in.get("/petugas/").content.decode()
    assert 'data-leaflet-js="/static/vendor/leaflet/leaflet.js"' in page
    assert 'data-tiles=""' in page  # no tiles by default: works offline
    assert "/static/aduan/queue.js" in page
    settings.ADUAN_MAP_TILES = "https://tiles.example/{z}/{x}/{y}.png"
    page = logged_in.get("/petugas/").content.decode()
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in page


# ---------------------------------------------------------------- bulk actions


def test_bulk_accept_does_each_case_and_names_the_refused_ones_with_why(logged_in, unit):
    waiting = case(unit)
    forwarded = case(unit, status="koordinasi")
    working = case(unit, status="proses")
    elsewhere = case(UnitFactory())
    before_elsewhere = (elsewhere.status, elsewhere.events.count())

    response = logged_in.post(
        "/petugas/massal/",
        {
            "action": "accept",
            "tickets": [
                waiting.ticket,
                working.ticket,
                forwarded.ticket.lower(),
                elsewhere.ticket,
                "bukan-tiket",
            ],
            "next": "/petugas/?kanal=web",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "Berhasil: 2 laporan" in page and "Ditolak: 3 laporan" in page
    refused = re.sub(r"<[^>]+>", "", page[page.index("Ditolak:") :])  # as read, without the markup
    assert f"{working.ticket}: Tindakan 'accept' tidak berlaku untuk laporan berstatus 'proses'." in refused
    assert f"{elsewhere.ticket}: Laporan ini tidak ada di antrean unit Anda." in refused
    assert "bukan-tiket: Nomor tiket tidak valid." in refused
    assert 'href="/petugas/?kanal=web"' in page

    for report in (waiting, forwarded):
        report.refresh_from_db()
        assert report.status == "proses"
        assert report.events.order_by("-id").first().action == "accept"
    working.refresh_from_db()
    elsewhere.refresh_from_db()
    assert working.status == "proses" and working.events.count() == 1
    assert (elsewhere.status, elsewhere.events.count()) == before_elsewhere


def test_bulk_koordinasi_asks_for_one_unit_and_one_reason_then_forwards_each(logged_in, unit):
    target = UnitFactory(code="ANTREAN-TUJUAN", name="Dinas Tujuan Uji", kind="dinas")
    first, second = case(unit), case(unit, status="proses")
    picked = {"action": "koordinasi", "tickets": [first.ticket, second.ticket]}

    page = text(logged_in.post("/petugas/massal/", picked))
    assert "2 laporan akan diteruskan" in page
    assert f'value="{target.code}"' in page and f'value="{unit.code}"' not in page  # not to itself
    assert first.ticket in page and second.ticket in page

    page = text(
        logged_in.post("/petugas/massal/", {**picked, "confirm": "1", "target": target.code, "reason": " "})
    )
    assert "Alasan koordinasi wajib diisi." in page
    page = text(
        logged_in.post("/petugas/massal/", {**picked, "confirm": "1", "target": "NGAWUR", "reason": "x"})
    )
    assert "Unit tujuan tidak ada dalam daftar." in page
    for report in (first, second):
        assert Report.objects.get(pk=report.pk).holder_id == unit.pk  # nothing moved yet

    page = text(
        logged_in.post(
            "/petugas/massal/", {**picked, "confirm": "1", "target": target.code, "reason": "Tupoksi dinas"}
        )
    )
    assert "Berhasil: 2 laporan" in page
    for report in (first, second):
        report.refresh_from_db()
        assert (report.status, report.holder_id) == ("koordinasi", target.pk)
        event = report.events.order_by("-id").first()
        assert (event.action, event.reason, event.target_id) == ("koordinasi", "Tupoksi dinas", target.pk)


def test_bulk_without_picked_cases_or_with_an_unknown_action_changes_nothing(logged_in, unit):
    report = case(unit)
    response = logged_in.post("/petugas/massal/", {"action": "accept"})
    assert response.status_code == 302 and response["Location"] == "/petugas/"
    assert "Pilih setidaknya satu laporan." in text(logged_in.get("/petugas/"))
    response = logged_in.post("/petugas/massal/", {"action": "reject", "tickets": [report.ticket]})
    assert "Tindakan massal hanya terima atau koordinasi." in text(logged_in.get(response["Location"]))
    response = logged_in.post(
        "/petugas/massal/", {"action": "accept", "tickets": [report.ticket], "next": "https://evil.example/"}
    )
    assert 'href="https://evil.example/"' not in text(response)
    assert Report.objects.get(pk=report.pk).status == "proses"
    assert logged_in.get("/petugas/massal/").status_code == 405


def test_bulk_post_needs_the_csrf_token(officer, unit):
    report = case(unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer.user)
    response = client.post("/petugas/massal/", {"action": "accept", "tickets": [report.ticket]})
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).status == "menunggu"
    page = client.get("/petugas/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_queue_page_keeps_the_biros_validation_list(client):
    waiting = submit("Trotoar sudah diperbaiki").report
    Report.objects.filter(pk=waiting.pk).update(status="menunggu_validasi")
    client.force_login(officer_at("BIROPEM").user)
    page = text(client.get("/petugas/"))
    assert "Menunggu validasi (1)" in page and waiting.ticket in page


def test_category_filter_offers_every_category(logged_in):
    CategoryFactory(code="ANTREAN-LAMA", name="Kategori lama (uji)", active=False)
    page = text(logged_in.get("/petugas/"))
    assert Category.objects.filter(code="ANTREAN-LAMA").exists()
    assert 'value="ANTREAN-LAMA"' in page  # old cases keep the category they had
