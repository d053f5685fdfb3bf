"""Replies through the outbox: written with the change, once per kanal and address, delivered with retries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core import mail
from django.utils import timezone
from pytest_httpserver import HTTPServer

from aduan.domain.errors import DomainError
from aduan.domain.messages import Contact
from aduan.models import OutboxMessage, Report
from aduan.services import outbox, reports
from aduan.services.reports import NewReport, ReporterInput
from tests.factories import officer_at

pytestmark = pytest.mark.django_db


def report_from(contact: Contact | None = None, **fields: Any) -> Report:
    values: dict[str, Any] = {
        "channel": contact.kanal if contact else "web",
        "description": "Got mampet di gang",
    }
    values.update(fields)
    return reports.submit_report(NewReport(contact=contact, **values)).report


def test_a_reporter_on_three_kanal_for_one_cluster_hears_once_on_each() -> None:
    case = report_from(Contact("jaki", "jaki-u-1", thread="J-1"), external_id="J-1")
    by_sms = report_from(Contact("sms", "+628111"), external_id="S-1")
    by_mail = report_from(Contact("email", "warga@example.id", thread="<m1@example.id>"), external_id="M-1")
    again_by_sms = report_from(Contact("sms", "+628111"), external_id="S-2")  # the same number, twice
    triase = officer_at("TRIASE")
    for duplicate in (by_sms, by_mail, again_by_sms):
        reports.merge(duplicate.ticket, triase.user, case.ticket, "masalah yang sama")
    OutboxMessage.objects.all().delete()

    reports.accept(case.ticket, triase.user)

    sent = sorted(OutboxMessage.objects.values_list("kanal", "address"))
    assert sent == [("email", "warga@example.id"), ("jaki", "jaki-u-1"), ("sms", "+628111")]
    mail_row = OutboxMessage.objects.get(kanal="email")
    assert mail_row.thread == "<m1@example.id>" and mail_row.subject.startswith(f"[{case.ticket}]")


def test_the_web_reporters_email_and_phone_follow_the_case() -> None:
    report = report_from(reporter=ReporterInput(name="Bu Sri", phone="0812-3456-789", email="Sri@Example.id"))
    assert sorted(report.followers.values_list("kanal", "address")) == [
        ("email", "sri@example.id"),
        ("sms", "+628123456789"),  # as the SMS gateway writes numbers
    ]
    assert OutboxMessage.objects.filter(report=report).count() == 2  # the receipt, on both


def test_a_refused_action_writes_no_reply() -> None:
    report = report_from(Contact("sms", "+628222"))
    before = OutboxMessage.objects.count()
    with pytest.raises(DomainError):
        reports.report_followup(report.ticket, officer_at("TRIASE").user, "")  # not in proses, no note
    assert OutboxMessage.objects.count() == before


def test_an_sms_reply_fits_in_160_characters() -> None:
    report = report_from(Contact("sms", "+628333"))
    reports.reject(report.ticket, officer_at("TRIASE").user, "luar_kewenangan", "x" * 400, "PLN UP3 Bulungan")
    assert all(len(m.body) <= 160 for m in OutboxMessage.objects.filter(kanal="sms"))


def test_console_delivery_writes_the_log_once(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.ADUAN_OUTBOX_SENDER = "console"
    report_from(Contact("sms", "+628444"))
    assert outbox.deliver_due() == 1
    assert outbox.deliver_due() == 0  # nothing is sent twice
    lines = (tmp_path / "outbox.log").read_text().splitlines()
    assert len(lines) == 1 and "+628444" in lines[0]
    assert OutboxMessage.objects.get().state == OutboxMessage.State.SENT


def test_email_replies_thread_under_the_reporters_message(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = report_from(Contact("email", "warga@example.id", thread="<asal@example.id>"))
    assert outbox.deliver_due() == 1
    (message,) = mail.outbox
    assert message.to == ["warga@example.id"]
    assert message.subject.startswith(f"[{report.ticket}]")
    assert message.extra_headers["In-Reply-To"] == "<asal@example.id>"


def test_http_delivery_retries_with_backoff_and_gives_up_on_a_permanent_error(
    settings: Any, httpserver: HTTPServer
) -> None:
    settings.ADUAN_OUTBOX_SENDER = "http"
    settings.ADUAN_CHANNELS = {
        **settings.ADUAN_CHANNELS,
        "jaki": {"secret": "s", "api_base": httpserver.url_for("/"), "access_token": "tok"},
    }
    report = report_from(Contact("jaki", "jaki-u-9", thread="J-9"), external_id="J-9")
    row = OutboxMessage.objects.get(report=report)
    now = timezone.now()

    httpserver.expect_oneshot_request("/v1/notifications", method="POST").respond_with_data(
        "down", status=503
    )
    with httpx.Client() as client:
        assert outbox.deliver_due(now, client=client) == 0
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.FAILED and row.attempts == 1 and "503" in row.error
    assert row.next_attempt_at == now + timedelta(seconds=outbox.RETRY_SCHEDULE[0])

    httpserver.expect_oneshot_request(
        "/v1/notifications",
        method="POST",
        headers={"Authorization": "Bearer tok", "Idempotency-Key": f"aduan-outbox-{row.pk}"},
        json={
            "user_id": "jaki-u-9",
            "report_id": "J-9",
            "ticket": report.ticket,
            "title": row.subject,
            "message": row.body,
        },
    ).respond_with_json({"id": "notif-77"})
    with httpx.Client() as client:
        assert outbox.deliver_due(now + timedelta(seconds=10), client=client) == 0  # not due yet
        assert outbox.deliver_due(row.next_attempt_at, client=client) == 1
    row.refresh_from_db()
    assert (row.state, row.provider_id, row.attempts) == (OutboxMessage.State.SENT, "notif-77", 2)

    reports.accept(report.ticket, officer_at(report.holder.code).user)
    refused = OutboxMessage.objects.get(report=report, state=OutboxMessage.State.PENDING)
    httpserver.expect_oneshot_request("/v1/notifications").respond_with_data("no such user", status=404)
    with httpx.Client() as client:
        outbox.deliver_due(timezone.now() + timedelta(seconds=1), client=client)
    refused.refresh_from_db()
    assert refused.state == OutboxMessage.State.DEAD and "404" in refused.error
