"""Durable, idempotent intake: a channel's delivery is committed to the inbox first, then processed."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aduan.channels.base import Channel, Item, PayloadError, WebhookRequest
from aduan.channels.registry import UnknownChannel, channel
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.messages import InboundMessage
from aduan.domain.tickets import normalize_ticket
from aduan.models import Attachment, Follower, InboxMessage, OutboxMessage, Report
from aduan.services import photos, reports

log = logging.getLogger("aduan.intake")

# Seconds before the 1st, 2nd, … retry of a message whose processing failed; after the last it is dead.
RETRY_SCHEDULE = (60, 300, 1800, 2 * 3600, 12 * 3600)
MAX_EXTERNAL_ID = 120
MAX_INLINE_ATTACHMENT = 5 * 1024 * 1024


@dataclass(frozen=True)
class Received:
    new: list[int]  # inbox ids stored now
    repeated: int  # items already in the inbox (a provider's redelivery)


def channel_for(kanal: str) -> Channel:
    """The enabled channel, or UnknownChannel."""
    return channel(kanal, settings.ADUAN_CHANNELS)


def receive(kanal: str, request: WebhookRequest) -> Received:
    """Verify a webhook delivery, split it into messages and commit them to the inbox.

    SignatureError and PayloadError leave nothing stored."""
    adapter = channel_for(kanal)
    adapter.verify(request)
    return store(kanal, adapter.split(request), request.remote_addr)


def store(kanal: str, items: list[Item], source: str = "") -> Received:
    """Commit ``items`` to the inbox in one transaction; an (kanal, external id) already there is skipped."""
    for item in items:
        if not item.external_id or len(item.external_id) > MAX_EXTERNAL_ID:
            raise PayloadError(f"id pesan kosong atau lebih dari {MAX_EXTERNAL_ID} karakter", "external_id")
    new: list[int] = []
    with transaction.atomic():
        for item in items:
            message, created = InboxMessage.objects.get_or_create(
                kanal=kanal,
                external_id=item.external_id,
                defaults={"payload": item.payload, "source": source[:120]},
            )
            if created:
                new.append(message.pk)
    if new and os.environ.get("ADUAN_FAULT") == "after-inbox-commit":
        # Fault injection for the crash test: die exactly between the commit and the processing.
        os._exit(70)
    return Received(new, len(items) - len(new))


def process(inbox_id: int, now: datetime | None = None) -> InboxMessage:
    """Turn one inbox message into a case (or a comment on one), exactly once.

    The report and the message's new state commit together; a failure is recorded with its error and the
    time of the next attempt, and leaves no report behind."""
    now = now or timezone.now()
    try:
        with photos.stored_atomically():  # a retried message must not leave its photos' files twice
            message = (
                InboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=inbox_id, state__in=(InboxMessage.State.RECEIVED, InboxMessage.State.FAILED))
                .first()
            )
            if message is None:  # done already, or another worker has it
                return InboxMessage.objects.get(pk=inbox_id)
            inbound = channel_for(message.kanal).parse(message.payload)
            if inbound is None:
                message.state = InboxMessage.State.IGNORED
            else:
                message.report = apply(inbound)
                message.state = InboxMessage.State.PROCESSED
            message.attempts += 1
            message.error = ""
            message.processed_at = timezone.now()
            message.save()
            return message
    except (PayloadError, DomainError, UnknownChannel) as error:
        # Retrying the same payload cannot help: it waits for an admin (who may re-run it after a fix).
        return _failed(inbox_id, _describe(error), now, permanent=True)
    except Exception as error:
        log.exception("inbox %s failed", inbox_id)
        return _failed(inbox_id, f"{type(error).__name__}: {error}", now, permanent=False)


def _describe(error: Exception) -> str:
    if isinstance(error, InvalidInput):
        return "; ".join(f"{field}: {text}" for field, text in error.errors.items())
    if isinstance(error, UnknownChannel):
        return f"kanal {error.args[0]} tidak aktif"
    return str(error)


def _failed(inbox_id: int, error: str, now: datetime, permanent: bool) -> InboxMessage:
    with transaction.atomic():
        message = InboxMessage.objects.select_for_update().get(pk=inbox_id)
        message.attempts += 1
        if permanent or message.attempts > len(RETRY_SCHEDULE):
            message.state = InboxMessage.State.DEAD
            message.next_attempt_at = None
        else:
            message.state = InboxMessage.State.FAILED
            message.next_attempt_at = now + timedelta(seconds=RETRY_SCHEDULE[message.attempts - 1])
        message.error = error[:4000]
        message.save(update_fields=["attempts", "state", "next_attempt_at", "error"])
    log.warning("inbox %s (%s) %s: %s", inbox_id, message.kanal, message.state, error)
    return message


def process_due(now: datetime | None = None, limit: int = 200) -> int:
    """Process what waits: messages never processed (the process died after the commit) and failures
    whose retry time has come. Returns how many became cases or comments."""
    now = now or timezone.now()
    waiting = InboxMessage.objects.filter(state=InboxMessage.State.RECEIVED) | InboxMessage.objects.filter(
        state=InboxMessage.State.FAILED, next_attempt_at__lte=now
    )
    ids = list(waiting.order_by("id").values_list("id", flat=True)[:limit])
    return sum(process(i, now).state == InboxMessage.State.PROCESSED for i in ids)


def retry(inbox_id: int) -> InboxMessage:
    """An admin's re-run of a failed or dead message (after fixing what made it fail)."""
    InboxMessage.objects.filter(
        pk=inbox_id, state__in=(InboxMessage.State.FAILED, InboxMessage.State.DEAD)
    ).update(state=InboxMessage.State.RECEIVED, next_attempt_at=None)
    return process(inbox_id)


# ---------------------------------------------------------------- from a message to a case


def apply(inbound: InboundMessage) -> Report:
    """A new report for ``inbound`` — or, when it answers about a ticket its sender follows, a comment on
    that case."""
    if inbound.sender is not None and not inbound.ticket:
        inbound = _ticket_of_reply(inbound)
    if inbound.ticket and inbound.sender is not None:
        case = _followed_case(inbound)
        if case is not None:
            return reports.add_comment(case.ticket, inbound.text, inbound.kanal, inbound.external_id)
    result = reports.submit_report(
        reports.NewReport(
            channel=inbound.kanal,
            description=_description(inbound),
            lat=inbound.lat,
            lon=inbound.lon,
            address=inbound.address[:300],
            landmark=inbound.landmark[:200],
            category=inbound.category or None,
            visibility=inbound.visibility,
            reporter=reports.ReporterInput(
                name=(inbound.reporter_name or (inbound.sender.name if inbound.sender else ""))[:120],
                phone=inbound.reporter_phone,
                email=inbound.reporter_email,
            ),
            external_id=inbound.external_id,
            contact=inbound.sender,
        )
    )
    if result.created:
        _attach(result.report, inbound)
    return result.report


def _description(inbound: InboundMessage) -> str:
    text = inbound.text.strip()
    if inbound.source_url and inbound.source_url not in text:
        text = f"{text}\n\nSumber: {inbound.source_url}"
    return text[: reports.MAX_DESCRIPTION]


def _ticket_of_reply(inbound: InboundMessage) -> InboundMessage:
    """A reply to one of our messages (a tweet, a WhatsApp message, an e-mail) without the ticket typed:
    the message it answers names the case."""
    replied_to = inbound.extra.get("in_reply_to", "")
    if not replied_to:
        return inbound
    ticket = (
        OutboxMessage.objects.filter(kanal=inbound.kanal, provider_id=replied_to)
        .values_list("report__ticket", flat=True)
        .first()
    )
    return replace(inbound, ticket=ticket) if ticket else inbound


def _followed_case(inbound: InboundMessage) -> Report | None:
    """The case named by ``inbound.ticket``, when the sender follows it (or a report in its cluster) on
    this kanal: a stranger naming someone's ticket starts a report of their own instead."""
    assert inbound.sender is not None
    ticket = normalize_ticket(inbound.ticket)
    report = Report.objects.filter(ticket=ticket).first() if ticket else None
    if report is None:
        return None
    root = report.merged_into or report
    follows = Follower.objects.filter(
        kanal=inbound.kanal, address=inbound.sender.address, report__in=[root, *root.merged_reports.all()]
    ).exists()
    return root if follows else None


def _attach(report: Report, inbound: InboundMessage) -> None:
    """Keep the photos that came inline (an e-mail's, an MMS), re-encoded without their metadata like every
    upload; one that is not a readable photo is skipped (the report stands). Linked media stay as links in
    the inbox."""
    for number, attachment in enumerate(inbound.attachments[: photos.MAX_PER_KIND], start=1):
        if not attachment.content or len(attachment.content) > MAX_INLINE_ATTACHMENT:
            continue
        try:
            photo = photos.prepare(attachment.content, "attachments", f"Foto {number}")
        except InvalidInput:
            continue
        photos.attach(report, None, photo, Attachment.Kind.REPORT)
