"""Replies to reporters: written to the outbox with the change they report, delivered by the worker."""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from aduan.channels.base import DeliveryError
from aduan.channels.registry import UnknownChannel, channel
from aduan.domain.lifecycle import Action, Status
from aduan.domain.messages import Contact, OutboundMessage
from aduan.models import Follower, OutboxMessage, Report, ReportEvent
from aduan.services import relay

log = logging.getLogger("aduan.outbox")

# Seconds to wait before the 1st, 2nd, … retry; after the last, the message is dead (visible to admins).
RETRY_SCHEDULE = (30, 120, 600, 3600, 6 * 3600, 24 * 3600)
SMS_LIMIT = 160

# What the reporter hears about; internal steps (recategorising, a return between units) stay quiet.
NOTIFY = {
    Action.SUBMIT,
    Action.ACCEPT,
    Action.KOORDINASI,
    Action.DISPOSISI,
    Action.SET_EWS,
    Action.REPORT_FOLLOWUP,
    Action.VALIDATE,
    Action.REJECT,
    Action.MERGE,
    Action.DISPUTE,
    Action.ASK,  # the masked relay: the officer's question reaches the reporter on their own kanal
}

_STATUS_TEXT = {
    Status.MENUNGGU: "diterima dan menunggu ditangani",
    Status.KOORDINASI: "diteruskan ke instansi yang berwenang",
    Status.DISPOSISI: "diteruskan ke suku dinas",
    Status.PROSES: "sedang ditangani",
    Status.MENUNGGU_VALIDASI: "sudah ditindaklanjuti, menunggu validasi",
    Status.SELESAI: "selesai",
    Status.DITOLAK: "ditolak",
    Status.DUPLIKAT: "digabung dengan laporan lain",
}


def public_link(ticket: str) -> str:
    return f"{settings.ADUAN_PUBLIC_URL}/laporan/{ticket}/"


# The closing message's link lets the reporter rate or dispute the case (services/reviews.py): a key
# signed for the ticket, as the private token itself is stored only hashed and cannot be sent again.
_REVIEW_SALT = "aduan.review"
_REVIEW_KEY_CHARS = 20  # 80 bits: short enough for an SMS, far beyond guessing


def review_key(ticket: str) -> str:
    return salted_hmac(_REVIEW_SALT, ticket, algorithm="sha256").hexdigest()[:_REVIEW_KEY_CHARS]


def review_key_matches(ticket: str, key: str) -> bool:
    return bool(key) and hmac.compare_digest(key.encode(), review_key(ticket).encode())


def review_path(ticket: str) -> str:
    return f"/laporan/{ticket}/nilai/{review_key(ticket)}/"


def review_link(ticket: str) -> str:
    return f"{settings.ADUAN_PUBLIC_URL}{review_path(ticket)}"


def render(kanal: str, report: Report, event: ReportEvent) -> tuple[str, str]:
    """The (subject, text) of the reply about ``event`` on ``kanal``: an SMS fits in 160 characters."""
    ticket = report.ticket
    if event.action == Action.ASK:
        return _render_question(kanal, report, event)
    status = _STATUS_TEXT.get(Status(event.to_status), event.to_status)
    if event.action == Action.SUBMIT:
        head = f"Laporan Anda diterima, nomor tiket {ticket}."
    elif event.action == Action.MERGE:
        into = str(event.data.get("merged_into", "")) if isinstance(event.data, dict) else ""
        head = f"Laporan {ticket} digabung dengan laporan {into} tentang masalah yang sama."
    elif event.action == Action.SET_EWS:
        head = f"Laporan {ticket}: perkiraan selesai {report.ews_date:%d-%m-%Y}." if report.ews_date else ""
    else:
        head = f"Laporan {ticket} {status}."
    holder = f" Ditangani: {report.holder.name}." if report.holder_id else ""
    link = public_link(ticket)
    subject = f"[{ticket}] Laporan Anda {status}"
    if event.action == Action.VALIDATE:
        return _render_closed(kanal, report, event, head, holder, subject)
    if kanal == "sms":
        text = f"{head} Pantau: {link}"
        if len(text) > SMS_LIMIT:
            text = f"Aduan {ticket}: {status}. {link}"
        return "", text[:SMS_LIMIT]
    note = ""
    if event.action in (Action.REJECT, Action.REPORT_FOLLOWUP) and event.reason:
        note = f" Keterangan: {event.reason[:300]}"
    return subject, f"{head}{holder}{note} Pantau perkembangannya: {link}".strip()


def _render_closed(
    kanal: str, report: Report, event: ReportEvent, head: str, holder: str, subject: str
) -> tuple[str, str]:
    """The case is selesai: the reporter is invited to rate the follow-up or dispute it, with the signed
    link that lets them do either (the link ends the message, so no kanal cuts it off)."""
    ticket = report.ticket
    link = review_link(ticket)
    if kanal == "sms":
        text = f"{head} Beri nilai atau sanggah dalam 10 hari kerja: {link}"
        if len(text) > SMS_LIMIT:
            text = f"Aduan {ticket} selesai. Nilai/sanggah: {link}"
        return "", text[:SMS_LIMIT]
    note = f" Keterangan: {event.reason[:300]}" if event.reason else ""
    invite = " Puas dengan penanganannya? Beri nilai atau sanggah dalam 10 hari kerja:"
    return subject, f"{head}{holder}{note}{invite} {link}".strip()


def _render_question(kanal: str, report: Report, event: ReportEvent) -> tuple[str, str]:
    """The officer's question, with how to answer: reply to this message, or the answer link."""
    ticket = report.ticket
    link = relay.answer_url(event.pk, ticket)
    question = " ".join(event.reason.split())
    if kanal == "sms":
        # An SMS reply is matched by the ticket it starts with; the link carries the whole question.
        head, tail = f"Aduan {ticket}, petugas menanyakan: ", f" Balas diawali {ticket} atau buka {link}"
        limit = SMS_LIMIT
    else:
        head, tail = f"Petugas menanyakan ({ticket}): ", f" Balas pesan ini atau buka {link}"
        limit = _max_text(kanal)
    # The question gives way, never the link: a kanal's adapter cuts what is longer than it carries.
    room = limit - len(head) - len(tail)
    if len(question) > room:
        question = question[: max(room - 1, 0)].rstrip() + "…"
    text = f"{head}{question}{tail}"
    return ("" if kanal == "sms" else f"[{ticket}] Pertanyaan petugas tentang laporan Anda"), text


def _max_text(kanal: str) -> int:
    try:
        return channel(kanal, settings.ADUAN_CHANNELS).max_text
    except UnknownChannel:
        return 1000


def enqueue(report: Report, event: ReportEvent) -> int:
    """Outbox rows for ``event``, one per (kanal, address) following the case or its cluster.

    Call inside the transaction that wrote the event: the reply exists exactly when the change does."""
    if event.action not in NOTIFY:
        return 0
    root_id = report.merged_into_id if event.action != Action.MERGE and report.merged_into_id else report.pk
    cluster = Q(report_id=root_id) | Q(report__merged_into_id=root_id)
    followers = Follower.objects.filter(cluster).order_by("id")
    if event.action in (Action.MERGE, Action.ASK):
        # Only the report's own reporters: hearing that it was merged, or the question about their report.
        followers = Follower.objects.filter(report_id=report.pk).order_by("id")
    rows: dict[tuple[str, str], OutboxMessage] = {}
    for follower in followers:
        key = (follower.kanal, follower.address)
        if key in rows:
            continue
        subject, text = render(follower.kanal, report, event)
        rows[key] = OutboxMessage(
            report=report,
            event=event,
            kanal=follower.kanal,
            address=follower.address,
            name=follower.name,
            thread=follower.thread,
            subject=subject,
            body=text,
        )
    OutboxMessage.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return len(rows)


def follow(report: Report, contact: Contact) -> None:
    """``contact`` hears about ``report`` (and the case it joins) from now on."""
    Follower.objects.get_or_create(
        report=report,
        kanal=contact.kanal,
        address=contact.address[:200],
        defaults={"name": contact.name[:120], "thread": contact.thread[:300]},
    )


# ---------------------------------------------------------------- delivery (the worker)


def deliver_due(now: datetime | None = None, limit: int = 200, client: httpx.Client | None = None) -> int:
    """Send what is due; returns how many were sent. Safe to run in several workers at once."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.FAILED), next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    own_client = client is None
    client = client or httpx.Client(timeout=10.0)
    try:
        for message_id in due:
            sent += _deliver_one(message_id, now, client)
    finally:
        if own_client:
            client.close()
    return sent


def requeue(ids: list[int]) -> int:
    """An admin's "send again now" for failed or dead replies."""
    return OutboxMessage.objects.filter(
        pk__in=ids, state__in=(OutboxMessage.State.FAILED, OutboxMessage.State.DEAD)
    ).update(state=OutboxMessage.State.PENDING, next_attempt_at=timezone.now())


def _deliver_one(message_id: int, now: datetime, client: httpx.Client) -> int:
    with transaction.atomic():
        # The row stays locked while it is sent, so a second worker skips it instead of sending it twice.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.FAILED),
            )
            .select_related("report")
            .first()
        )
        if message is None:
            return 0
        message.attempts += 1
        try:
            message.provider_id = send(message, client)[:200]
        except DeliveryError as error:
            _failed(message, str(error), now, permanent=error.permanent)
            return 0
        except (httpx.HTTPError, OSError) as error:
            _failed(message, f"{type(error).__name__}: {error}", now, permanent=False)
            return 0
        message.state = OutboxMessage.State.SENT
        message.sent_at = timezone.now()
        message.error = ""
        message.save(update_fields=["state", "sent_at", "error", "attempts", "provider_id"])
        return 1


def _failed(message: OutboxMessage, error: str, now: datetime, permanent: bool) -> None:
    retries_left = message.attempts <= len(RETRY_SCHEDULE)
    if permanent or not retries_left:
        message.state = OutboxMessage.State.DEAD
    else:
        message.state = OutboxMessage.State.FAILED
        message.next_attempt_at = now + timedelta(seconds=RETRY_SCHEDULE[message.attempts - 1])
    message.error = error[:2000]
    message.save(update_fields=["state", "next_attempt_at", "error", "attempts"])
    log.warning("outbox %s (%s) %s: %s", message.pk, message.kanal, message.state, error)


def send(message: OutboxMessage, client: httpx.Client) -> str:
    """Deliver one reply: e-mail through Django's mail backend (the console in development); the other
    kanal through their provider's API, or to the console and var/outbox.log in development."""
    if message.kanal == "email":
        return _by_email(message)
    if settings.ADUAN_OUTBOX_SENDER == "console":
        return _to_console(message)
    try:
        adapter = channel(message.kanal, settings.ADUAN_CHANNELS)
    except UnknownChannel as error:
        raise DeliveryError(f"kanal {message.kanal} tidak aktif", permanent=True) from error
    outbound = OutboundMessage(
        kanal=message.kanal,
        to=Contact(message.kanal, message.address, message.name, message.thread),
        text=message.body[: adapter.max_text],
        ticket=message.report.ticket,
        subject=message.subject,
        key=f"aduan-outbox-{message.pk}",
    )
    return adapter.send(outbound, client)


def _to_console(message: OutboxMessage) -> str:
    line = f"{timezone.now().isoformat()} {message.kanal} → {message.address}: {message.body}\n"
    log.info("outbox (console) %s", line.strip())
    path = Path(settings.VAR_DIR) / "outbox.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return f"console-{message.pk}"


def _by_email(message: OutboxMessage) -> str:
    host = urlsplit(settings.ADUAN_PUBLIC_URL).hostname or "localhost"  # a Message-ID has no port
    message_id = f"<aduan-outbox-{message.pk}@{host}>"
    headers = {"Message-ID": message_id}
    if message.thread:  # a reply to the reporter's own e-mail threads under it
        headers["In-Reply-To"] = message.thread
        headers["References"] = message.thread
    email = EmailMessage(
        subject=message.subject or f"[{message.report.ticket}] Laporan Anda",
        body=message.body,
        to=[message.address],
        headers=headers,
    )
    if email.send() != 1:
        raise DeliveryError("surel tidak terkirim")
    return message_id
