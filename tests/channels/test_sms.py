"""The SMS channel: gateways' inbound webhooks replayed through /hooks/sms/, tokens, replies within 160."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from aduan.channels.base import ChannelConfig, DeliveryError
from aduan.channels.fields import normalize_phone
from aduan.channels.sms import SmsChannel, fit_sms, ticket_in
from aduan.domain.messages import Contact, OutboundMessage
from aduan.models import Follower, InboxMessage, OutboxMessage, Report, ReportEvent
from aduan.services import outbox
from tests.channels.conftest import assert_refused, fixture_bytes, nothing_stored, post_hook

TOKEN = "dev-sms"  # the development secret settings give every channel
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def deliver(client: Client, body: bytes, content_type: str = JSON) -> Any:
    return post_hook(client, "sms", body, content_type, x_gateway_token=TOKEN)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content_type", "external_id", "phone", "words"),
    [
        (
            "twilio_inbound.form",
            FORM,
            "SM4f8a2c1e9b7d6a5f3e2d1c0b9a8f7e6d",
            "+6281380045521",
            "Pasar Sunan Giri",
        ),
        (
            "africastalking_inbound.form",
            FORM,
            "ATXid_7c1e4b9a0d2f6e8a3b5c7d9e1f0a2b4c",
            "+6281211223344",
            "TPS",
        ),
        ("vonage_inbound.json", JSON, "1F00000012AB34CD", "+6285716650098", "Cilandak KKO"),
        ("android_gateway_received.json", JSON, "Ey6ECgOkVVFjz3CL48B8C", "+6289611223344", "air PAM"),
    ],
)
def test_each_gateways_sms_becomes_a_case_with_the_sender_following_it(
    hook_client: Client, name: str, content_type: str, external_id: str, phone: str, words: str
) -> None:
    response = deliver(hook_client, fixture_bytes("sms", name), content_type)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "repeated": 0}
    report = Report.objects.get(channel="sms", external_id=external_id)
    assert words in report.description
    assert report.reporter is not None and report.reporter.phone == phone
    follower = Follower.objects.get(report=report)
    assert (follower.kanal, follower.address) == ("sms", phone)
    receipt = OutboxMessage.objects.get(report=report)
    assert receipt.kanal == "sms" and receipt.address == phone
    assert report.ticket in receipt.body and len(receipt.body) <= 160
    assert InboxMessage.objects.get(kanal="sms").state == InboxMessage.State.PROCESSED


@pytest.mark.django_db
def test_the_token_may_come_in_the_query_for_gateways_that_only_take_a_url(hook_client: Client) -> None:
    body = fixture_bytes("sms", "africastalking_inbound.form")
    response = hook_client.generic("POST", f"/hooks/sms/?token={TOKEN}", body, content_type=FORM)
    assert response.status_code == 200, response.content
    assert Report.objects.filter(channel="sms").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content_type"),
    [("android_gateway_delivered.json", JSON), ("operator_broadcast.form", FORM)],
)
def test_delivery_reports_and_operator_broadcasts_are_acknowledged_and_dropped(
    hook_client: Client, name: str, content_type: str
) -> None:
    response = deliver(hook_client, fixture_bytes("sms", name), content_type)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 0, "repeated": 0}
    assert nothing_stored()


@pytest.mark.django_db
def test_the_same_sms_twice_makes_one_case(hook_client: Client) -> None:
    body = fixture_bytes("sms", "twilio_inbound.form")
    assert deliver(hook_client, body, FORM).json() == {"received": 1, "repeated": 0}
    assert deliver(hook_client, body, FORM).json() == {"received": 0, "repeated": 1}
    assert Report.objects.filter(channel="sms").count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_status_with_a_ticket_from_the_same_number_is_a_comment_and_from_another_a_new_report(
    hook_client: Client,
) -> None:
    deliver(hook_client, fixture_bytes("sms", "twilio_inbound.form"), FORM)
    report = Report.objects.get(channel="sms")
    template = fixture_bytes("sms", "generic_status_template.json").replace(
        b"TICKET_PLACEHOLDER", report.ticket.lower().replace("-", "").encode()
    )
    response = deliver(hook_client, template)  # from 081380045521: the reporter, written the local way
    assert response.status_code == 200, response.content
    comment = ReportEvent.objects.get(report=report, action="comment")
    assert "lampunya masih mati" in comment.reason
    assert Report.objects.filter(channel="sms").count() == 1

    stranger = json.loads(template)
    stranger.update({"from": "0899-7777-1234", "message_id": "gw-20261201-000232"})
    response = deliver(hook_client, json.dumps(stranger).encode())
    assert response.status_code == 200, response.content
    assert Report.objects.filter(channel="sms").count() == 2
    assert ReportEvent.objects.filter(action="comment").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "query", "status"),
    [
        ({}, "", 401),
        ({"x_gateway_token": "salah"}, "", 403),
        ({}, "?token=salah", 403),
        ({"x_gateway_token": ""}, "?token=", 401),
    ],
)
def test_a_missing_or_wrong_token_is_refused_and_nothing_is_stored(
    hook_client: Client, headers: dict[str, str], query: str, status: int
) -> None:
    response = hook_client.generic(
        "POST",
        f"/hooks/sms/{query}",
        fixture_bytes("sms", "twilio_inbound.form"),
        content_type=FORM,
        headers={k.replace("_", "-"): v for k, v in headers.items()},
    )
    assert_refused(response, status, "signature")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (fixture_bytes("sms", "vonage_inbound.json")[:90], JSON, 400, "body"),  # truncated
        (fixture_bytes("sms", "vonage_inbound.json"), "text/plain", 415, "content-type"),
        (b'{"sender_id": "0812", "isi": "jalan rusak"}', JSON, 400, "from"),  # unknown fields
        (b'{"from": "081234567890", "text": "   "}', JSON, 400, "text"),
        (b"text=jalan+rusak&to=1708", FORM, 400, "from"),
        (b"[1, 2]", JSON, 400, "body"),
        (b"", FORM, 400, "body"),
        (
            b'{"messages": [{"from": "0812345678", "text": "a", "id": "1"}, '
            b'{"from": "0812345679", "id": "2"}]}',
            JSON,
            400,
            "messages[1].text",
        ),
    ],
)
def test_bad_deliveries_get_a_clear_4xx_and_leave_nothing(
    hook_client: Client, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = deliver(hook_client, body, content_type)
    assert_refused(response, status, field)


# ---------------------------------------------------------------- replies within one SMS


@pytest.mark.django_db
def test_the_outbox_renders_every_sms_reply_within_160_characters(hook_client: Client, settings: Any) -> None:
    deliver(hook_client, fixture_bytes("sms", "twilio_inbound.form"), FORM)
    report = Report.objects.get(channel="sms")
    event = ReportEvent.objects.get(report=report, action="submit")
    subject, text = outbox.render("sms", report, event)
    assert subject == "" and report.ticket in text and len(text) <= 160
    settings.ADUAN_PUBLIC_URL = "https://pengaduan-warga.jakarta.go.id/layanan/aduan-masyarakat/portal-publik"
    subject, text = outbox.render("sms", report, event)
    assert report.ticket in text and len(text) <= 160


def test_fit_sms_cuts_at_a_word() -> None:
    assert fit_sms("Laporan  ABCD-1234\nditerima.") == "Laporan ABCD-1234 diterima."
    long = "Laporan ABCD-1234 " + "sedang ditangani oleh kelurahan " * 10
    fitted = fit_sms(long)
    assert len(fitted) <= 160 and fitted.endswith("…") and not fitted.endswith(" …")


# ---------------------------------------------------------------- sending through the gateway


def reply(
    address: str = "081380045521", text: str = "Laporan ABCD-1234 sedang ditangani."
) -> OutboundMessage:
    return OutboundMessage("sms", Contact("sms", address), text, "ABCD-1234", key="aduan-outbox-7")


def gateway(httpserver: HTTPServer, token: str = "gw-token") -> SmsChannel:
    return SmsChannel(ChannelConfig(secret=TOKEN, access_token=token, api_base=httpserver.url_for("/")))


def test_send_posts_to_the_gateway_and_returns_its_id(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/send",
        method="POST",
        headers={"X-Gateway-Token": "gw-token"},
        json={
            "to": "+6281380045521",
            "text": "Laporan ABCD-1234 sedang ditangani.",
            "reference": "aduan-outbox-7",
        },
    ).respond_with_json({"id": "gw-msg-9981", "status": "queued"})
    with httpx.Client() as client:
        assert gateway(httpserver).send(reply(), client) == "gw-msg-9981"
    httpserver.check_assertions()


def test_send_without_an_access_token_uses_the_shared_token(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/send", headers={"Authorization": f"Bearer {TOKEN}"}
    ).respond_with_json({"message_id": "gw-1"})
    with httpx.Client() as client:
        assert gateway(httpserver, token="").send(reply(), client) == "gw-1"


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (401, True), (429, False), (503, False)])
def test_gateway_errors_say_whether_retrying_can_help(
    httpserver: HTTPServer, status: int, permanent: bool
) -> None:
    httpserver.expect_request("/send").respond_with_json({"error": "x"}, status=status)
    with httpx.Client() as client, pytest.raises(DeliveryError) as error:
        gateway(httpserver).send(reply(), client)
    assert error.value.permanent is permanent


def test_send_refuses_what_cannot_be_sent() -> None:
    with httpx.Client() as client:
        with pytest.raises(DeliveryError) as no_base:
            SmsChannel(ChannelConfig(secret=TOKEN)).send(reply(), client)
        with pytest.raises(DeliveryError) as bad_number:
            SmsChannel(ChannelConfig(api_base="http://127.0.0.1:9")).send(reply("INFO"), client)
    assert no_base.value.permanent and bad_number.value.permanent


@pytest.mark.django_db
def test_the_worker_delivers_the_receipt_through_the_gateway(
    hook_client: Client, httpserver: HTTPServer, settings: Any
) -> None:
    settings.ADUAN_OUTBOX_SENDER = "http"
    settings.ADUAN_CHANNELS = {
        **settings.ADUAN_CHANNELS,
        "sms": {**settings.ADUAN_CHANNELS["sms"], "api_base": httpserver.url_for("/"), "access_token": "gw"},
    }
    deliver(hook_client, fixture_bytes("sms", "twilio_inbound.form"), FORM)
    report = Report.objects.get(channel="sms")
    httpserver.expect_oneshot_request(
        "/send", method="POST", headers={"X-Gateway-Token": "gw"}
    ).respond_with_json({"id": "gw-receipt-1"})
    assert outbox.deliver_due() == 1
    sent = OutboxMessage.objects.get(report=report)
    assert (sent.state, sent.provider_id) == (OutboxMessage.State.SENT, "gw-receipt-1")
    request, _ = httpserver.log[0]
    body = request.get_json()
    assert body["to"] == "+6281380045521" and report.ticket in body["text"] and len(body["text"]) <= 160
    assert body["reference"] == f"aduan-outbox-{sent.pk}"


# ---------------------------------------------------------------- the channel on its own


def test_a_gateways_own_field_names_are_configuration() -> None:
    channel = SmsChannel(
        ChannelConfig(options={"fields": {"from": "sender.msisdn", "text": ["isi", "pesan"]}})
    )
    inbound = channel.parse({"sender": {"msisdn": "0812-1111-2222"}, "pesan": "Banjir di Pluit", "id": "x1"})
    assert inbound is not None and inbound.sender is not None
    assert (inbound.sender.address, inbound.text, inbound.external_id) == (
        "+6281211112222",
        "Banjir di Pluit",
        "x1",
    )


def test_an_unknown_field_in_the_mapping_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="nomor"):
        SmsChannel(ChannelConfig(options={"fields": {"nomor": "msisdn"}}))


def test_an_sms_without_an_id_gets_a_stable_one() -> None:
    record = {"from": "081299990000", "text": "Lampu mati"}
    first, again = SmsChannel().parse(record), SmsChannel().parse(dict(record))
    assert first is not None and again is not None
    assert first.external_id == again.external_id and first.external_id.startswith("sha256:")


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("081380045521", "+6281380045521"),
        ("0813-8004-5521", "+6281380045521"),
        ("+62 813 8004 5521", "+6281380045521"),
        ("6281380045521", "+6281380045521"),
        ("81380045521", "+6281380045521"),
        ("006281380045521", "+6281380045521"),
        ("(021) 3822255", "+62213822255"),
        ("TELKOMSEL", None),
        ("1708", None),
        ("", None),
    ],
)
def test_phone_numbers_are_written_as_plus_62(raw: str, phone: str | None) -> None:
    assert normalize_phone(raw) == phone


@pytest.mark.parametrize(
    ("text", "ticket"),
    [
        ("STATUS ABCD-1234", "ABCD-1234"),
        ("status abcd1234", "ABCD-1234"),
        ("Cek: ABCD 1234 kapan selesai?", "ABCD-1234"),
        ("Laporan saya ABCD-1234 belum ditangani", "ABCD-1234"),
        ("STATUS jalan rusak", ""),
        ("Info pelayanan KTP", ""),
        ("Terimakasih banyak", ""),
    ],
)
def test_a_ticket_is_read_after_a_keyword_or_with_its_dash(text: str, ticket: str) -> None:
    assert ticket_in(text) == ticket
