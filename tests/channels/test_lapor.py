"""The LAPOR! exchange: disposed cases polled from a local fake LAPOR!, pushed records, status sent back."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.test import Client
from django.utils import timezone
from pytest_httpserver import HTTPServer

from aduan.channels.base import ChannelConfig, DeliveryError, PayloadError, hmac_sha256
from aduan.channels.lapor import LaporChannel, status_of
from aduan.domain.messages import Contact, OutboundMessage
from aduan.models import Follower, InboxMessage, OutboxMessage, Report
from aduan.services import worker
from tests.channels.conftest import assert_refused, fixture_bytes, post_hook

SECRET = "dev-lapor"  # the development secret settings give every channel
TOKEN = "lapor-bearer-token"
LIST = "/api/v1/disposisi"
STATUS_PATH = re.compile(r"^/api/v1/disposisi/\d+/tindak-lanjut$")


def page(name: str) -> Any:
    return json.loads(fixture_bytes("lapor", name))


def records() -> list[dict[str, Any]]:
    return [*page("disposisi_page1.json")["data"], *page("disposisi_page2.json")["data"]]


def lapor(httpserver: HTTPServer, **options: Any) -> LaporChannel:
    return LaporChannel(
        ChannelConfig(secret=SECRET, access_token=TOKEN, api_base=httpserver.url_for("/"), options=options)
    )


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac_sha256(secret, body).hex()


# ---------------------------------------------------------------- polling


def test_poll_follows_the_next_link_across_two_pages(httpserver: HTTPServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    httpserver.expect_oneshot_request(LIST, query_string="page=1", headers=auth).respond_with_json(
        page("disposisi_page1.json")
    )
    httpserver.expect_oneshot_request(LIST, query_string="page=2", headers=auth).respond_with_json(
        page("disposisi_page2.json")
    )
    with httpx.Client() as client:
        items = lapor(httpserver).poll(client)
    assert [item.external_id for item in items] == ["4821937", "4822610", "4823105"]
    assert items[0].payload["judul"].startswith("Sampah menumpuk")
    httpserver.check_assertions()
    assert len(httpserver.log) == 2


def test_poll_asks_for_numbered_pages_until_one_is_empty(httpserver: HTTPServer) -> None:
    first, second, third = records()
    httpserver.expect_oneshot_request(LIST, query_string="page=1").respond_with_json([first, second])
    httpserver.expect_oneshot_request(LIST, query_string="page=2").respond_with_json([third])
    httpserver.expect_oneshot_request(LIST, query_string="page=3").respond_with_json([])
    with httpx.Client() as client:
        items = lapor(httpserver).poll(client)
    assert [item.external_id for item in items] == ["4821937", "4822610", "4823105"]
    assert len(httpserver.log) == 3


def test_poll_stops_after_max_pages_even_when_the_server_repeats_itself(httpserver: HTTPServer) -> None:
    httpserver.expect_request(LIST).respond_with_json({"data": records()[:2]})  # no next link, never empty
    with httpx.Client() as client:
        items = lapor(httpserver, max_pages=3).poll(client)
    assert len(httpserver.log) == 3
    assert [item.external_id for item in items] == ["4821937", "4822610"]


def test_poll_never_sends_the_token_to_another_host(httpserver: HTTPServer) -> None:
    first_page = page("disposisi_page1.json")
    first_page["links"]["next"] = "https://elsewhere.example/api/v1/disposisi?page=2"
    httpserver.expect_request(LIST).respond_with_json(first_page)
    with httpx.Client() as client:
        items = lapor(httpserver).poll(client)
    assert len(items) == 2 and len(httpserver.log) == 1


def test_the_agreements_field_names_are_configuration(httpserver: HTTPServer) -> None:
    httpserver.expect_request(LIST).respond_with_json(page("agreement_shape.json"))
    channel = lapor(
        httpserver,
        records="results",
        next="next_page_url",
        mapping={
            "external_id": "TrackingID",
            "title": "laporan.judul_laporan",
            "text": "laporan.isi_laporan",
            "lat": "koordinat.latitude",
            "lon": "koordinat.longitude",
            "address": "alamat_kejadian",
            "category": "nama_kategori",
            "name": "nama_pelapor",
            "visibility": "privasi",
        },
        categories={"Lingkungan Hidup dan Kehutanan": "TAMAN"},
    )
    with httpx.Client() as client:
        (item,) = channel.poll(client)
    inbound = channel.parse(item.payload)
    assert inbound is not None and inbound.external_id == "4825001"
    assert inbound.text.startswith("Lampu taman mati\n\nLampu di Taman Tebet Eco Park")
    assert (inbound.lat, inbound.lon, inbound.category, inbound.visibility) == (
        -6.2338,
        106.8555,
        "TAMAN",
        "private",
    )
    assert inbound.sender == Contact("lapor", "4825001", "Dewi Lestari", "4825001")


def test_an_unknown_field_in_the_mapping_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="nomor_laporan"):
        LaporChannel(ChannelConfig(options={"mapping": {"nomor_laporan": "id"}}))
    with pytest.raises(ValueError, match="text"):
        LaporChannel(ChannelConfig(options={"mapping": {"text": 5}}))


@pytest.mark.parametrize(
    ("record_change", "field"),
    [
        ({"tracking_id": ""}, "data[1].tracking_id"),
        ({"isi": "  "}, "data[1].isi"),
        ({"lokasi": {"lat": -6.2, "lng": None}}, "data[1].lokasi.lng"),
        ({"lokasi": {"lat": "utara", "lng": 106.8}}, "data[1].lokasi.lat"),
    ],
)
def test_a_bad_record_in_a_page_is_a_payload_error_naming_it(
    httpserver: HTTPServer, record_change: dict[str, Any], field: str
) -> None:
    body = page("disposisi_page1.json")
    body["data"][1].update(record_change)
    httpserver.expect_request(LIST).respond_with_json(body)
    with httpx.Client() as client, pytest.raises(PayloadError) as error:
        lapor(httpserver).poll(client)
    assert error.value.field == field


def test_an_unreadable_answer_or_a_server_error_fails_the_poll(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(LIST).respond_with_data(
        "<html>maintenance</html>", content_type="text/html"
    )
    httpserver.expect_oneshot_request(LIST).respond_with_json({"message": "Unauthenticated."}, status=401)
    with httpx.Client() as client:
        with pytest.raises(PayloadError):
            lapor(httpserver).poll(client)
        with pytest.raises(httpx.HTTPStatusError):
            lapor(httpserver).poll(client)


def test_without_an_api_base_nothing_is_polled() -> None:
    with httpx.Client() as client:
        assert LaporChannel().poll(client) == []


def test_without_an_access_token_no_authorization_is_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request(LIST).respond_with_json({"data": []})
    channel = LaporChannel(ChannelConfig(api_base=httpserver.url_for("/")))
    with httpx.Client() as client:
        assert channel.poll(client) == []
    request, _ = httpserver.log[0]
    assert "Authorization" not in request.headers


@pytest.mark.django_db
def test_the_worker_polls_lapor_makes_each_case_once_and_pushes_the_receipts_back(
    httpserver: HTTPServer, settings: Any
) -> None:
    settings.ADUAN_OUTBOX_SENDER = "http"
    settings.ADUAN_CHANNELS = {
        **settings.ADUAN_CHANNELS,
        "lapor": {
            **settings.ADUAN_CHANNELS["lapor"],
            "poll_interval_s": 60,
            "api_base": httpserver.url_for("/"),
            "access_token": TOKEN,
        },
    }
    httpserver.expect_request(LIST, query_string="page=1").respond_with_json(page("disposisi_page1.json"))
    httpserver.expect_request(LIST, query_string="page=2").respond_with_json(page("disposisi_page2.json"))
    httpserver.expect_request(STATUS_PATH, method="POST").respond_with_json({"id": "tl-1", "status": "ok"})
    now = timezone.now()
    poller = worker.Poller()
    with httpx.Client() as client:
        first = worker.tick(now, client=client, poller=poller)
        soon = worker.tick(now + timedelta(seconds=10), client=client, poller=poller)  # not due yet
        later = worker.tick(now + timedelta(seconds=61), client=client, poller=poller)  # polled again
    assert first.polled == {"lapor": 3} and first.processed == 3
    assert soon.polled == {} and later.polled == {"lapor": 0}
    # The receipts were written after this round's clock: the next round delivers them.
    assert first.sent + soon.sent + later.sent == 3
    assert Report.objects.filter(channel="lapor").count() == 3
    private = Report.objects.get(external_id="4822610")
    assert private.visibility == "private" and private.lat is None
    flooded = Report.objects.get(external_id="4823105")
    assert flooded.reporter is not None and flooded.reporter.phone == "+6285712349876"
    assert "https://www.lapor.go.id/pengaduan/4823105" in flooded.description
    assert Follower.objects.filter(kanal="lapor").count() == 3
    pushed = [
        json.loads(request.get_data()) for request, _ in httpserver.log if STATUS_PATH.match(request.path)
    ]
    assert sorted(p["tracking_id"] for p in pushed) == ["4821937", "4822610", "4823105"]
    assert {p["status"] for p in pushed} == {"menunggu"}
    ticket = Report.objects.get(external_id="4821937").ticket
    assert any(p["nomor_tiket"] == ticket and ticket in p["tindak_lanjut"] for p in pushed)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxMessage.State.SENT}


@pytest.mark.django_db
def test_a_bad_record_at_lapor_does_not_stop_the_worker(httpserver: HTTPServer, settings: Any) -> None:
    settings.ADUAN_CHANNELS = {
        **settings.ADUAN_CHANNELS,
        "lapor": {
            **settings.ADUAN_CHANNELS["lapor"],
            "poll_interval_s": 60,
            "api_base": httpserver.url_for("/"),
        },
    }
    body = page("disposisi_page1.json")
    body["data"][0]["isi"] = ""
    httpserver.expect_request(LIST).respond_with_json(body)
    with httpx.Client() as client:
        result = worker.tick(client=client, poller=worker.Poller())
    assert result.polled == {}  # logged, asked again at the next interval
    assert InboxMessage.objects.count() == 0


# ---------------------------------------------------------------- pushed to /hooks/lapor/


@pytest.mark.django_db
def test_a_pushed_record_becomes_a_case_followed_by_its_lapor_id(hook_client: Client) -> None:
    body = fixture_bytes("lapor", "push_single.json")
    response = post_hook(hook_client, "lapor", body, x_lapor_signature=sign(body))
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "repeated": 0}
    report = Report.objects.get(channel="lapor", external_id="4824458")
    assert report.description.startswith(
        "Trotoar Jl. Pluit Raya dipakai parkir motor\n\nTrotoar di sepanjang"
    )
    assert report.lat == pytest.approx(-6.1141) and report.address.startswith("Jl. Pluit Raya")
    assert report.reporter is not None
    assert (report.reporter.name, report.reporter.phone, report.reporter.email) == (
        "Yohanes Santoso",
        "+6281298765432",
        "yohanes.s@outlook.com",
    )
    follower = Follower.objects.get(report=report)
    assert (follower.kanal, follower.address, follower.thread) == ("lapor", "4824458", "4824458")
    receipt = OutboxMessage.objects.get(report=report)
    assert receipt.kanal == "lapor" and receipt.thread == "4824458"


@pytest.mark.django_db
def test_a_pushed_page_makes_each_case_and_a_replay_makes_none(hook_client: Client) -> None:
    body = fixture_bytes("lapor", "disposisi_page1.json")
    assert post_hook(hook_client, "lapor", body, x_lapor_signature=sign(body)).json() == {
        "received": 2,
        "repeated": 0,
    }
    again = post_hook(hook_client, "lapor", body, x_lapor_signature="sha256=" + sign(body))
    assert again.json() == {"received": 0, "repeated": 2}
    assert Report.objects.filter(channel="lapor").count() == 2
    assert Report.objects.get(external_id="4822610").visibility == "private"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"x_lapor_signature": "00"}, 403), ({"x_lapor_signature": sign(b"x", "other")}, 403)],
)
def test_unsigned_or_badly_signed_pushes_are_refused_and_nothing_is_stored(
    hook_client: Client, headers: dict[str, str], status: int
) -> None:
    response = post_hook(hook_client, "lapor", fixture_bytes("lapor", "push_single.json"), **headers)
    assert_refused(response, status, "signature")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (fixture_bytes("lapor", "push_single.json")[:120], "application/json", 400, "body"),
        (fixture_bytes("lapor", "push_single.json"), "text/xml", 415, "content-type"),
        (b'{"judul": "x", "isi": "jalan rusak"}', "application/json", 400, "tracking_id"),
        (b'[{"tracking_id": "1", "isi": "a"}, {"tracking_id": "2"}]', "application/json", 400, "[1].isi"),
        (b'{"data": "none"}', "application/json", 400, "data"),
        (b'"4824458"', "application/json", 400, "body"),
    ],
)
def test_bad_pushes_get_a_clear_4xx_and_leave_nothing(
    hook_client: Client, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = post_hook(hook_client, "lapor", body, content_type, x_lapor_signature=sign(body))
    assert_refused(response, status, field)


# ---------------------------------------------------------------- status and follow-up back to LAPOR!


def followup(subject: str = "[ABCD-1234] Laporan Anda sedang ditangani") -> OutboundMessage:
    return OutboundMessage(
        "lapor",
        Contact("lapor", "4824458", thread="4824458"),
        "Laporan ABCD-1234 sedang ditangani. Ditangani: Kelurahan Pluit.",
        "ABCD-1234",
        subject=subject,
        key="aduan-outbox-3",
    )


def test_send_posts_the_status_and_follow_up_for_the_tracking_id(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/api/v1/disposisi/4824458/tindak-lanjut",
        method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": "aduan-outbox-3"},
        json={
            "tracking_id": "4824458",
            "status": "proses",
            "tindak_lanjut": "Laporan ABCD-1234 sedang ditangani. Ditangani: Kelurahan Pluit.",
            "nomor_tiket": "ABCD-1234",
            "judul": "[ABCD-1234] Laporan Anda sedang ditangani",
        },
    ).respond_with_json({"id": "TL-88120"})
    with httpx.Client() as client:
        assert lapor(httpserver).send(followup(), client) == "TL-88120"
    httpserver.check_assertions()


def test_the_status_push_is_configuration_too(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/integrasi/laporan/4824458",
        method="PUT",
        json={"laporan": {"id": "4824458", "status_id": "3"}, "tanggapan": {"isi": followup().text}},
    ).respond_with_json({"data": {"tindak_lanjut_id": 991}})
    channel = lapor(
        httpserver,
        status_path="integrasi/laporan/{tracking_id}",
        status_method="PUT",
        send_mapping={
            "tracking_id": "laporan.id",
            "status": "laporan.status_id",
            "text": "tanggapan.isi",
            "ticket": [],
            "subject": [],
        },
        statuses={"selesai": "3"},
        response_id="data.tindak_lanjut_id",
    )
    with httpx.Client() as client:
        assert channel.send(followup("[ABCD-1234] Laporan Anda selesai"), client) == "991"
    httpserver.check_assertions()


@pytest.mark.parametrize(("status", "permanent"), [(404, True), (422, True), (429, False), (502, False)])
def test_lapor_errors_say_whether_retrying_can_help(
    httpserver: HTTPServer, status: int, permanent: bool
) -> None:
    httpserver.expect_request(STATUS_PATH).respond_with_json({"message": "x"}, status=status)
    with httpx.Client() as client, pytest.raises(DeliveryError) as error:
        lapor(httpserver).send(followup(), client)
    assert error.value.permanent is permanent


def test_every_status_the_outbox_names_is_understood() -> None:
    from aduan.services.outbox import _STATUS_TEXT

    for status, phrase in _STATUS_TEXT.items():
        assert status_of(f"[ABCD-1234] Laporan Anda {phrase}") == status.value
    assert status_of("pesan lain") == ""
