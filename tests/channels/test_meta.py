"""Meta webhooks: the Page's feed and Messenger (`facebook`) and the WhatsApp Cloud API (`whatsapp`), replayed
through /hooks/<kanal>/ — hub.challenge, X-Hub-Signature-256, bad payloads, comments, and replies."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from aduan.channels.base import ChannelConfig, DeliveryError, hmac_sha256
from aduan.channels.meta import FacebookChannel, MetaChannel, WhatsAppChannel
from aduan.domain.messages import Contact, OutboundMessage
from aduan.models import Follower, InboxMessage, OutboxMessage, Report, ReportEvent
from aduan.services import outbox
from tests.channels.conftest import assert_refused, fixture_bytes, nothing_stored, post_hook

FIXTURE_TICKET = "7KQ4-M2XD"  # the ticket the recorded replies name; tests swap in the real one
PAGE = "104512345678901"
PHONE_NUMBER_ID = "106540352242922"


def sign(kanal: str, body: bytes, secret: str | None = None) -> str:
    """Meta's signature, with the development app secret settings give every channel ("dev-<kanal>")."""
    return "sha256=" + hmac_sha256(secret or f"dev-{kanal}", body).hex()


def deliver(client: Client, kanal: str, body: bytes) -> Any:
    return post_hook(client, kanal, body, x_hub_signature_256=sign(kanal, body))


def replay(client: Client, kanal: str, name: str) -> Any:
    response = deliver(client, kanal, fixture_bytes(kanal, name))
    assert response.status_code == 200, response.content
    return response


def case_with_follower(kanal: str, external_id: str) -> tuple[Report, Follower, OutboxMessage]:
    report = Report.objects.get(channel=kanal, external_id=external_id)
    receipt = OutboxMessage.objects.get(report=report)
    assert receipt.kanal == kanal and report.ticket in receipt.body
    inbox = InboxMessage.objects.get(kanal=kanal, external_id=external_id)
    assert inbox.state == InboxMessage.State.PROCESSED and inbox.report == report
    return report, Follower.objects.get(report=report), receipt


# ---------------------------------------------------------------- facebook: the Page's feed


@pytest.mark.django_db
def test_a_visitor_post_on_the_page_becomes_a_case_answered_under_it(hook_client: Client) -> None:
    assert replay(hook_client, "facebook", "feed_post.json").json() == {"received": 1, "repeated": 0}
    post_id = f"{PAGE}_1029384756102938"
    report, follower, receipt = case_with_follower("facebook", post_id)
    assert report.description.startswith("Selamat pagi admin. Saluran air di Jl. Kemandoran VIII")
    assert f"https://www.facebook.com/{post_id}" in report.description
    assert report.reporter is not None and report.reporter.name == "Hendra Gunawan"
    assert (follower.kanal, follower.address, follower.thread) == (
        "facebook",
        "7712093384452210",
        f"feed:{post_id}",
    )
    assert receipt.thread == f"feed:{post_id}"


@pytest.mark.django_db
def test_a_comment_on_a_page_post_becomes_a_case_answered_under_the_comment(hook_client: Client) -> None:
    replay(hook_client, "facebook", "feed_comment.json")
    report, follower, _ = case_with_follower("facebook", "1029000011112222_884412093311")
    assert report.description.startswith("Pohon tumbang di Jl. Cikini Raya depan TIM")
    assert (follower.address, follower.name, follower.thread) == (
        "6650982231457789",
        "Yuliana Siregar",
        "feed:1029000011112222_884412093311",
    )


@pytest.mark.django_db
def test_edits_reactions_and_the_pages_own_posts_are_not_reports(hook_client: Client) -> None:
    replay(hook_client, "facebook", "feed_comment.json")
    edited = replay(hook_client, "facebook", "feed_comment_edited.json")
    assert edited.json() == {"received": 0, "repeated": 0}  # the edit of a comment already here
    reaction = json.loads(fixture_bytes("facebook", "feed_comment.json"))
    reaction["entry"][0]["changes"][0]["value"].update(item="reaction", reaction_type="like")
    assert deliver(hook_client, "facebook", json.dumps(reaction).encode()).json()["received"] == 0
    own = replay(hook_client, "facebook", "page_own_post.json")
    assert own.json() == {"received": 1, "repeated": 0}
    assert (
        InboxMessage.objects.get(external_id=f"{PAGE}_1029555566667777").state == InboxMessage.State.IGNORED
    )
    assert Report.objects.filter(channel="facebook").count() == 1


# ---------------------------------------------------------------- facebook: Messenger


@pytest.mark.django_db
def test_a_messenger_message_becomes_a_case_answered_in_the_conversation(hook_client: Client) -> None:
    replay(hook_client, "facebook", "messenger_text.json")
    mid = "m_Xk3pQm8vT2wYb0cR9dLhZs1nVfJq4uEaGtBiWoKyMxPl6CzHeUrDjNgAy7O5S"
    report, follower, receipt = case_with_follower("facebook", mid)
    assert report.description.startswith("Halo min, di Jl. Tanah Abang II dekat SMPN 1")
    assert (follower.address, follower.thread) == ("5829104477312056", "messenger:5829104477312056")
    assert receipt.address == "5829104477312056"


@pytest.mark.django_db
def test_a_shared_location_and_a_photo_from_messenger_become_cases(hook_client: Client) -> None:
    replay(hook_client, "facebook", "messenger_location.json")
    replay(hook_client, "facebook", "messenger_image.json")
    located, follower, _ = case_with_follower(
        "facebook", "m_Pq7Lw2Zc9Xv4Bn1Mk8Jh3Gf6Ds5Ar0Te2Yu7Io4Pa9Sd1Fg6Hj3Kl8Zx5Cv"
    )
    assert (located.lat, located.lon) == (pytest.approx(-6.15752), pytest.approx(106.90548))
    assert located.address == "Genangan di Kelapa Gading"
    assert follower.thread == "messenger:4410293385571620"
    photo_mid = "m_Rt5Yu8Io1Pa4Sd7Fg0Hj3Kl6Zx9Cv2Bn5Mq8We1Rt4Yu7Io0Pa3Sd6Fg9Hj2K"
    photo, _, _ = case_with_follower("facebook", photo_mid)
    assert photo.description == "Foto dikirim tanpa keterangan."
    stored = InboxMessage.objects.get(external_id=photo_mid).payload
    assert stored["messaging"]["message"]["attachments"][0]["payload"]["url"].startswith("https://scontent")


@pytest.mark.django_db
def test_the_pages_own_messenger_echo_is_ignored(hook_client: Client) -> None:
    assert replay(hook_client, "facebook", "messenger_echo.json").json()["received"] == 1
    assert InboxMessage.objects.get().state == InboxMessage.State.IGNORED
    assert not Report.objects.exists()


# ---------------------------------------------------------------- whatsapp


@pytest.mark.django_db
def test_a_whatsapp_text_becomes_a_case_with_the_sender_following_it(hook_client: Client) -> None:
    assert replay(hook_client, "whatsapp", "text.json").json() == {"received": 1, "repeated": 0}
    wamid = "wamid.HBgNNjI4MTI4ODc3NjY1NRUCABIYFjNFQjBDMEFBQTU4OTE0QjE0QjY4AA=="
    report, follower, receipt = case_with_follower("whatsapp", wamid)
    assert report.description.startswith("Selamat siang. Sampah di TPS Jl. Bangka Raya, Pela Mampang")
    assert report.reporter is not None
    assert (report.reporter.name, report.reporter.phone) == ("Rina Marlina", "+6281288776655")
    assert (follower.kanal, follower.address, follower.name, follower.thread) == (
        "whatsapp",
        "6281288776655",
        "Rina Marlina",
        wamid,
    )
    assert receipt.address == "6281288776655"


@pytest.mark.django_db
def test_a_whatsapp_location_and_a_captioned_photo_become_cases(hook_client: Client) -> None:
    replay(hook_client, "whatsapp", "location.json")
    replay(hook_client, "whatsapp", "image_caption.json")
    market, _, _ = case_with_follower(
        "whatsapp", "wamid.HBgNNjI4NTcxMTIyMzM0NBUCABIYFDNBMkI5RTQ0RkM3QjE2MzJBRjFBAA=="
    )
    assert (market.lat, market.lon) == (pytest.approx(-6.27071), pytest.approx(106.86766))
    assert (market.landmark, market.address) == (
        "Pasar Induk Kramat Jati",
        "Jl. Raya Bogor No.19, Kramat Jati, Jakarta Timur",
    )
    assert "Pasar Induk Kramat Jati" in market.description
    cable, follower, _ = case_with_follower(
        "whatsapp", "wamid.HBgNNjI4MTM5OTg4Nzc2NhUCABIYFjNFQjA5QkUxQTg3RjJEMkQ0RDNCAA=="
    )
    assert cable.description.startswith("Kabel fiber optik menjuntai rendah di Jl. Haji Nawi Raya")
    assert follower.name == "Dewi ✨"


@pytest.mark.django_db
def test_delivery_statuses_are_acknowledged_and_skipped(hook_client: Client) -> None:
    assert replay(hook_client, "whatsapp", "status_delivered.json").json() == {"received": 0, "repeated": 0}
    assert nothing_stored()


# ---------------------------------------------------------------- hub.challenge and signatures


@pytest.mark.django_db
@pytest.mark.parametrize("kanal", ["facebook", "whatsapp"])
def test_the_subscription_handshake_echoes_the_challenge_only_for_the_right_token(
    hook_client: Client, kanal: str
) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": f"dev-{kanal}", "hub.challenge": "1158201444"}
    right = hook_client.get(f"/hooks/{kanal}/", query)
    assert right.status_code == 200 and right.content == b"1158201444"
    assert right["Content-Type"].startswith("text/plain")
    wrong = hook_client.get(f"/hooks/{kanal}/", {**query, "hub.verify_token": "tebakan"})
    assert wrong.status_code == 403 and wrong.json()["errors"][0]["field"] == "hub.verify_token"
    assert b"1158201444" not in wrong.content
    assert hook_client.get(f"/hooks/{kanal}/", {**query, "hub.mode": "unsubscribe"}).status_code == 400
    assert hook_client.get(f"/hooks/{kanal}/").status_code == 400


@pytest.mark.django_db
def test_without_a_verify_token_no_subscription_is_accepted(hook_client: Client, settings: Any) -> None:
    settings.ADUAN_CHANNELS = {**settings.ADUAN_CHANNELS, "whatsapp": {"secret": "s", "verify_token": ""}}
    query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "42"}
    assert hook_client.get("/hooks/whatsapp/", query).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("kanal", "name"), [("facebook", "feed_post.json"), ("whatsapp", "text.json")])
@pytest.mark.parametrize(
    ("signature", "status"),
    [(None, 401), ("sha256=", 403), ("sha256=" + "0" * 64, 403), ("other-secret", 403), ("sha1", 403)],
)
def test_unsigned_or_badly_signed_deliveries_are_refused_and_nothing_is_stored(
    hook_client: Client, kanal: str, name: str, signature: str | None, status: int
) -> None:
    body = fixture_bytes(kanal, name)
    headers = {}
    if signature == "other-secret":
        headers["x_hub_signature_256"] = sign(kanal, body, "another-app-secret")
    elif signature == "sha1":  # the old X-Hub-Signature form is not accepted
        headers["x_hub_signature"] = "sha1=" + hmac_sha256(f"dev-{kanal}", body).hex()[:40]
    elif signature is not None:
        headers["x_hub_signature_256"] = signature
    response = post_hook(hook_client, kanal, body, **headers)
    assert_refused(response, 401 if signature == "sha1" else status, "signature")


# ---------------------------------------------------------------- bad payloads


def _changed(kanal: str, name: str, change: Any) -> bytes:
    body = json.loads(fixture_bytes(kanal, name))
    change(body)
    return json.dumps(body).encode()


def _wa_message(body: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = body["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


BAD_PAYLOADS = [
    ("facebook", fixture_bytes("facebook", "feed_post.json")[:120], "application/json", 400, "body"),
    ("whatsapp", fixture_bytes("whatsapp", "text.json")[:-40], "application/json", 400, "body"),
    ("facebook", fixture_bytes("facebook", "feed_post.json"), "text/plain", 415, "content-type"),
    (
        "whatsapp",
        fixture_bytes("whatsapp", "text.json"),
        "application/x-www-form-urlencoded",
        415,
        "content-type",
    ),
    ("facebook", b"[]", "application/json", 400, "body"),
    ("whatsapp", b"null", "application/json", 400, "body"),
    ("facebook", fixture_bytes("whatsapp", "text.json"), "application/json", 400, "object"),
    ("whatsapp", fixture_bytes("facebook", "feed_post.json"), "application/json", 400, "object"),
    ("facebook", b'{"object": "instagram", "entry": []}', "application/json", 400, "object"),
    ("whatsapp", b'{"entry": []}', "application/json", 400, "object"),
    ("facebook", b'{"object": "page", "entry": {"id": "1"}}', "application/json", 400, "entry"),
    (
        "facebook",
        _changed("facebook", "messenger_text.json", lambda b: b["entry"][0]["messaging"][0].pop("sender")),
        "application/json",
        400,
        "entry[0].messaging[0].sender.id",
    ),
    (
        "facebook",
        _changed(
            "facebook", "feed_comment.json", lambda b: b["entry"][0]["changes"][0]["value"].pop("comment_id")
        ),
        "application/json",
        400,
        "entry[0].changes[0].value.comment_id",
    ),
    (
        "facebook",
        _changed(
            "facebook",
            "messenger_location.json",
            lambda b: b["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"].update(
                coordinates={"lat": "utara", "long": 106.9}
            ),
        ),
        "application/json",
        400,
        "entry[0].messaging[0].message.attachments.coordinates",
    ),
    (
        "whatsapp",
        _changed("whatsapp", "text.json", lambda b: _wa_message(b).pop("id")),
        "application/json",
        400,
        "entry[0].changes[0].value.messages[0].id",
    ),
    (
        "whatsapp",
        _changed("whatsapp", "text.json", lambda b: _wa_message(b).pop("from")),
        "application/json",
        400,
        "entry[0].changes[0].value.messages[0].from",
    ),
    (
        "whatsapp",
        _changed("whatsapp", "location.json", lambda b: _wa_message(b)["location"].update(latitude=-96.2)),
        "application/json",
        400,
        "entry[0].changes[0].value.messages[0].location.latitude",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kanal", "body", "content_type", "status", "field"), BAD_PAYLOADS)
def test_bad_payloads_get_a_clear_4xx_and_leave_nothing(
    hook_client: Client, kanal: str, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = post_hook(hook_client, kanal, body, content_type, x_hub_signature_256=sign(kanal, body))
    assert_refused(response, status, field)


@pytest.mark.django_db
def test_a_delivery_with_one_unreadable_message_stores_none_of_it(hook_client: Client) -> None:
    body = json.loads(fixture_bytes("whatsapp", "text.json"))
    value = body["entry"][0]["changes"][0]["value"]
    value["messages"].append({"id": "wamid.X", "type": "text", "text": {"body": "tanpa pengirim"}})
    assert deliver(hook_client, "whatsapp", json.dumps(body).encode()).status_code == 400
    assert nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize(("kanal", "name"), [("facebook", "messenger_text.json"), ("whatsapp", "text.json")])
def test_the_same_delivery_twice_makes_one_case(hook_client: Client, kanal: str, name: str) -> None:
    first = replay(hook_client, kanal, name)
    again = replay(hook_client, kanal, name)
    assert first.json()["received"] == 1
    assert again.json() == {"received": 0, "repeated": 1}
    assert Report.objects.filter(channel=kanal).count() == 1
    assert OutboxMessage.objects.count() == 1


# ---------------------------------------------------------------- replies naming a ticket


def _messenger_stranger(body: dict[str, Any]) -> None:
    event = body["entry"][0]["messaging"][0]
    event["sender"]["id"] = "9990001112223334"
    event["message"]["mid"] = "m_stranger"


def _whatsapp_stranger(body: dict[str, Any]) -> None:
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Orang Lain"}, "wa_id": "6281100001111"}]
    value["messages"][0].update({"from": "6281100001111", "id": "wamid.stranger"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kanal", "first", "reply", "stranger"),
    [
        ("facebook", "messenger_text.json", "messenger_reply_with_ticket.json", _messenger_stranger),
        ("whatsapp", "text.json", "reply_with_ticket.json", _whatsapp_stranger),
    ],
)
def test_a_reply_naming_the_ticket_is_a_comment_and_a_strangers_is_a_new_report(
    hook_client: Client, kanal: str, first: str, reply: str, stranger: Any
) -> None:
    replay(hook_client, kanal, first)
    case = Report.objects.get(channel=kanal)
    body = fixture_bytes(kanal, reply).replace(FIXTURE_TICKET.encode(), case.ticket.encode())
    assert deliver(hook_client, kanal, body).json() == {"received": 1, "repeated": 0}
    assert Report.objects.filter(channel=kanal).count() == 1
    comment = ReportEvent.objects.get(report=case, action="comment")
    assert case.ticket in comment.reason and comment.data["kanal"] == kanal
    assert InboxMessage.objects.filter(kanal=kanal, report=case).count() == 2

    someone = json.loads(body)
    stranger(someone)
    assert deliver(hook_client, kanal, json.dumps(someone).encode()).json()["received"] == 1
    assert Report.objects.filter(channel=kanal).count() == 2
    assert ReportEvent.objects.filter(report=case, action="comment").count() == 1


# ---------------------------------------------------------------- replies through the Graph API


def _config(httpserver: HTTPServer, **more: Any) -> ChannelConfig:
    return ChannelConfig(secret="s", api_base=httpserver.url_for("/"), access_token="page-token", **more)


def _reply(kanal: str, address: str, thread: str) -> OutboundMessage:
    text = "Laporan Anda diterima, nomor tiket 3F7K-QX2M. Pantau perkembangannya: https://aduan.jakarta.go.id/laporan/3F7K-QX2M"
    return OutboundMessage(
        kanal, Contact(kanal, address, thread=thread), text, "3F7K-QX2M", key="aduan-outbox-5"
    )


def test_a_messenger_reply_goes_to_the_psid(httpserver: HTTPServer) -> None:
    message = _reply("facebook", "5829104477312056", "messenger:5829104477312056")
    httpserver.expect_oneshot_request(
        "/v19.0/me/messages",
        method="POST",
        headers={"Authorization": "Bearer page-token"},
        json={
            "recipient": {"id": "5829104477312056"},
            "messaging_type": "RESPONSE",
            "message": {"text": message.text},
        },
    ).respond_with_json({"recipient_id": "5829104477312056", "message_id": "m_reply_1"})
    with httpx.Client() as client:
        assert FacebookChannel(_config(httpserver)).send(message, client) == "m_reply_1"
    httpserver.check_assertions()


def test_a_feed_reply_is_a_comment_under_the_citizens_comment(httpserver: HTTPServer) -> None:
    message = _reply("facebook", "6650982231457789", "feed:1029000011112222_884412093311")
    httpserver.expect_oneshot_request(
        "/v18.0/1029000011112222_884412093311/comments",
        method="POST",
        headers={"Authorization": "Bearer page-token"},
        json={"message": message.text},
    ).respond_with_json({"id": "1029000011112222_884412099999"})
    channel = FacebookChannel(_config(httpserver, options={"graph_version": "v18.0"}))
    with httpx.Client() as client:
        assert channel.send(message, client) == "1029000011112222_884412099999"
        with pytest.raises(DeliveryError) as unknown:
            channel.send(_reply("facebook", "1", "1029000011112222"), client)  # no prefix: nowhere to go
        assert unknown.value.permanent is True
    httpserver.check_assertions()


def test_a_whatsapp_reply_is_sent_from_the_citys_number(httpserver: HTTPServer) -> None:
    message = _reply("whatsapp", "6281288776655", "wamid.HBgN")
    httpserver.expect_oneshot_request(
        f"/v19.0/{PHONE_NUMBER_ID}/messages",
        method="POST",
        headers={"Authorization": "Bearer page-token"},
        json={
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "6281288776655",
            "type": "text",
            "text": {"body": message.text},
        },
    ).respond_with_json(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": "6281288776655", "wa_id": "6281288776655"}],
            "messages": [{"id": "wamid.HBgNNjI4MTI4ODc3NjY1NRUCABEYEjQxQzVBQjdEMjZDRkI4NzE3MQA="}],
        }
    )
    with httpx.Client() as client:
        sent = WhatsAppChannel(_config(httpserver, account=PHONE_NUMBER_ID)).send(message, client)
    assert sent == "wamid.HBgNNjI4MTI4ODc3NjY1NRUCABEYEjQxQzVBQjdEMjZDRkI4NzE3MQA="
    httpserver.check_assertions()


def _senders(httpserver: HTTPServer) -> list[tuple[MetaChannel, OutboundMessage, str]]:
    return [
        (FacebookChannel(_config(httpserver)), _reply("facebook", "1", "messenger:1"), "/v19.0/me/messages"),
        (FacebookChannel(_config(httpserver)), _reply("facebook", "2", "feed:2_3"), "/v19.0/2_3/comments"),
        (
            WhatsAppChannel(_config(httpserver, account=PHONE_NUMBER_ID)),
            _reply("whatsapp", "62811", "wamid.1"),
            f"/v19.0/{PHONE_NUMBER_ID}/messages",
        ),
    ]


@pytest.mark.parametrize(
    ("status", "permanent"), [(500, False), (502, False), (429, False), (400, True), (401, True)]
)
def test_graph_errors_are_retried_unless_permanent(
    httpserver: HTTPServer, status: int, permanent: bool
) -> None:
    error = {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}}
    with httpx.Client() as client:
        for channel, message, path in _senders(httpserver):
            httpserver.expect_oneshot_request(path, method="POST").respond_with_json(error, status=status)
            with pytest.raises(DeliveryError) as failed:
                channel.send(message, client)
            assert failed.value.permanent is permanent and str(status) in str(failed.value)


def test_missing_settings_are_permanent_and_a_garbled_answer_is_retried(httpserver: HTTPServer) -> None:
    with httpx.Client() as client:
        for config in (
            ChannelConfig(access_token="t", account="1"),
            ChannelConfig(api_base="http://x", account="1"),
        ):
            with pytest.raises(DeliveryError) as unset:
                WhatsAppChannel(config).send(_reply("whatsapp", "62811", "w"), client)
            assert unset.value.permanent is True
        with pytest.raises(DeliveryError) as no_number:
            WhatsAppChannel(_config(httpserver)).send(_reply("whatsapp", "62811", "w"), client)
        assert no_number.value.permanent is True
        httpserver.expect_oneshot_request("/v19.0/me/messages").respond_with_data("Bad Gateway", status=200)
        with pytest.raises(DeliveryError) as garbled:
            FacebookChannel(_config(httpserver)).send(_reply("facebook", "1", "messenger:1"), client)
        assert garbled.value.permanent is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kanal", "name", "path", "answer", "provider_id"),
    [
        (
            "whatsapp",
            "text.json",
            f"/v19.0/{PHONE_NUMBER_ID}/messages",
            {"messaging_product": "whatsapp", "messages": [{"id": "wamid.OUT1"}]},
            "wamid.OUT1",
        ),
        (
            "facebook",
            "messenger_text.json",
            "/v19.0/me/messages",
            {"recipient_id": "5829104477312056", "message_id": "m_OUT1"},
            "m_OUT1",
        ),
    ],
)
def test_the_receipt_is_delivered_by_the_worker(
    hook_client: Client,
    settings: Any,
    httpserver: HTTPServer,
    kanal: str,
    name: str,
    path: str,
    answer: Any,
    provider_id: str,
) -> None:
    settings.ADUAN_OUTBOX_SENDER = "http"
    settings.ADUAN_CHANNELS = {
        **settings.ADUAN_CHANNELS,
        kanal: {
            "secret": f"dev-{kanal}",
            "verify_token": f"dev-{kanal}",
            "api_base": httpserver.url_for("/"),
            "access_token": "system-user-token",
            "account": PHONE_NUMBER_ID if kanal == "whatsapp" else PAGE,
        },
    }
    replay(hook_client, kanal, name)
    receipt = OutboxMessage.objects.get(kanal=kanal)
    if kanal == "whatsapp":
        expected = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "6281288776655",
            "type": "text",
            "text": {"body": receipt.body},
        }
    else:
        expected = {
            "recipient": {"id": "5829104477312056"},
            "messaging_type": "RESPONSE",
            "message": {"text": receipt.body},
        }
    httpserver.expect_oneshot_request(
        path, method="POST", headers={"Authorization": "Bearer system-user-token"}, json=expected
    ).respond_with_json(answer)
    with httpx.Client() as client:
        assert outbox.deliver_due(client=client) == 1
    httpserver.check_assertions()
    receipt.refresh_from_db()
    assert (receipt.state, receipt.provider_id) == (OutboxMessage.State.SENT, provider_id)


def test_a_photo_posted_on_the_page_without_words_is_still_read() -> None:
    value = json.loads(fixture_bytes("facebook", "feed_post.json"))["entry"][0]["changes"][0]["value"]
    value.update(item="photo", link="https://scontent.xx.fbcdn.net/v/t39.30808-6/banjir_n.jpg", photo_id="77")
    value.pop("message")
    inbound = FacebookChannel().parse({"page_id": PAGE, "feed": value})
    assert inbound is not None and inbound.text == "Foto dikirim tanpa keterangan."
    assert [a.url for a in inbound.attachments] == [
        "https://scontent.xx.fbcdn.net/v/t39.30808-6/banjir_n.jpg"
    ]
    value.pop("link")
    assert FacebookChannel().parse({"page_id": PAGE, "feed": value}) is None  # nothing to read at all
