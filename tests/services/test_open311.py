"""The Open311 service: categories as services, API keys, POST validation, queries and how a report reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from aduan.domain.lifecycle import Action
from aduan.models import (
    ApiKey,
    Category,
    Follower,
    InboxMessage,
    OutboxMessage,
    Region,
    Report,
    Reporter,
    ReportEvent,
)
from aduan.services import open311, reports
from aduan.services.open311 import NewRequest, Open311Error, RequestQuery
from tests.conftest import row_counts
from tests.factories import AgencyFactory, CategoryFactory, officer_at
from tests.factories import addressed_to_gambir as file

pytestmark = pytest.mark.django_db

GAMBIR = "31.71.01.1001"
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)


@pytest.fixture
def category() -> Category:
    agency = AgencyFactory(code="O311BM", name="Dinas Bina Marga Uji")
    return CategoryFactory(
        code="O311JALAN",
        name="Jalan Rusak Uji",
        name_en="Damaged road",
        agency=agency,
        scope="jalan berlubang, aspal rusak",
        sla_days=7,
    )


@pytest.fixture
def key() -> ApiKey:
    return open311.create_api_key("Aplikasi Uji")[0]


def stored() -> tuple[int, ...]:
    return row_counts(Report, ReportEvent, Reporter, InboxMessage, OutboxMessage, Follower)


def post(key: ApiKey, attributes: dict[str, list[str]] | None = None, **fields: str) -> dict[str, object]:
    values = {"service_code": "O311JALAN", "address_id": GAMBIR, "description": "Jalan berlubang di gang 3"}
    values.update(fields)
    return open311.create_request(
        NewRequest({k: v for k, v in values.items() if v is not None}, attributes or {}), key
    )


# ---------------------------------------------------------------- services


def test_services_are_the_active_categories_with_their_agency_as_group(category: Category) -> None:
    CategoryFactory(code="O311MATI", name="Kategori Nonaktif", active=False)
    CategoryFactory(code="O311KEL", name="Fasilitas Kelurahan Uji", agency=None, scope="")
    listed = {s["service_code"]: s for s in open311.services()}
    assert "O311MATI" not in listed
    assert listed["O311JALAN"] == {
        "service_code": "O311JALAN",
        "service_name": "Jalan Rusak Uji",
        "description": (
            "Jalan Rusak Uji: jalan berlubang, aspal rusak. Ditangani Dinas Bina Marga Uji; "
            "batas penyelesaian 7 hari."
        ),
        "metadata": True,
        "type": "realtime",
        "keywords": "jalan berlubang, aspal rusak, Damaged road",
        "group": "Dinas Bina Marga Uji",
    }
    assert listed["O311KEL"]["group"] == "Kelurahan"


def test_a_service_definition_names_every_attribute_with_the_spec_fields(category: Category) -> None:
    definition = open311.service_definition("O311JALAN")
    assert definition["service_code"] == "O311JALAN"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert set(attributes) == {"jenis", "visibility", "landmark"}
    for attribute in attributes.values():
        assert set(attribute) == {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
            "values",
        }
    assert [v["key"] for v in attributes["jenis"]["values"]] == ["pengaduan", "informasi", "aspirasi"]
    assert [v["key"] for v in attributes["visibility"]["values"]] == ["public", "private"]
    assert attributes["landmark"]["datatype"] == "string"
    assert sorted(a["order"] for a in attributes.values()) == [1, 2, 3]


def test_an_unknown_or_inactive_service_is_404(category: Category) -> None:
    CategoryFactory(code="O311MATI", active=False)
    for code in ("TIDAKADA", "O311MATI"):
        with pytest.raises(Open311Error) as refused:
            open311.service_definition(code)
        assert refused.value.status == 404
        assert refused.value.payload() == [
            {"code": 404, "description": f"service_code: Layanan '{code}' tidak dikenal."}
        ]


# ---------------------------------------------------------------- API keys


def test_a_key_is_stored_only_as_its_hash_and_shown_once() -> None:
    row, key = open311.create_api_key("  Qlue  ")
    assert row.name == "Qlue" and row.prefix == key[:8] and key.isalnum() and len(key) == 40
    stored_row = ApiKey.objects.get(pk=row.pk)
    assert stored_row.key_hash == open311.hash_key(key) and len(stored_row.key_hash) == 64
    assert key not in {stored_row.key_hash, stored_row.name}
    assert open311.create_api_key("Qlue")[1] != key


def test_authenticate_checks_the_hash_and_marks_the_key_used() -> None:
    row, key = open311.create_api_key("JAKI")
    assert row.last_used_at is None
    assert open311.authenticate(key).pk == row.pk
    assert ApiKey.objects.get(pk=row.pk).last_used_at is not None
    for wrong in ("", key[:-1], key + "x", row.key_hash):
        with pytest.raises(Open311Error) as refused:
            open311.authenticate(wrong)
        assert refused.value.status == 403 and refused.value.errors[0][0] == "api_key"


def test_a_revoked_key_no_longer_opens_anything() -> None:
    row, key = open311.create_api_key("Mitra")
    assert open311.revoke_api_key(row.prefix).active is False
    with pytest.raises(Open311Error) as refused:
        open311.authenticate(key)
    assert refused.value.status == 403


def test_revoke_refuses_an_unknown_or_ambiguous_prefix_and_takes_a_whole_key() -> None:
    first, _ = open311.create_api_key("Satu")
    second, second_key = open311.create_api_key("Dua")
    ApiKey.objects.filter(pk=second.pk).update(prefix=first.prefix)  # a prefix collision
    with pytest.raises(open311.DomainError) as ambiguous:
        open311.revoke_api_key(first.prefix)
    assert ambiguous.value.code == "ambiguous"
    with pytest.raises(open311.DomainError) as unknown:
        open311.revoke_api_key("zzzzzzzz")
    assert unknown.value.code == "not_found"
    assert open311.revoke_api_key(second_key).pk == second.pk
    assert ApiKey.objects.get(pk=first.pk).active


def test_a_key_needs_a_name() -> None:
    with pytest.raises(open311.InvalidInput):
        open311.create_api_key("   ")
    with pytest.raises(open311.InvalidInput):
        open311.create_api_key("x" * 121)
    assert not ApiKey.objects.exists()


# ---------------------------------------------------------------- POST requests


def test_a_request_is_filed_through_submit_report_on_kanal_open311(category: Category, key: ApiKey) -> None:
    created = post(
        key,
        {"jenis": ["aspirasi"], "landmark": ["depan SDN 01"]},
        media_url="https://foto.example.id/lubang.jpg",
        first_name="Siti",
        last_name="Aminah",
        email="siti.aminah@example.id",
        phone="081234567890",
        account_id="akun-77",
        device_id="perangkat-9",
    )
    report = Report.objects.get(ticket=created["service_request_id"])
    assert (report.channel, report.external_id, report.jenis, report.landmark) == (
        "open311",
        created["token"],
        "aspirasi",
        "depan SDN 01",
    )
    assert report.category == category and report.kelurahan is not None and report.kelurahan.code == GAMBIR
    assert report.reporter is not None and report.reporter.name == "Siti Aminah"
    assert created["account_id"] == "akun-77"
    assert str(created["service_notice"]).startswith(f"Laporan diterima dengan nomor tiket {report.ticket}")
    # The call itself is kept with its media link, device and account, but never the key.
    call = InboxMessage.objects.get(kanal="open311", external_id=created["token"])
    assert (call.report_id, call.state, call.source) == (report.pk, "processed", f"apikey:{key.prefix}")
    assert call.payload["media_url"] == "https://foto.example.id/lubang.jpg"
    assert call.payload["device_id"] == "perangkat-9" and "api_key" not in call.payload
    # The reporter follows the case by e-mail and SMS, and the receipt is waiting in the outbox.
    assert set(Follower.objects.filter(report=report).values_list("kanal", flat=True)) == {"email", "sms"}
    assert OutboxMessage.objects.filter(report=report).count() == 2


def test_an_address_id_gives_the_kelurahan_with_or_without_its_centroid(
    category: Category, key: ApiKey
) -> None:
    with_point = Report.objects.get(ticket=post(key)["service_request_id"])
    assert with_point.kelurahan is not None and with_point.kelurahan.code == GAMBIR
    assert with_point.address == "Kelurahan Gambir, Kecamatan Gambir, Kota Administrasi Jakarta Pusat"
    Region.objects.filter(code=GAMBIR).update(centroid_lat=None, centroid_lon=None)
    by_name = Report.objects.get(ticket=post(key, description="Aspal mengelupas")["service_request_id"])
    assert (by_name.lat, by_name.lon) == (None, None)
    assert by_name.kelurahan is not None and by_name.kelurahan.code == GAMBIR


def test_without_a_description_the_report_still_reads_as_a_sentence(category: Category, key: ApiKey) -> None:
    created = post(key, description="", address_id="", address_string="Jl. Kebon Sirih No. 5")
    report = Report.objects.get(ticket=created["service_request_id"])
    assert report.description == (
        "Laporan Jalan Rusak Uji di Jl. Kebon Sirih No. 5 (dikirim melalui Open311 tanpa uraian)."
    )


def test_a_private_request_is_stored_private(category: Category, key: ApiKey) -> None:
    created = post(key, {"visibility": ["private"]})
    assert Report.objects.get(ticket=created["service_request_id"]).visibility == "private"


@pytest.mark.parametrize(
    ("fields", "attributes", "named"),
    [
        ({"service_code": ""}, {}, {"service_code"}),
        ({"service_code": "TIDAKADA"}, {}, {"service_code"}),
        ({"address_id": ""}, {}, {"lat & long, address_string, address_id"}),
        ({"address_id": "", "lat": "-6.17"}, {}, {"long"}),
        ({"address_id": "", "long": "106.8"}, {}, {"lat"}),
        ({"address_id": "", "lat": "utara", "long": "106.8"}, {}, {"lat"}),
        ({"address_id": "", "lat": "nan", "long": "106.8"}, {}, {"lat"}),
        ({"address_id": "", "lat": "-96", "long": "106.8"}, {}, {"lat"}),
        ({"address_id": "99.99.99.9999"}, {}, {"address_id"}),
        ({"address_id": "31.71.01"}, {}, {"address_id"}),  # a kecamatan, not a kelurahan
        ({"address_string": "x" * 301}, {}, {"address_string"}),
        ({"description": "x" * 4001}, {}, {"description"}),
        ({"media_url": "file:///etc/passwd"}, {}, {"media_url"}),
        ({"media_url": "bukan url"}, {}, {"media_url"}),
        ({"email": "bukan-surel"}, {}, {"email"}),
        ({"phone": "telepon saya"}, {}, {"phone"}),
        ({"first_name": "x" * 61}, {}, {"first_name"}),
        ({"account_id": "x" * 121}, {}, {"account_id"}),
        ({}, {"jenis": ["keluhan"]}, {"attribute[jenis]"}),
        ({}, {"jenis": ["pengaduan", "aspirasi"]}, {"attribute[jenis]"}),
        ({}, {"visibility": ["rahasia"]}, {"attribute[visibility]"}),
        ({}, {"landmark": ["x" * 201]}, {"attribute[landmark]"}),
        ({}, {"warna": ["merah"]}, {"attribute[warna]"}),
        ({"service_code": "", "email": "x"}, {"warna": ["merah"]}, {"service_code", "attribute[warna]"}),
    ],
)
def test_bad_input_is_400_naming_each_field_and_stores_nothing(
    category: Category,
    key: ApiKey,
    fields: dict[str, str],
    attributes: dict[str, list[str]],
    named: set[str],
) -> None:
    before = stored()
    with pytest.raises(Open311Error) as refused:
        post(key, attributes, **fields)
    assert refused.value.status == 400
    assert {field for field, _ in refused.value.errors} == named
    assert all(e["code"] == 400 and e["description"] for e in refused.value.payload())
    assert stored() == before


def test_a_failure_after_the_report_leaves_nothing_half_written(
    category: Category, key: ApiKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(InboxMessage.objects, "create", broken)
    before = stored()
    with pytest.raises(RuntimeError):
        post(key, email="warga@example.id")
    assert stored() == before


def test_the_per_key_rate_limit_answers_429(category: Category, key: ApiKey, settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.ADUAN_INTAKE_RATE_PER_MINUTE = 2  # type: ignore[attr-defined]
    post(key, description="Satu")
    post(key, description="Dua")
    before = stored()
    with pytest.raises(Open311Error) as refused:
        post(key, description="Tiga")
    assert refused.value.status == 429 and refused.value.retry_after is not None
    assert stored() == before
    cache.clear()


# ---------------------------------------------------------------- GET requests: the query


def test_the_default_window_is_the_last_90_days() -> None:
    query = open311.parse_query({}, now=NOW)
    assert (query.start, query.end, query.page, query.page_size) == (NOW - timedelta(days=90), NOW, 1, 1000)
    assert not query.extensions and not query.statuses and not query.codes


def test_one_side_of_the_window_sets_the_other_90_days_away() -> None:
    start = open311.parse_query({"start_date": "2026-01-01T00:00:00Z"})
    assert start.end == datetime(2026, 4, 1, tzinfo=UTC)
    end = open311.parse_query({"end_date": "2026-04-01T00:00:00Z"})
    assert end.start == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_window_of_more_than_90_days_or_backwards_is_refused() -> None:
    ok = open311.parse_query({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"})
    assert ok.end is not None and ok.start is not None and ok.end - ok.start == timedelta(days=90)
    with pytest.raises(Open311Error) as wide:
        open311.parse_query({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:01Z"})
    assert wide.value.status == 400 and wide.value.errors[0][0] == "start_date, end_date"
    with pytest.raises(Open311Error) as backwards:
        open311.parse_query({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"})
    assert backwards.value.errors[0][0] == "end_date"


def test_dates_take_offsets_an_unencoded_plus_and_jakarta_for_naive_times() -> None:
    assert open311.parse_moment("2026-11-30T08:00:00+07:00", "x") == datetime(2026, 11, 30, 1, tzinfo=UTC)
    assert open311.parse_moment("2026-11-30T08:00:00 07:00", "x") == datetime(2026, 11, 30, 1, tzinfo=UTC)
    assert open311.parse_moment("2026-11-30T08:00:00", "x") == datetime(2026, 11, 30, 1, tzinfo=UTC)
    assert open311.parse_moment("2026-11-30", "x") == datetime(2026, 11, 29, 17, tzinfo=UTC)
    with pytest.raises(Open311Error) as refused:
        open311.parse_moment("kemarin", "start_date")
    assert refused.value.errors[0][0] == "start_date"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open,pending"}, "status"),
        ({"page": "0"}, "page"),
        ({"page": "dua"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"extensions": "ya"}, "extensions"),
        ({"end_date": "31/12/2026"}, "end_date"),
        ({"service_request_id": ",".join(["ABCD-EFGH"] * 1001)}, "service_request_id"),
    ],
)
def test_bad_query_arguments_are_400_naming_the_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(Open311Error) as refused:
        open311.parse_query(params)
    assert refused.value.status == 400 and refused.value.errors[0][0] == field


def test_ids_override_every_other_argument() -> None:
    query = open311.parse_query({"service_request_id": "abcd-efgh, WXYZ-2345", "status": "nonsense"})
    assert query.ids == ("abcd-efgh", "WXYZ-2345") and query.start is None


# ---------------------------------------------------------------- how a report reads


def read(report: Report, extensions: bool = True) -> dict[str, object]:
    return open311.get_request(report.ticket, extensions)


def test_open_statuses_are_open_and_say_who_holds_the_case() -> None:
    report = file("Got mampet di depan rumah nomor 12")
    body = read(report)
    holder = report.holder.name
    assert (body["status"], body["status_notes"]) == ("open", f"Menunggu ditangani {holder}.")
    lurah = officer_at(report.holder.code).user
    reports.accept(report.ticket, lurah)
    assert read(report)["status_notes"] == f"Sedang ditangani {holder}."
    later = timezone.localdate() + timedelta(days=20)
    reports.set_ews(report.ticket, lurah, later, "Menunggu alat berat")
    body = read(report)
    assert body["status_notes"] == f"Sedang ditangani {holder}. Perkiraan selesai {later:%d-%m-%Y}."
    assert body["expected_datetime"] == open311.expected(later)
    reports.report_followup(report.ticket, lurah, "Sudah dikeruk")
    assert read(report)["status_notes"] == (
        f"Tindak lanjut {holder} sudah dilaporkan, menunggu validasi Biro Pemerintahan."
    )
    reports.validate(report.ticket, officer_at("BIROPEM", "validator").user)
    body = read(report)
    assert (body["status"], body["status_notes"]) == (
        "closed",
        f"Selesai: tindak lanjut {holder} telah divalidasi.",
    )
    closed_at = Report.objects.get(pk=report.pk).closed_at
    assert closed_at is not None and body["updated_datetime"] == open311.w3(closed_at)


def test_a_rejected_report_gives_the_reason_and_the_referral() -> None:
    report = file("Listrik padam sejak pagi di RT 05")
    reports.reject(
        report.ticket,
        officer_at(report.holder.code).user,
        "luar_kewenangan",
        "Listrik adalah urusan PLN.",
        "PLN UP3 Menteng",
    )
    body = read(report)
    assert body["status"] == "closed"
    assert body["status_notes"] == (
        "Ditolak: di luar kewenangan Pemprov DKI Jakarta. Listrik adalah urusan PLN. "
        "Rujukan: PLN UP3 Menteng."
    )
    extended = body["extended_attributes"]
    assert isinstance(extended, dict) and extended["status_detail"] == "ditolak"


def test_a_merged_report_is_closed_and_names_its_cluster() -> None:
    survivor = file("Pohon tumbang menutup jalan di depan pasar")
    duplicate = file("Ada pohon tumbang di jalan dekat pasar")
    reports.merge(
        duplicate.ticket, officer_at(duplicate.holder.code).user, survivor.ticket, "Pohon yang sama"
    )
    body = read(duplicate)
    assert body["status"] == "closed"
    assert body["status_notes"] == f"Digabung dengan laporan {survivor.ticket} tentang masalah yang sama."
    assert body["extended_attributes"]["cluster"] == survivor.ticket  # type: ignore[index]
    assert read(survivor)["extended_attributes"]["cluster"] == survivor.ticket  # type: ignore[index]


def test_notes_are_the_public_timeline_without_what_the_reporter_wrote_later() -> None:
    report = file(
        "Sampah menumpuk di bantaran kali", reporter=reports.ReporterInput("Budi", "0812999888", "")
    )
    reports.add_comment(report.ticket, "Tolong hubungi saya di 0812999888, Budi", "sms")
    notes = read(report)["notes"]
    assert isinstance(notes, list)
    assert [n["type"] for n in notes] == ["submit", "comment"]
    assert notes[0]["summary"].startswith("Laporan masuk melalui Situs web; ditangani ")
    assert notes[1] == {
        "type": "comment",
        "datetime": notes[1]["datetime"],
        "summary": "Tanggapan pelapor",
        "description": None,
    }
    assert "0812999888" not in repr(read(report))


def test_without_extensions_only_the_spec_fields_come_back() -> None:
    body = read(file("Lampu taman mati"), extensions=False)
    assert "extended_attributes" not in body and "notes" not in body


def test_an_uncategorised_report_has_the_triage_service_code() -> None:
    body = read(file("Ada yang aneh di sini"))
    assert (body["service_code"], body["service_name"]) == ("TRIASE", "Belum dikategorikan (triase)")


def test_a_private_report_is_never_found() -> None:
    report = file("Pungli di kantor", visibility="private")
    with pytest.raises(Open311Error) as refused:
        read(report)
    assert refused.value.status == 404
    listed = open311.find_requests(RequestQuery(ids=(report.ticket,)))
    assert listed == []


def test_tokens_resolve_only_open311_requests(category: Category, key: ApiKey) -> None:
    created = post(key)
    assert open311.token_request(str(created["token"])) == {
        "service_request_id": created["service_request_id"],
        "token": created["token"],
    }
    other = file("Trotoar rusak", external_id="jaki-123", channel="jaki")
    for token in ("jaki-123", "", "x" * 121, other.ticket):
        with pytest.raises(Open311Error) as refused:
            open311.token_request(token)
        assert refused.value.status == 404


def test_times_are_utc_with_a_z_and_the_ews_ends_the_jakarta_day() -> None:
    assert open311.w3(datetime(2026, 11, 30, 8, 1, 2, 999, tzinfo=timezone.get_current_timezone())) == (
        "2026-11-30T01:01:02Z"
    )
    assert open311.expected(date(2026, 12, 10)) == "2026-12-10T16:59:59Z"


def test_every_action_has_words() -> None:
    report = file("Jalan berlubang")
    event = report.events.get()
    for action in [*Action, "ask", "remind", "escalate", "refer_up"]:
        summary = open311._note_summary(
            ReportEvent(
                report=report, action=action, holder=event.holder, data={}, created_at=event.created_at
            )
        )
        assert summary and summary != str(action)
    unknown = ReportEvent(
        report=report, action="baru", holder=event.holder, data={}, created_at=event.created_at
    )
    assert open311._note_summary(unknown) == "baru"


def test_what_an_officer_asks_the_reporter_stays_out_of_the_notes() -> None:
    report = file("Jalan berlubang di depan rumah")
    asked = ReportEvent(
        report=report,
        action="ask",
        actor_kind="officer",
        holder=report.holder,
        reason="Bu Sri, mohon kirim foto ke 0812111222",
        created_at=timezone.now(),
    )
    assert open311.note(asked)["description"] is None


# ---------------------------------------------------------------- the apikey command


def test_the_apikey_command_creates_lists_and_revokes() -> None:
    import io

    from django.core.management import CommandError, call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", "create", "--name", "Aplikasi Qlue", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert len(key) == 40 and "tidak dapat ditampilkan lagi" in err.getvalue()
    assert open311.authenticate(key).name == "Aplikasi Qlue"
    listing = io.StringIO()
    call_command("apikey", "list", stdout=listing)
    line = listing.getvalue().strip()
    assert line.startswith(f"{key[:8]}  aktif") and line.endswith("Aplikasi Qlue") and key not in line
    call_command("apikey", "revoke", "--prefix", key[:8], stdout=io.StringIO())
    assert not ApiKey.objects.get().active
    with pytest.raises(CommandError):
        call_command("apikey", "revoke", "--prefix", "tidakada")
    with pytest.raises(CommandError):
        call_command("apikey", "create", "--name", " ")
