"""The e-mail channel: raw RFC 822 messages replayed through /hooks/email/, replies threaded by ticket."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from aduan.channels.base import ChannelConfig, PayloadError, hmac_sha256
from aduan.channels.email import EmailChannel, html_to_text, strip_quoted
from aduan.models import Attachment, Follower, InboxMessage, OutboxMessage, Report, ReportEvent
from aduan.services import outbox
from tests.channels.conftest import assert_refused, fixture_bytes, post_hook

SECRET = "dev-email"  # the development secret settings give every channel
RFC822 = "message/rfc822"
PLAIN_ID = "CAKq3x9Vf7m2aB4+WmZr8xY1-Jq0tN6pE5sLh@mail.gmail.com"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac_sha256(secret, body).hex()


def deliver(client: Client, body: bytes, content_type: str = RFC822) -> Any:
    return post_hook(client, "email", body, content_type, x_aduan_mail_signature=sign(body))


def with_ticket(name: str, ticket: str) -> bytes:
    return fixture_bytes("email", name).replace(b"TICKET_PLACEHOLDER", ticket.encode())


@pytest.mark.django_db
def test_a_plain_email_becomes_a_case_with_its_sender_following_it(hook_client: Client) -> None:
    response = deliver(hook_client, fixture_bytes("email", "report_plain_qp.eml"))
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "repeated": 0}
    report = Report.objects.get(channel="email", external_id=PLAIN_ID)
    # The encoded subject leads the description; the quoted-printable body is decoded, the signature gone.
    assert report.description.startswith("Jalan berlubang di Cempaka Putih Raya – mohon ditambal\n\n")
    assert "pengendara motor terjatuh" in report.description
    assert "RT 05/RW 03" not in report.description
    assert report.reporter is not None
    assert (report.reporter.name, report.reporter.email) == ("Budi Santoso", "budi.santoso@gmail.com")
    follower = Follower.objects.get(report=report)
    assert (follower.kanal, follower.address, follower.name, follower.thread) == (
        "email",
        "budi.santoso@gmail.com",
        "Budi Santoso",
        f"<{PLAIN_ID}>",
    )
    receipt = OutboxMessage.objects.get(report=report)
    assert receipt.kanal == "email" and receipt.subject.startswith(f"[{report.ticket}] ")
    assert InboxMessage.objects.get(kanal="email").state == InboxMessage.State.PROCESSED


@pytest.mark.django_db
def test_multipart_mail_prefers_the_plain_part_and_keeps_the_photo_but_not_the_pdf(
    hook_client: Client,
) -> None:
    response = deliver(hook_client, fixture_bytes("email", "report_photo_multipart.eml"))
    assert response.status_code == 200, response.content
    report = Report.objects.get(channel="email")
    # The iso-8859-1 subject's =96 is windows-1252's en dash, as Outlook means it.
    assert report.description.startswith("Saluran air tersumbat – Kampung Melayu\n\nYth. Admin,")
    assert "<b>" not in report.description and "Gang Masjid RT 08/RW 02" in report.description
    photos = list(Attachment.objects.filter(report=report))
    assert [p.content_type for p in photos] == ["image/jpeg"]  # re-encoded, metadata stripped
    assert photos[0].file.read().startswith(b"\xff\xd8")  # a JPEG now


@pytest.mark.django_db
def test_an_html_only_windows_1252_mail_is_read_as_text(hook_client: Client) -> None:
    response = deliver(hook_client, fixture_bytes("email", "report_html_windows1252.eml"))
    assert response.status_code == 200, response.content
    report = Report.objects.get(channel="email")
    assert "halte “Kampung Melayu” sejak pukul 06.00" in report.description
    assert "jalan raya – sangat berbahaya" in report.description
    assert "MsoNormal" not in report.description and "&nbsp;" not in report.description
    assert report.reporter is not None and report.reporter.name == "André Wijaya"


@pytest.mark.django_db
def test_the_reply_carries_the_ticket_and_threads_and_the_answer_becomes_a_comment(
    hook_client: Client, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver(hook_client, fixture_bytes("email", "report_plain_qp.eml"))
    report = Report.objects.get(channel="email")
    assert outbox.deliver_due() == 1
    (sent,) = mail.outbox
    assert sent.subject.startswith(f"[{report.ticket}] ")
    assert sent.to == ["budi.santoso@gmail.com"]
    assert sent.extra_headers["In-Reply-To"] == f"<{PLAIN_ID}>"
    assert sent.extra_headers["References"] == f"<{PLAIN_ID}>"

    answer = with_ticket("reply_gmail_template.eml", report.ticket)
    response = deliver(hook_client, answer)
    assert response.status_code == 200, response.content
    assert Report.objects.filter(channel="email").count() == 1
    comment = ReportEvent.objects.get(report=report, action="comment")
    # What Budi wrote, without his signature and without our message he quoted.
    assert comment.reason == (
        "Terima kasih atas tanggapannya. Lubangnya masih ada dan tadi pagi bertambah lebar, mohon segera "
        "dikerjakan."
    )

    stranger = answer.replace(
        b"From: Budi Santoso <budi.santoso@gmail.com>", b"From: Orang Lain <lain@example.id>"
    )
    stranger = stranger.replace(b"Message-ID: <CAKq3x9W0pLq8dE", b"Message-ID: <Stranger0pLq8dE")
    response = deliver(hook_client, stranger)
    assert response.status_code == 200, response.content
    other = Report.objects.exclude(pk=report.pk).get(channel="email")
    assert other.reporter is not None and other.reporter.email == "lain@example.id"
    assert ReportEvent.objects.filter(action="comment").count() == 1


@pytest.mark.django_db
def test_an_outlook_reply_loses_its_quoted_block_and_mobile_footer(hook_client: Client) -> None:
    deliver(hook_client, fixture_bytes("email", "report_html_windows1252.eml"))
    report = Report.objects.get(channel="email")
    response = deliver(hook_client, with_ticket("reply_outlook_template.eml", report.ticket))
    assert response.status_code == 200, response.content
    comment = ReportEvent.objects.get(report=report, action="comment")
    assert comment.reason == "Selamat siang, trotoar sudah bersih pagi ini. Terima kasih!"


@pytest.mark.django_db
def test_an_out_of_office_answer_is_kept_but_ignored(hook_client: Client) -> None:
    response = deliver(hook_client, with_ticket("auto_reply.eml", "ABCD-1234"))
    assert response.status_code == 200
    assert InboxMessage.objects.get(kanal="email").state == InboxMessage.State.IGNORED
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_same_message_twice_makes_one_case(hook_client: Client) -> None:
    body = fixture_bytes("email", "report_plain_qp.eml")
    assert deliver(hook_client, body).json() == {"received": 1, "repeated": 0}
    assert deliver(hook_client, body).json() == {"received": 0, "repeated": 1}
    assert Report.objects.filter(channel="email").count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"x_aduan_mail_signature": "sha256=00"}, 403),
        ({"x_aduan_mail_signature": sign(b"x", "other")}, 403),
    ],
)
def test_unsigned_or_badly_signed_mail_is_refused_and_nothing_is_stored(
    hook_client: Client, headers: dict[str, str], status: int
) -> None:
    response = post_hook(
        hook_client, "email", fixture_bytes("email", "report_plain_qp.eml"), RFC822, **headers
    )
    assert_refused(response, status, "signature")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (fixture_bytes("email", "bad_no_from.eml"), RFC822, 400, "from"),
        (fixture_bytes("email", "bad_empty_body.eml"), RFC822, 400, "body"),
        (fixture_bytes("email", "bad_base64.eml"), RFC822, 400, "body"),
        (b"From: warga tanpa alamat\r\n\r\nLampu mati.\r\n", RFC822, 400, "from"),
        (b'{"from": "warga@example.id", "text": "lampu mati"}', RFC822, 400, "from"),  # not a message
        (b"   ", RFC822, 400, "body"),
        (fixture_bytes("email", "report_plain_qp.eml"), "application/json", 415, "content-type"),
        (fixture_bytes("email", "report_plain_qp.eml"), "multipart/form-data", 415, "content-type"),
    ],
)
def test_malformed_mail_gets_a_clear_4xx_and_leaves_nothing(
    hook_client: Client, body: bytes, content_type: str, status: int, field: str
) -> None:
    response = deliver(hook_client, body, content_type)
    assert_refused(response, status, field)


# ---------------------------------------------------------------- the channel on its own


def stored(raw: bytes) -> dict[str, str]:
    return {"rfc822": base64.b64encode(raw).decode()}


def test_photos_over_the_size_cap_are_left_in_the_raw_message() -> None:
    raw = fixture_bytes("email", "report_photo_multipart.eml")
    assert len(EmailChannel().parse(stored(raw)).attachments) == 1  # type: ignore[union-attr]
    capped = EmailChannel(ChannelConfig(options={"max_attachment_bytes": 100})).parse(stored(raw))
    assert capped is not None and capped.attachments == ()


def test_a_photo_without_text_is_still_a_report() -> None:
    raw = (
        b"From: Warga <warga@example.id>\r\nMessage-ID: <foto@warga.example.id>\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\r\n'
        b"--b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"/9j/4AAQSkZJRg==\r\n--b--\r\n"
    )
    inbound = EmailChannel().parse(stored(raw))
    assert inbound is not None and inbound.text and inbound.attachments[0].content_type == "image/jpeg"


def test_the_external_id_is_the_message_id_or_a_hash() -> None:
    raw = b"From: warga@example.id\r\nSubject: Lampu mati\r\n\r\nLampu jalan mati.\r\n"
    without = EmailChannel().parse(stored(raw))
    assert without is not None and without.external_id.startswith("sha256:")
    assert without.sender is not None and without.sender.thread == ""
    long_id = b"Message-ID: <" + b"x" * 200 + b"@example.id>\r\n"
    hashed = EmailChannel().parse(stored(long_id + raw))
    assert hashed is not None and hashed.external_id.startswith("sha256:") and len(hashed.external_id) < 120
    assert hashed.sender is not None and hashed.sender.thread.startswith("<xxx")


@pytest.mark.parametrize(
    ("subject", "ticket"),
    [
        ("Re: [ABCD-1234] Laporan Anda sedang ditangani", "ABCD-1234"),
        ("Balas: RE: [abcd1234] Laporan Anda selesai", "ABCD-1234"),
        ("Fwd: [ ABC0-12J4 ] Laporan", "ABC0-12J4"),
        ("Laporan ABCD-1234", ""),  # only the bracketed ticket our subjects carry
        ("Re: [PENTING] jalan rusak", ""),
    ],
)
def test_the_ticket_is_read_from_the_subject(subject: str, ticket: str) -> None:
    raw = f"From: w@example.id\r\nSubject: {subject}\r\n\r\nMasih rusak.\r\n".encode()
    inbound = EmailChannel().parse(stored(raw))
    assert inbound is not None and inbound.ticket == ticket


def test_a_stored_message_that_is_not_base64_is_a_payload_error() -> None:
    with pytest.raises(PayloadError) as error:
        EmailChannel().parse({"rfc822": "not base64!"})
    assert error.value.field == "rfc822"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Masih banjir.\n\nOn Mon, Nov 30, 2026 at 7:15 AM Aduan <a@b.id> wrote:\n> lama", "Masih banjir."),
        (
            "Masih banjir.\nPada tanggal Sen, 30 Nov 2026 07.15, Aduan <a@b.id> menulis:\n> lama",
            "Masih banjir.",
        ),
        ("Masih banjir.\n-----Original Message-----\nFrom: Aduan\nlama", "Masih banjir."),
        ("Masih banjir.\n\n----- Pesan Asli -----\nDari: Aduan\nlama", "Masih banjir."),
        ("Masih banjir.\n\nDari: Aduan Jakarta\nTanggal: 30 Nov 2026\nPerihal: [X]\n\nlama", "Masih banjir."),
        ("Masih banjir.\n> kutipan\nTambahan: dua rumah.", "Masih banjir.\nTambahan: dua rumah."),
        ("Masih banjir.\n\n-- \nBudi\n0812", "Masih banjir."),
        ("Masih banjir.\n\nDikirim dari Yahoo Mail di Android", "Masih banjir."),
        (
            "Dari: rumah saya terlihat genangan setinggi lutut.",
            "Dari: rumah saya terlihat genangan setinggi lutut.",
        ),
        ("Pada hari Senin air naik lagi.", "Pada hari Senin air naik lagi."),
    ],
)
def test_quoted_replies_and_signatures_are_stripped(text: str, expected: str) -> None:
    assert strip_quoted(text) == expected


def test_html_becomes_text_without_scripts_styles_or_quoted_blocks() -> None:
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<div>Air&nbsp;PAM mati</div><div>sejak <b>Senin</b>.<br>Mohon dicek.</div>"
        '<div class="gmail_quote">Pada Sen, 30 Nov 2026 Aduan menulis:<blockquote>lama</blockquote></div>'
        "</body></html>"
    )
    text = html_to_text(html)
    assert text.startswith("Air PAM mati\nsejak Senin.\nMohon dicek.")
    assert "alert" not in text and "color" not in text and "lama" not in text
    assert strip_quoted(text) == "Air PAM mati\nsejak Senin.\nMohon dicek."
