"""X (Twitter) Account Activity: recorded deliveries for the city's and the governor's accounts replayed
through /hooks/<kanal>/, the CRC check, signatures, bad payloads, comments, and replies as reply posts."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from aduan.channels.base import ChannelConfig, DeliveryError, hmac_sha256
from aduan.channels.social import find_ticket
from aduan.channels.twitter import PimpinanChannel, TwitterChannel, fit_tweet, tweet_length
from aduan.domain.messages import Contact, OutboundMessage
from aduan.models import Follower, InboxMessage, OutboxMessage, Report, ReportEvent
from aduan.services import outbox
from tests.channels.conftest import assert_refused, fixture_bytes, nothing_stored, post_hook

FIXTURE_TICKET = "7KQ4-M2XD"  # the ticket the recorded replies name; tests swap in the real one


def sign(kanal: str, body: bytes, secret: str | None = None) -> str:
    """X's signature, with the development secret settings give every channel ("dev-<kanal>")."""
    return "sha256=" + base64.b64encode(hmac_sha256(secret or f"dev-{kanal}", body)).decode()


def deliver(client: Client, kanal: str, body: bytes) -> Any:
    return post_hook(client, kanal, body, x_twitter_webhooks_signature=sign(kanal, body))


def replay(client: Client, kanal: str, name: str) -> Any:
    response = deliver(client, kanal, fixture_bytes(kanal, name))
    assert response.status_code == 200, response.content
    return response


# ---------------------------------------------------------------- deliveries that become cases


@pytest.mark.django_db
def test_a_geotagged_mention_becomes_a_case_with_the_tweeter_following_it(hook_client: Client) -> None:
    response = replay(hook_client, "twitter", "mention_geotag.json")
    assert response.json() == {"received": 1, "repeated": 0}
    report = Report.objects.get(channel="twitter", external_id="1995012345678901248")
    # The whole post (extended_tweet), without the city's handle or the link to the photo, with its source.
    assert report.description.startswith("@BinaMargaDKI Lubang besar di Jl. Matraman Raya")
    assert "tidak ditambal, tolong segera diperbaiki" in report.description
    assert "@DKIJakarta" not in report.description and "t.co" not in report.description
    assert "https://x.com/rahmat_matraman/status/1995012345678901248" in report.description
    assert (report.lat, report.lon) == (pytest.approx(-6.20183), pytest.approx(106.85873))
    assert report.reporter is not None and report.reporter.name == "Rahmat Hidayat"
    follower = Follower.objects.get(report=report)
    assert (follower.kanal, follower.address, follower.name, follower.thread) == (
        "twitter",
        "1402938475610292224",
        "@rahmat_matraman",
        "1995012345678901248",
    )
    receipt = OutboxMessage.objects.get(report=report)
    assert (receipt.kanal, receipt.thread) == ("twitter", "1995012345678901248")
    assert report.ticket in receipt.body
    inbox = InboxMessage.objects.get(kanal="twitter")
    assert inbox.state == InboxMessage.State.PROCESSED and inbox.report == report
    photo = inbox.payload["tweet"]["extended_tweet"]["extended_entities"]["media"][0]
    assert photo["media_url_https"].startswith("https://pbs.twimg.com/media/")  # the photo stays linked


@pytest.mark.django_db
def test_a_mention_at_a_small_place_is_located_at_its_centre(hook_client: Client) -> None:
    replay(hook_client, "twitter", "mention_place_poi.json")
    report = Report.objects.get(external_id="1995034567890123456")
    assert (report.lat, report.lon) == (pytest.approx(-6.20993), pytest.approx(106.85009))
    assert report.address == "Stasiun Manggarai"
    assert "gelap & rawan begal" in report.description  # X's &amp; unescaped
    assert not report.description.startswith("@")
    assert Follower.objects.get(report=report).address == "88123450987"
    assert OutboxMessage.objects.filter(report=report, kanal="twitter").count() == 1


@pytest.mark.django_db
def test_mentions_of_the_governor_and_vice_governor_are_sosmed_pimpinan_reports(hook_client: Client) -> None:
    replay(hook_client, "sosmed_pimpinan", "mention_gubernur.json")
    replay(hook_client, "sosmed_pimpinan", "mention_wagub.json")
    flood = Report.objects.get(external_id="1995040404040404041")
    assert flood.channel == "sosmed_pimpinan"
    assert flood.description.startswith("Pak, rob masuk lagi ke permukiman RW 04 Kalibaru")
    # A province-wide place says nothing about where: no point, only its name, and triage reads the text.
    assert flood.lat is None and flood.address == "DKI Jakarta, Indonesia"
    sidewalk = Report.objects.get(external_id="1995050505050505052")
    assert sidewalk.channel == "sosmed_pimpinan" and sidewalk.lat == pytest.approx(-6.19508)
    assert "@WagubDKI" not in sidewalk.description and "@GubernurDKI" not in sidewalk.description
    followers = Follower.objects.filter(kanal="sosmed_pimpinan").values_list("address", "thread")
    assert sorted(followers) == [
        ("1300440055667788990", "1995040404040404041"),
        ("1555123412341234123", "1995050505050505052"),
    ]
    assert OutboxMessage.objects.filter(kanal="sosmed_pimpinan").count() == 2


@pytest.mark.django_db
def test_the_city_channel_does_not_take_mentions_of_the_governor(hook_client: Client) -> None:
    body = fixture_bytes("sosmed_pimpinan", "mention_wagub.json")
    assert deliver(hook_client, "twitter", body).json() == {"received": 1, "repeated": 0}
    assert InboxMessage.objects.get().state == InboxMessage.State.IGNORED
    assert not Report.objects.exists()


# ---------------------------------------------------------------- deliveries that are not reports


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["own_reply.json", "retweet.json"])
def test_our_own_posts_and_retweets_are_kept_in_the_inbox_as_ignored(hook_client: Client, name: str) -> None:
    assert replay(hook_client, "twitter", name).json() == {"received": 1, "repeated": 0}
    assert InboxMessage.objects.get().state == InboxMessage.State.IGNORED
    assert not Report.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["favorite_event.json", "direct_message_event.json"])
def test_likes_and_direct_messages_are_acknowledged_and_skipped(hook_client: Client, name: str) -> None:
    assert replay(hook_client, "twitter", name).json() == {"received": 0, "repeated": 0}
    assert nothing_stored()


# ---------------------------------------------------------------- CRC and signatures


@pytest.mark.django_db
@pytest.mark.parametrize("kanal", ["twitter", "sosmed_pimpinan"])
def test_the_crc_challenge_is_answered_with_the_hmac_of_the_token(hook_client: Client, kanal: str) -> None:
    response = hook_client.get(f"/hooks/{kanal}/", {"crc_token": "Y2hhbGxlbmdlLTE3OTU5OTkyNjU"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    token = response.json()["response_token"]
    assert token == sign(kanal, b"Y2hhbGxlbmdlLTE3OTU5OTkyNjU")
    assert token != sign(kanal, b"Y2hhbGxlbmdlLTE3OTU5OTkyNjU", "another-consumer-secret")
    assert hook_client.get(f"/hooks/{kanal}/").status_code == 400  # no crc_token: not a CRC


@pytest.mark.django_db
def test_without_a_consumer_secret_the_crc_and_deliveries_are_refused(
    hook_client: Client, settings: Any
) -> None:
    settings.ADUAN_CHANNELS = {**settings.ADUAN_CHANNELS, "twitter": {"secret": ""}}
    response = hook_client.get("/hooks/twitter/", {"crc_token": "abc"})
    assert response.status_code == 403 and response.json()["errors"][0]["field"] == "crc_token"
    body = fixture_bytes("twitter", "mention_geotag.json")
    refused = post_hook(hook_client, "twitter", body, x_twitter_webhooks_signature=sign("twitter", body, "x"))
    assert refused.status_code == 403 and nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize("kanal", ["twitter", "sosmed_pimpinan"])
@pytest.mark.parametrize(
    ("signature", "status"),
    [
        (None, 401),
        ("sha256=", 403),
        ("sha256=bm90IHRoZSByaWdodCBzaWduYXR1cmU=", 403),
        ("other-secret", 403),
        ("hex", 403),
    ],
)
def test_unsigned_or_badly_signed_deliveries_are_refused_and_nothing_is_stored(
    hook_client: Client, kanal: str, signature: str | None, status: int
) -> None:
    name = "mention_geotag.json" if kanal == "twitter" else "mention_gubernur.json"
    body = fixture_bytes(kanal, name)
    headers = {}
    if signature == "other-secret":
        headers["x_twitter_webhooks_signature"] = sign(kanal, body, "someone-elses-secret")
    elif signature == "hex":  # Meta's encoding of the right HMAC is still not X's
        headers["x_twitter_webhooks_signature"] = "sha256=" + hmac_sha256(f"dev-{kanal}", body).hex()
    elif signature is not None:
        headers["x_twitter_webhooks_signature"] = signature
    response = post_hook(hook_client, kanal, body, **headers)
    assert_refused(response, status, "signature")


# ---------------------------------------------------------------- bad payloads


def _tweet_delivery(**tweet_changes: Any) -> bytes:
    delivery = json.loads(fixture_bytes("twitter", "mention_place_poi.json"))
    tweet = delivery["tweet_create_events"][0]
    for key, value in tweet_changes.items():
        if value is None:
            tweet.pop(key, None)
        else:
            tweet[key] = value
    return json.dumps(delivery).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (fixture_bytes("twitter", "mention_geotag.json")[:200], "application/json", 400, "body"),  # truncated
        (fixture_bytes("twitter", "mention_geotag.json"), "text/plain", 415, "content-type"),
        (b'"tweet_create_events"', "application/json", 400, "body"),
        (b"[{}]", "application/json", 400, "body"),
        (b'{"tweet_create_events": []}', "application/json", 400, "for_user_id"),
        (
            b'{"for_user_id": "1234567890", "tweet_create_events": {}}',
            "application/json",
            400,
            "tweet_create_events",
        ),
        (
            b'{"for_user_id": "1234567890", "tweet_create_events": [7]}',
            "application/json",
            400,
            "tweet_create_events[0]",
        ),
        (_tweet_delivery(id_str=None), "application/json", 400, "tweet_create_events[0].id_str"),
        (
            _tweet_delivery(user={"screen_name": "x"}),
            "application/json",
            400,
            "tweet_create_events[0].user.id_str",
        ),
    ],
)
def test_bad_payloads_get_a_clear_4xx_and_leave_nothing(
    hook_client: Client, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = post_hook(
        hook_client, "twitter", body, content_type, x_twitter_webhooks_signature=sign("twitter", body)
    )
    assert_refused(response, status, field)


@pytest.mark.django_db
def test_the_same_delivery_twice_makes_one_case(hook_client: Client) -> None:
    first = replay(hook_client, "twitter", "mention_geotag.json")
    again = replay(hook_client, "twitter", "mention_geotag.json")
    assert first.json()["received"] == 1
    assert again.json() == {"received": 0, "repeated": 1}
    assert Report.objects.filter(channel="twitter").count() == 1
    assert OutboxMessage.objects.count() == 1


# ---------------------------------------------------------------- replies naming a ticket


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kanal", "first", "stranger_id"),
    [
        ("twitter", "mention_geotag.json", "1499887766554433221"),
        ("sosmed_pimpinan", "mention_gubernur.json", "1355000111222333444"),
    ],
)
def test_a_reply_naming_the_ticket_is_a_comment_and_a_strangers_is_a_new_report(
    hook_client: Client, kanal: str, first: str, stranger_id: str
) -> None:
    replay(hook_client, kanal, first)
    case = Report.objects.get(channel=kanal)
    reply = fixture_bytes(kanal, "reply_with_ticket.json").replace(
        FIXTURE_TICKET.encode(), case.ticket.encode()
    )
    assert deliver(hook_client, kanal, reply).json() == {"received": 1, "repeated": 0}
    assert Report.objects.filter(channel=kanal).count() == 1
    comment = ReportEvent.objects.get(report=case, action="comment")
    assert case.ticket in comment.reason and comment.data["kanal"] == kanal
    inbox = InboxMessage.objects.filter(kanal=kanal).order_by("id").last()
    assert inbox is not None and inbox.report == case and inbox.state == InboxMessage.State.PROCESSED

    someone = json.loads(reply)
    tweet = someone["tweet_create_events"][0]
    tweet["id_str"], tweet["id"] = "1995399999999999999", 1995399999999999999
    tweet["user"]["id_str"], tweet["user"]["screen_name"] = stranger_id, "orang_lain"
    deliver(hook_client, kanal, json.dumps(someone).encode())
    assert Report.objects.filter(channel=kanal).count() == 2
    assert Report.objects.get(external_id="1995399999999999999") != case
    assert ReportEvent.objects.filter(report=case, action="comment").count() == 1


def test_tickets_are_found_as_people_write_them_and_words_are_not_tickets() -> None:
    assert find_ticket("laporan 7kq4-m2xd kapan diproses?") == "7KQ4-M2XD"
    assert find_ticket("tiket 7KQ4 - M2XD") == "7KQ4-M2XD"
    assert find_ticket("tiketnya 7KQ4–M2XO ya") == "7KQ4-M2X0"  # an en dash, and O typed for zero
    assert find_ticket("SEKARANG juga diperbaiki", "JALANRAYA") == ""
    assert find_ticket("", "balasan untuk ABCD-EFGH") == "ABCD-EFGH"


# ---------------------------------------------------------------- replies as reply posts


def _channel(httpserver: HTTPServer, cls: type[TwitterChannel] = TwitterChannel) -> TwitterChannel:
    return cls(ChannelConfig(secret="s", api_base=httpserver.url_for("/"), access_token="user-token"))


def _reply(text: str = "", name: str = "@rahmat_matraman") -> OutboundMessage:
    text = text or (
        "Laporan Anda diterima, nomor tiket 3F7K-QX2M. Ditangani: Kelurahan Pal Meriam. "
        "Pantau perkembangannya: https://aduan.jakarta.go.id/laporan/3F7K-QX2M"
    )
    to = Contact("twitter", "1402938475610292224", name, "1995012345678901248")
    return OutboundMessage(kanal="twitter", to=to, text=text, ticket="3F7K-QX2M", key="aduan-outbox-1")


@pytest.mark.parametrize("cls", [TwitterChannel, PimpinanChannel])
def test_a_reply_is_posted_under_the_citizens_tweet(
    httpserver: HTTPServer, cls: type[TwitterChannel]
) -> None:
    message = _reply()
    httpserver.expect_oneshot_request(
        "/2/tweets",
        method="POST",
        headers={"Authorization": "Bearer user-token"},
        json={
            "text": f"@rahmat_matraman {message.text}",
            "reply": {"in_reply_to_tweet_id": "1995012345678901248"},
        },
    ).respond_with_json({"data": {"id": "1995015550001112223", "text": message.text}}, status=201)
    with httpx.Client() as client:
        assert _channel(httpserver, cls).send(message, client) == "1995015550001112223"
    httpserver.check_assertions()


def test_a_long_reply_is_shortened_to_280_keeping_the_ticket_and_the_link(httpserver: HTTPServer) -> None:
    note = "Keterangan: " + "bukan kewenangan Pemprov DKI Jakarta, silakan menghubungi PLN UP3 Bulungan; " * 6
    long = (
        f"Laporan 3F7K-QX2M ditolak. Ditangani: Biro Pemerintahan. {note.strip()}. "
        "Pantau perkembangannya: https://aduan.jakarta.go.id/laporan/3F7K-QX2M"
    )
    posted: list[dict[str, Any]] = []

    def answer(request: Any) -> Any:
        from werkzeug import Response

        posted.append(json.loads(request.data))
        return Response(json.dumps({"data": {"id": "1995"}}), status=201, content_type="application/json")

    httpserver.expect_oneshot_request("/2/tweets", method="POST").respond_with_handler(answer)
    with httpx.Client() as client:
        _channel(httpserver).send(_reply(long), client)
    text = posted[0]["text"]
    assert tweet_length(text) <= 280 < tweet_length("@rahmat_matraman " + long)
    assert text.startswith("@rahmat_matraman Laporan 3F7K-QX2M ditolak.")
    assert text.endswith("Pantau perkembangannya: https://aduan.jakarta.go.id/laporan/3F7K-QX2M")
    assert "…" in text


def test_shortening_keeps_the_ticket_even_when_the_text_around_it_must_go() -> None:
    text = "x" * 400 + " tiket 3F7K-QX2M. Pantau: https://aduan.jakarta.go.id/laporan/3F7K-QX2M"
    fitted = fit_tweet(text, "3F7K-QX2M", "@warga")
    assert tweet_length(fitted) <= 280
    assert fitted.startswith("@warga Tiket 3F7K-QX2M.") and fitted.endswith("/laporan/3F7K-QX2M")
    # A link counts as 23 characters however long it is.
    assert tweet_length("lihat https://aduan.jakarta.go.id/laporan/" + "A" * 100) == len("lihat ") + 23


@pytest.mark.parametrize(
    ("status", "permanent"), [(500, False), (503, False), (429, False), (400, True), (403, True)]
)
def test_provider_errors_are_retried_unless_permanent(
    httpserver: HTTPServer, status: int, permanent: bool
) -> None:
    httpserver.expect_oneshot_request("/2/tweets", method="POST").respond_with_json(
        {"title": "error", "detail": "nope"}, status=status
    )
    with httpx.Client() as client, pytest.raises(DeliveryError) as error:
        _channel(httpserver).send(_reply(), client)
    assert error.value.permanent is permanent and str(status) in str(error.value)


def test_a_garbled_answer_is_retried_and_a_missing_setting_is_permanent(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/2/tweets").respond_with_data("<html>gateway</html>", status=200)
    with httpx.Client() as client:
        with pytest.raises(DeliveryError) as garbled:
            _channel(httpserver).send(_reply(), client)
        assert garbled.value.permanent is False
        for config in (ChannelConfig(access_token="t"), ChannelConfig(api_base=httpserver.url_for("/"))):
            with pytest.raises(DeliveryError) as unset:
                TwitterChannel(config).send(_reply(), client)
            assert unset.value.permanent is True
        threadless = OutboundMessage("twitter", Contact("twitter", "1"), "hai", "3F7K-QX2M")
        with pytest.raises(DeliveryError) as nowhere:
            _channel(httpserver).send(threadless, client)
        assert nowhere.value.permanent is True


@pytest.mark.django_db
def test_the_receipt_is_delivered_by_the_worker_as_a_reply_post(
    hook_client: Client, settings: Any, httpserver: HTTPServer
) -> None:
    settings.ADUAN_OUTBOX_SENDER = "http"
    settings.ADUAN_CHANNELS = {
        **settings.ADUAN_CHANNELS,
        "twitter": {
            "secret": "dev-twitter",
            "account": "1234567890",
            "api_base": httpserver.url_for("/"),
            "access_token": "city-user-token",
        },
    }
    replay(hook_client, "twitter", "mention_geotag.json")
    receipt = OutboxMessage.objects.get(kanal="twitter")
    assert receipt.name.startswith("@")
    httpserver.expect_oneshot_request(
        "/2/tweets",
        method="POST",
        headers={"Authorization": "Bearer city-user-token"},
        json={
            "text": fit_tweet(receipt.body, receipt.report.ticket, receipt.name),  # "@handle …"
            "reply": {"in_reply_to_tweet_id": "1995012345678901248"},
        },
    ).respond_with_json({"data": {"id": "1995015550001112223", "text": receipt.body}}, status=201)
    with httpx.Client() as client:
        assert outbox.deliver_due(client=client) == 1
    httpserver.check_assertions()
    receipt.refresh_from_db()
    assert (receipt.state, receipt.provider_id) == (OutboxMessage.State.SENT, "1995015550001112223")


def test_only_the_punctuation_left_by_the_removed_handle_goes() -> None:
    delivery = json.loads(fixture_bytes("twitter", "mention_place_poi.json"))
    tweet = delivery["tweet_create_events"][0]
    tweet["text"] = "@dkijakarta, lampu PJU di kolong flyover Manggarai mati semua."
    inbound = TwitterChannel().parse({"for_user_id": "1234567890", "tweet": tweet})
    assert inbound is not None
    assert inbound.text == "lampu PJU di kolong flyover Manggarai mati semua."
    bare = {**tweet, "text": "@DKIJakarta", "place": None}
    assert TwitterChannel().parse({"for_user_id": "1234567890", "tweet": bare}) is None  # nothing to act on
