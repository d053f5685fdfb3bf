"""Durable intake: the inbox survives a crash between commit and processing, retries, and stays idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from aduan.channels.base import Item
from aduan.channels.jaki import JakiChannel
from aduan.models import InboxMessage, OutboxMessage, Report, ReportEvent
from aduan.services import intake, reports
from tests.channels.conftest import FIXTURES
from tests.conftest import run_aduan as aduan

JAKI_REPORT = FIXTURES / "jaki" / "report_geotag.json"


def test_a_crash_between_the_inbox_commit_and_processing_loses_nothing_and_duplicates_nothing(
    committed_master_data: None,
) -> None:
    crashed = aduan("intake", "--kanal", "jaki", "--file", str(JAKI_REPORT), ADUAN_FAULT="after-inbox-commit")
    assert crashed.returncode == 70, crashed.stderr  # died right after the commit
    message = InboxMessage.objects.get(kanal="jaki")
    assert message.state == InboxMessage.State.RECEIVED
    assert not Report.objects.filter(channel="jaki").exists()

    restarted = aduan("worker", "--once")
    assert restarted.returncode == 0, restarted.stderr
    assert Report.objects.filter(channel="jaki").count() == 1

    again = aduan("worker", "--once")  # a second worker round, and the provider's redelivery
    redelivered = aduan("intake", "--kanal", "jaki", "--file", str(JAKI_REPORT))
    assert again.returncode == 0 and redelivered.returncode == 0, redelivered.stderr
    assert '"repeated": 1' in redelivered.stdout
    assert Report.objects.filter(channel="jaki").count() == 1
    message.refresh_from_db()
    assert message.state == InboxMessage.State.PROCESSED and message.report is not None


def _jaki_item(external_id: str, description: str = "Lampu jalan mati di Jl. Kramat Raya") -> Item:
    payload: dict[str, Any] = {
        "id": external_id,
        "user": {"id": "u-1", "name": "Warga"},
        "report": {"description": description},
    }
    return Item(external_id, payload)


@pytest.mark.django_db
def test_a_failing_message_is_kept_with_its_error_and_retried_on_schedule(monkeypatch: Any) -> None:
    received = intake.store("jaki", [_jaki_item("J-RETRY")])
    calls = {"n": 0}
    real_submit = reports.submit_report

    def flaky(new: reports.NewReport) -> reports.Submitted:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("database went away")
        return real_submit(new)

    monkeypatch.setattr(reports, "submit_report", flaky)
    now = timezone.now()
    failed = intake.process(received.new[0], now)
    assert failed.state == InboxMessage.State.FAILED
    assert "database went away" in failed.error
    assert failed.next_attempt_at == now + timedelta(seconds=intake.RETRY_SCHEDULE[0])
    assert not Report.objects.filter(external_id="J-RETRY").exists()

    assert intake.process_due(now + timedelta(seconds=30)) == 0  # not due yet
    assert intake.process_due(now + timedelta(seconds=intake.RETRY_SCHEDULE[0])) == 1
    assert Report.objects.filter(external_id="J-RETRY").count() == 1


@pytest.mark.django_db
def test_a_message_that_cannot_become_a_report_is_dead_with_the_reason_and_can_be_rerun() -> None:
    item = _jaki_item("J-CAT")
    item.payload["report"]["category"] = "BELUMADA"  # a category this deployment does not have (yet)
    dead = intake.process(intake.store("jaki", [item]).new[0])
    assert dead.state == InboxMessage.State.DEAD
    assert dead.error.startswith("category:")
    assert intake.process_due(timezone.now() + timedelta(days=30)) == 0  # dead stays dead
    assert not Report.objects.filter(external_id="J-CAT").exists()
    # After an admin fixes the cause (here: the payload's category), a re-run makes the case.
    item.payload["report"]["category"] = ""
    InboxMessage.objects.filter(pk=dead.pk).update(payload=item.payload)
    assert intake.retry(dead.pk).state == InboxMessage.State.PROCESSED


@pytest.mark.django_db
def test_a_reply_naming_a_followed_ticket_is_a_comment_and_a_strangers_is_a_new_report() -> None:
    first = intake.process(intake.store("jaki", [_jaki_item("J-1")]).new[0])
    assert first.report is not None
    ticket = first.report.ticket
    inbound = JakiChannel().parse(_jaki_item("J-2", "Sudah seminggu lampunya masih mati").payload)
    assert inbound is not None and inbound.sender is not None
    commented = intake.apply(replace(inbound, ticket=ticket))
    assert commented.pk == first.report.pk
    assert ReportEvent.objects.filter(report=commented, action="comment").count() == 1

    stranger = replace(
        inbound, external_id="J-3", ticket=ticket, sender=replace(inbound.sender, address="u-2")
    )
    other = intake.apply(stranger)
    assert other.pk != first.report.pk


@pytest.mark.django_db
def test_a_reply_to_one_of_our_messages_lands_on_its_case_without_the_ticket_typed() -> None:
    first = intake.process(intake.store("jaki", [_jaki_item("J-10")]).new[0])
    assert first.report is not None
    OutboxMessage.objects.filter(report=first.report).update(provider_id="notif-501", state="sent")
    inbound = JakiChannel().parse(_jaki_item("J-11", "Terima kasih, tapi lampunya mati lagi").payload)
    assert inbound is not None and inbound.sender is not None
    reply = replace(inbound, extra={"in_reply_to": "notif-501"})
    assert intake.apply(reply).pk == first.report.pk
    assert ReportEvent.objects.filter(report=first.report, action="comment").count() == 1
    # The same reply from someone who does not follow the case starts a report of their own.
    stranger = replace(reply, external_id="J-12", sender=replace(inbound.sender, address="u-77"))
    assert intake.apply(stranger).pk != first.report.pk
