"""Use cases of a report's life: submit it, then every lifecycle action; the only code that writes cases."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from aduan.channels.fields import normalize_phone
from aduan.classifier.places import mentions_elsewhere
from aduan.domain import lifecycle
from aduan.domain.calendar import working_days_between
from aduan.domain.channels import Kanal
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Action, Actor, Command, RejectReason, Status
from aduan.domain.messages import Contact
from aduan.domain.routing import (
    AuthorityGuess,
    CategoryGuess,
    NoLocationReason,
    RoutingDecision,
    RoutingPolicy,
    decide_holder,
)
from aduan.domain.similarity import Verdict
from aduan.domain.tickets import new_ticket, normalize_ticket
from aduan.models import (
    Attachment,
    Category,
    Follower,
    Officer,
    Region,
    Report,
    Reporter,
    ReportEvent,
    TrainingExample,
    Unit,
)
from aduan.services import access, classification, deadlines, duplicates, locator, lookups, outbox, photos

MAX_DESCRIPTION = 5000
DISPUTE_WINDOW_WORKING_DAYS = 10
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,20}$")


class Throttled(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "throttled",
            "Terlalu banyak laporan serupa dari pelapor yang sama dalam waktu singkat; coba lagi nanti.",
        )


class NotFound(DomainError):
    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what} tidak ditemukan.")


@dataclass
class ReporterInput:
    name: str = ""
    phone: str = ""
    email: str = ""

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip() or self.email.strip())


@dataclass
class NewReport:
    channel: str
    description: str
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    landmark: str = ""
    category: str | None = None
    visibility: str = Report.Visibility.PUBLIC
    jenis: str = ""  # empty: the classifier decides (pengaduan when there is no model)
    reporter: ReporterInput = field(default_factory=ReporterInput)
    external_id: str = ""
    # How the reporter hears back on the kanal they used (a tweet to reply to, a WhatsApp number); without
    # it, the e-mail address and phone number given in ``reporter`` are used.
    contact: Contact | None = None
    # The unit that holds the case from the start, when the caller already knows who must answer (a
    # question for the agency that owns its topic, services/knowledge.py); empty: routing decides.
    holder_code: str = ""


@dataclass
class Submitted:
    report: Report
    access_token: str | None  # only on first creation: it is stored hashed
    created: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _validate(new: NewReport) -> tuple[dict[str, str], Category | None]:
    errors: dict[str, str] = {}
    if new.channel not in Kanal.__members__.values():
        errors["channel"] = "Kanal tidak dikenal."
    description = new.description.strip()
    if not description:
        errors["description"] = "Uraian laporan wajib diisi."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Uraian terlalu panjang (maksimal {MAX_DESCRIPTION} karakter)."
    if (new.lat is None) != (new.lon is None):
        errors["lat" if new.lat is None else "lon"] = "Lintang dan bujur harus diisi bersama."
    elif new.lat is not None and not locator.valid_point(new.lat, new.lon):
        if new.lat is None or not -90 <= new.lat <= 90:
            errors["lat"] = "Lintang harus antara -90 dan 90."
        if new.lon is None or not -180 <= new.lon <= 180:
            errors["lon"] = "Bujur harus antara -180 dan 180."
    if len(new.address) > 300:
        errors["address"] = "Alamat terlalu panjang (maksimal 300 karakter)."
    if len(new.landmark) > 200:
        errors["landmark"] = "Patokan terlalu panjang (maksimal 200 karakter)."
    if new.visibility not in Report.Visibility.values:
        errors["visibility"] = "Pilih 'public' atau 'private'."
    if new.jenis and new.jenis not in Report.Jenis.values:
        errors["jenis"] = "Jenis harus pengaduan, informasi atau aspirasi."
    if len(new.external_id) > 120:
        errors["external_id"] = "external_id terlalu panjang (maksimal 120 karakter)."
    errors.update(_contact_errors(new.reporter))
    category = None
    if new.category:
        category = lookups.active_category(new.category)
        if category is None:
            errors["category"] = f"Kategori '{new.category}' tidak dikenal."
    if new.holder_code:
        given = lookups.active_unit(new.holder_code)
        if given is None or given.kind not in lifecycle.HOLDING_KINDS:
            errors["holder_code"] = f"Unit '{new.holder_code}' tidak dikenal atau tak dapat memegang laporan."
    return errors, category


def submit_report(new: NewReport) -> Submitted:
    """Validate, route and store a new report with its first event, in one transaction.

    The same (channel, external_id) twice returns the first report instead of making a second one.
    """
    errors, category = _validate(new)
    if errors:
        raise InvalidInput(errors)
    if new.external_id:
        existing = Report.objects.filter(channel=new.channel, external_id=new.external_id).first()
        if existing is not None:
            return Submitted(existing, None, False)

    flood = duplicates.flood_count(new.description, new.reporter.phone.strip(), new.reporter.email.strip())
    if flood >= duplicates.DEFAULT_POLICY.flood_refuse_at:
        raise Throttled()
    place_text = " \n".join(part for part in (new.address, new.landmark, new.description) if part.strip())
    location, region = locator.locate_report(new.lat, new.lon, place_text)
    understood = _understand(new, category)
    decision = decide_holder(location, understood.category_guess, understood.authority)
    holder = lookups.active_unit(decision.holder_code)
    if holder is None and decision.facts.get("route") == "direct":
        # The tupoksi names a unit this deployment does not have (yet): fall back to the CRM rule.
        decision = decide_holder(location, understood.category_guess, understood.authority, _CRM_ONLY)
        holder = lookups.active_unit(decision.holder_code)
    if new.holder_code:
        decision = _given_holder(decision, new.holder_code)
        holder = lookups.active_unit(new.holder_code)
    if holder is None:
        raise DomainError("configuration", f"Unit {decision.holder_code} belum ada: jalankan `aduan setup`.")

    similar = duplicates.find_similar(new.description, new.lat, new.lon, understood.category)
    if flood >= duplicates.DEFAULT_POLICY.flood_flag_at:
        # Many near-identical reports from one person: a human looks at them; they join nothing on their own.
        decision = replace(
            decision,
            needs_triage=True,
            reason=decision.reason + f" Ditandai: {flood + 1} laporan hampir sama dari pelapor yang sama.",
            facts={**decision.facts, "flood": flood + 1},
        )
    flooded = flood >= duplicates.DEFAULT_POLICY.flood_flag_at
    join = None if flooded else next((c for c in similar if c.verdict is Verdict.JOIN), None)
    if similar:
        decision = replace(
            decision,
            facts={
                **decision.facts,
                "similar": [
                    {"ticket": c.ticket, "distance_m": c.distance_m, "similarity": c.similarity}
                    for c in similar[:5]
                ],
            },
        )
    token = secrets.token_urlsafe(24)
    for attempt in range(_TICKET_ATTEMPTS):
        try:
            report = _store_new_report(new, understood, region, holder, decision, token)
        except IntegrityError:
            # Either another delivery of this (channel, external_id) won the race, or — about once in
            # 10^7 reports at a million reports — the random ticket was taken: then draw another.
            if new.external_id:
                existing = Report.objects.filter(channel=new.channel, external_id=new.external_id).first()
                if existing is not None:
                    return Submitted(existing, None, False)
            if attempt == _TICKET_ATTEMPTS - 1:
                raise
            continue
        if join is not None:
            report = _join_case(report, join)
        return Submitted(report, token, True)
    raise AssertionError("unreachable")


def _join_case(report: Report, case: duplicates.Candidate) -> Report:
    """The same problem as an open case: the new report follows that case (its reporter is told with it).

    A separate transaction after the report is stored: if it fails, the report stays as an ordinary
    case and an officer can still merge it; nothing accepted is lost."""
    reason = (
        f"Masalah yang sama dengan laporan {case.ticket} (jarak {case.distance_m:.0f} m, kemiripan teks "
        f"{case.similarity:.2f}): laporan ini mengikuti penanganan {case.ticket}."
    )
    try:
        with transaction.atomic():
            into = Report.objects.select_for_update().get(pk=case.report_id)
            merged = _perform(
                report.ticket,
                lifecycle.SYSTEM,
                Action.MERGE,
                reason=reason,
                data={
                    "merged_into": into.ticket,
                    "distance_m": case.distance_m,
                    "similarity": case.similarity,
                },
                check={"merge_into_open": into.is_open},
            )
            merged.merged_into = into
            merged.save(update_fields=["merged_into", "updated_at"])
            Report.objects.filter(pk=into.pk).update(updated_at=timezone.now())
    except DomainError:
        return report  # the case closed meanwhile: this report stands on its own
    return merged


def _given_holder(decision: RoutingDecision, code: str) -> RoutingDecision:
    """The caller named the holder: it takes the case directly; routing's own view stays in the facts."""
    return replace(
        decision,
        holder_code=code,
        reason=f"Diteruskan langsung ke {code}, unit yang membidangi topik ini.",
        facts={**decision.facts, "route": "given", "routed_to": decision.holder_code},
        copied=(),
        needs_triage=False,
        proposed_referral="",
    )


_TICKET_ATTEMPTS = 4
_CRM_ONLY = RoutingPolicy(direct_route=False)


@dataclass(frozen=True)
class _Understood:
    """What intake knows of a report's subject: from the reporter where given, else from the classifier."""

    category: Category | None
    category_confidence: float | None
    jenis: str
    kewenangan: str
    category_guess: CategoryGuess | None
    authority: AuthorityGuess | None
    classifier_facts: dict[str, Any]


def _category_guess(category: Category, confidence: float) -> CategoryGuess:
    agency = category.agency
    return CategoryGuess(
        code=category.code,
        confidence=confidence,
        kelurahan_handles=category.kelurahan_handles,
        agency_code=agency.code if agency is not None and agency.kind != "eksternal" else None,
        agency_has_suku_dinas=bool(agency and agency.has_suku_dinas),
    )


def _understand(new: NewReport, chosen: Category | None) -> _Understood:
    prediction = classification.classify(new.description)
    jenis = new.jenis or (prediction.jenis.label if prediction else Report.Jenis.PENGADUAN)
    if prediction is None:
        guess = _category_guess(chosen, 1.0) if chosen is not None else None
        return _Understood(chosen, 1.0 if chosen else None, jenis, "", guess, None, {})
    facts = {
        "category": prediction.category.label,
        "category_confidence": round(prediction.category.confidence, 3),
        "jenis": prediction.jenis.label,
        "jenis_confidence": round(prediction.jenis.confidence, 3),
        "kewenangan": prediction.kewenangan.label,
        "kewenangan_confidence": round(prediction.kewenangan.confidence, 3),
    }
    elsewhere = tuple(mentions_elsewhere(new.description))
    if elsewhere:
        facts["wilayah_luar"] = list(elsewhere)
    authority = AuthorityGuess(prediction.kewenangan.label, prediction.kewenangan.confidence, elsewhere)
    if chosen is not None:  # the reporter's choice wins; the classifier's view is kept for the officers
        return _Understood(
            chosen, 1.0, jenis, authority.kewenangan, _category_guess(chosen, 1.0), authority, facts
        )
    category = lookups.active_category(prediction.category.label)
    confidence = prediction.category.confidence
    guess = _category_guess(category, confidence) if category is not None else None
    return _Understood(category, confidence, jenis, authority.kewenangan, guess, authority, facts)


def _store_new_report(
    new: NewReport,
    understood: _Understood,
    region: Region | None,
    holder: Unit,
    decision: RoutingDecision,
    token: str,
) -> Report:
    """The report, its reporter and its first event in one transaction (no savepoint on the hot path)."""
    with transaction.atomic():
        reporter = None
        if not new.reporter.is_empty():
            reporter = Reporter.objects.create(
                name=new.reporter.name.strip(),
                phone=new.reporter.phone.strip(),
                email=new.reporter.email.strip(),
            )
        report = Report.objects.create(
            ticket=new_ticket(),
            jenis=understood.jenis,
            category=understood.category,
            category_confidence=understood.category_confidence,
            kewenangan=understood.kewenangan,
            needs_triage=decision.needs_triage,
            proposed_referral=decision.proposed_referral,
            description=new.description.strip(),
            lat=new.lat,
            lon=new.lon,
            address=new.address.strip(),
            landmark=new.landmark.strip(),
            kelurahan=region,
            status=Status.MENUNGGU,
            holder=holder,
            first_holder=holder,
            visibility=new.visibility,
            reporter=reporter,
            channel=new.channel,
            external_id=new.external_id,
            access_token_hash=hash_token(token),
            **deadlines.initial_due_dates(understood.category, understood.jenis, timezone.now()),
        )
        event = ReportEvent.objects.create(
            report=report,
            action=Action.SUBMIT,
            actor_kind=ReportEvent.ActorKind.SYSTEM,
            from_status="",
            to_status=Status.MENUNGGU,
            holder=holder,
            reason=decision.reason,
            data={
                "routing": decision.facts,
                "channel": new.channel,
                **({"classifier": understood.classifier_facts} if understood.classifier_facts else {}),
                **({"copied": list(decision.copied)} if decision.copied else {}),
            },
        )
        if decision.copied:
            report.copied_units.set(Unit.objects.filter(code__in=decision.copied))
        contacts = _contacts(new)
        if contacts:
            for contact in contacts:
                outbox.follow(report, contact)
            outbox.enqueue(report, event)  # the receipt, on every way the reporter can be reached
    return report


def _contacts(new: NewReport) -> list[Contact]:
    """Where the reporter hears back: the kanal they came on, else the e-mail and phone they gave."""
    if new.contact is not None and new.contact.address:
        return [new.contact]
    contacts = []
    if new.reporter.email.strip():
        contacts.append(Contact(Kanal.EMAIL, new.reporter.email.strip().lower(), new.reporter.name.strip()))
    if new.reporter.phone.strip():
        # As the SMS gateway writes numbers (+62…), so that a "STATUS <ticket>" reply finds this follower.
        phone = normalize_phone(new.reporter.phone) or re.sub(r"[ \-]", "", new.reporter.phone.strip())
        contacts.append(Contact(Kanal.SMS, phone, new.reporter.name.strip()))
    return contacts


# ---------------------------------------------------------------- the lifecycle actions


def officer_of(user: User | AnonymousUser) -> Officer:
    if not user.is_authenticated:
        raise DomainError("forbidden", "Silakan masuk sebagai petugas.")
    officer = Officer.objects.select_related("unit", "unit__parent").filter(user=user).first()
    if officer is None:
        raise DomainError("forbidden", "Akun ini tidak terdaftar sebagai petugas unit mana pun.")
    return officer


def get_report(ticket: str) -> Report:
    canonical = normalize_ticket(ticket)
    report = (
        Report.objects.select_related("category", "kelurahan", "holder", "holder__parent")
        .filter(ticket=canonical)
        .first()
        if canonical
        else None
    )
    if report is None:
        raise NotFound(f"Laporan {ticket}")
    return report


def _unit(code: str | None, what: str) -> Unit:
    if not code:
        raise DomainError("target_required", f"Pilih {what}.", field="target")
    unit = Unit.objects.select_related("parent").filter(code=code, active=True).first()
    if unit is None:
        raise DomainError("invalid_target", f"Unit '{code}' tidak dikenal.", field="target")
    return unit


def _perform(
    ticket: str,
    actor: Actor,
    action: Action,
    *,
    user: User | None = None,
    target: Unit | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    check: dict[str, Any] | None = None,
) -> Report:
    """Lock the case, let the domain decide, store the new state and its event, all or nothing."""
    canonical = normalize_ticket(ticket) or ""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("holder__parent", "forwarded_by__parent")
            .filter(ticket=canonical)
            .first()
        )
        if report is None:
            raise NotFound(f"Laporan {ticket}")
        before = report.state()
        command = Command(
            action=action,
            actor=actor,
            target=target.ref() if target is not None else None,
            reason=reason,
            **(check or {}),
        )
        if user is not None and actor.unit is not None:
            # The role rules (services/access.py): who validates; a head acting for a unit below theirs.
            command, acting = access.officer_command(user, report, before, command)
            actor = command.actor
            data = {**(data or {}), **acting} if acting else data
        after = lifecycle.decide(before, command)
        _store_state(report, after)
        if after.status in (Status.SELESAI, Status.DITOLAK, Status.DUPLIKAT):
            report.closed_at = timezone.now()
        elif before.status not in lifecycle.OPEN_STATUSES:
            report.closed_at = None
        if action is Action.SET_EWS and data:
            report.ews_date = date.fromisoformat(data["ews_date"])
        deadline_facts = deadlines.on_action(report, before, action, actor, data or {})
        report.save()
        actor_kind = (
            ReportEvent.ActorKind.REPORTER
            if actor.is_reporter
            else ReportEvent.ActorKind.SYSTEM
            if actor.is_system
            else ReportEvent.ActorKind.OFFICER
        )
        event = ReportEvent.objects.create(
            report=report,
            action=action,
            actor_kind=actor_kind,
            actor_user=user,
            actor_unit=Unit.objects.get(code=actor.unit.code) if actor.unit else None,
            from_status=before.status,
            to_status=after.status,
            holder=report.holder,
            target=target,
            reason=reason.strip(),
            data={**(data or {}), **deadline_facts},
        )
        outbox.enqueue(report, event)
        if action in deadlines.PING_PONG_ACTIONS:
            referral = deadlines.ping_pong_referral(report)
            if referral is not None:  # the common superior takes the case over, in this same transaction
                report = _perform(
                    report.ticket,
                    lifecycle.SYSTEM,
                    Action.REFER_UP,
                    target=referral.target,
                    reason=referral.reason,
                    data=referral.data,
                )
    return report


def system_action(
    ticket: str,
    action: Action,
    *,
    target: Unit | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Report:
    """The system acts on a case (the deadline sweep's remind and escalate): the lifecycle refuses these
    actions to anyone else."""
    return _perform(ticket, lifecycle.SYSTEM, action, target=target, reason=reason, data=data)


def _store_state(report: Report, state: lifecycle.CaseState) -> None:
    report.status = state.status
    if report.holder.code != state.holder.code:
        report.holder = Unit.objects.get(code=state.holder.code)
    if state.forwarded_by is None:
        report.forwarded_by = None
    elif report.forwarded_by is None or report.forwarded_by.code != state.forwarded_by.code:
        report.forwarded_by = Unit.objects.get(code=state.forwarded_by.code)
    report.bounces = state.bounces
    report.tl_rejections = state.tl_rejections
    report.reopens = state.reopens
    report.ews_changes = state.ews_changes
    report.binding = state.binding


def _officer_actor(user: User | AnonymousUser) -> tuple[Actor, User]:
    officer = officer_of(user)
    assert isinstance(user, User)
    return Actor(unit=officer.unit.ref()), user


def accept(ticket: str, user: User | AnonymousUser) -> Report:
    """The holder takes the case on (menunggu/koordinasi/disposisi → proses)."""
    actor, who = _officer_actor(user)
    return _perform(ticket, actor, Action.ACCEPT, user=who)


def koordinasi(ticket: str, user: User | AnonymousUser, target_code: str, reason: str) -> Report:
    """Forward the case to another unit (an OPD whose tupoksi covers it), with the reason."""
    actor, who = _officer_actor(user)
    target = _unit(target_code, "unit tujuan koordinasi")
    return _perform(ticket, actor, Action.KOORDINASI, user=who, target=target, reason=reason)


def return_case(ticket: str, user: User | AnonymousUser, reason: str) -> Report:
    """The unit a case was forwarded to sends it back to the sender, with the reason (counts a bounce)."""
    actor, who = _officer_actor(user)
    return _perform(ticket, actor, Action.RETURN, user=who, reason=reason)


def disposisi(ticket: str, user: User | AnonymousUser, target_code: str, reason: str = "") -> Report:
    """A dinas instructs one of its own suku dinas to carry the case out."""
    actor, who = _officer_actor(user)
    target = _unit(target_code, "suku dinas tujuan")
    return _perform(ticket, actor, Action.DISPOSISI, user=who, target=target, reason=reason)


def set_ews(ticket: str, user: User | AnonymousUser, ews_date: date, reason: str) -> Report:
    """Commit to a completion date for long work (estimasi waktu selesai), with the reason."""
    actor, who = _officer_actor(user)
    today = timezone.localdate()
    return _perform(
        ticket,
        actor,
        Action.SET_EWS,
        user=who,
        reason=reason,
        data={"ews_date": ews_date.isoformat()},
        check={"ews_in_future": ews_date > today},
    )


def report_followup(
    ticket: str,
    user: User | AnonymousUser,
    note: str,
    *,
    before: Sequence[photos.Photo] = (),
    after: Sequence[photos.Photo] = (),
) -> Report:
    """The holder reports what was done (the tindak lanjut); it waits for the Biro's validation.

    ``before`` and ``after`` are photos already checked by ``photos.prepare``; they are stored with the
    event in its transaction, the "sesudah" ones flagged when their place or time does not fit the report.
    Whether a photo is required is the caller's rule (services/casework.py: ``post_followup``)."""
    actor, who = _officer_actor(user)
    if not before and not after:
        return _perform(ticket, actor, Action.REPORT_FOLLOWUP, user=who, reason=note)
    with photos.stored_atomically():
        report = _perform(
            ticket,
            actor,
            Action.REPORT_FOLLOWUP,
            user=who,
            reason=note,
            data={"photos": {"sebelum": len(before), "sesudah": len(after)}},
        )
        event = ReportEvent.objects.filter(report=report).order_by("-id").first()  # ours: the case is locked
        for photo in before:
            photos.attach(report, event, photo, Attachment.Kind.BEFORE)
        for photo in after:
            photos.attach(report, event, photo, Attachment.Kind.AFTER)
    return report


def validate(ticket: str, user: User | AnonymousUser, note: str = "") -> Report:
    """The Biro Pemerintahan accepts the follow-up: the case is selesai."""
    actor, who = _officer_actor(user)
    return _perform(ticket, actor, Action.VALIDATE, user=who, reason=note)


def reject_followup(ticket: str, user: User | AnonymousUser, reason: str) -> Report:
    """TL Ditolak: the follow-up goes back to the same holder to redo, counted against it."""
    actor, who = _officer_actor(user)
    return _perform(ticket, actor, Action.REJECT_FOLLOWUP, user=who, reason=reason)


def recategorise(
    ticket: str,
    user: User | AnonymousUser,
    category_code: str,
    jenis: str = "",
    kewenangan: str = "",
    reason: str = "",
) -> Report:
    """An officer sets the case's category (and jenis, kewenangan): the one-click triage decision or a
    correction. It clears the triage flag and becomes a labelled example for the next retraining."""
    actor, who = _officer_actor(user)
    category = lookups.active_category(category_code)
    errors = {}
    if category is None:
        errors["category"] = f"Kategori '{category_code}' tidak dikenal."
    if jenis and jenis not in Report.Jenis.values:
        errors["jenis"] = "Jenis harus pengaduan, informasi atau aspirasi."
    if kewenangan and kewenangan not in ("dki", "luar"):
        errors["kewenangan"] = "Kewenangan harus dki atau luar."
    if errors:
        raise InvalidInput(errors)
    assert category is not None
    with transaction.atomic():
        before = (
            Report.objects.filter(ticket=normalize_ticket(ticket) or "")
            .values("category__code", "jenis", "kewenangan", "needs_triage")
            .first()
        )
        if before is None:
            raise NotFound(f"Laporan {ticket}")
        was_triage = before["needs_triage"]
        report = _perform(
            ticket,
            actor,
            Action.RECATEGORISE,
            user=who,
            reason=reason,
            data={
                "category": category.code,
                "jenis": jenis or before["jenis"],
                "kewenangan": kewenangan or before["kewenangan"] or "dki",
                "was": {k: before[k] for k in ("category__code", "jenis", "kewenangan")},
            },
        )
        report.category = category
        report.category_confidence = 1.0
        report.jenis = jenis or report.jenis
        report.kewenangan = kewenangan or report.kewenangan or "dki"
        report.needs_triage = False
        report.save(update_fields=["category", "category_confidence", "jenis", "kewenangan", "needs_triage"])
        classification.record_decision(
            report,
            category.code,
            report.jenis,
            report.kewenangan,
            TrainingExample.Source.TRIAGE if was_triage else TrainingExample.Source.RECATEGORISE,
        )
    return report


def reject(
    ticket: str, user: User | AnonymousUser, reject_reason: str, reason: str, referral: str = ""
) -> Report:
    """Close an open case as spam, not a report, or outside Pemprov DKI's authority (with a referral)."""
    actor, who = _officer_actor(user)
    try:
        why = RejectReason(reject_reason)
    except ValueError:
        raise DomainError(
            "invalid_input",
            "Alasan penolakan harus spam, bukan_laporan atau luar_kewenangan.",
            "reject_reason",
        ) from None
    with transaction.atomic():
        report = _perform(
            ticket,
            actor,
            Action.REJECT,
            user=who,
            reason=reason,
            data={"reject_reason": str(why), "referral": referral.strip()},
            check={"reject_reason": why, "referral": referral},
        )
        if why is RejectReason.OUTSIDE_AUTHORITY:
            # Confirming that a matter is not Pemprov DKI's is the kewenangan signal the classifier learns.
            report.kewenangan = "luar"
            report.save(update_fields=["kewenangan"])
            category = report.category.code if report.category is not None else "LAINNYA"
            classification.record_decision(
                report, category, report.jenis, "luar", TrainingExample.Source.REFERRAL
            )
    return report


def merge(ticket: str, user: User | AnonymousUser, into_ticket: str, reason: str = "") -> Report:
    """Mark the case as a duplikat of another open case; its reporters follow that case from now on."""
    actor, who = _officer_actor(user)
    into_canonical = normalize_ticket(into_ticket)
    with transaction.atomic():
        into = (
            Report.objects.select_for_update().filter(ticket=into_canonical).first()
            if into_canonical
            else None
        )
        if into is None:
            raise DomainError("invalid_target", f"Laporan {into_ticket} tidak ditemukan.", field="into")
        is_valid_target = into.is_open and into.ticket != normalize_ticket(ticket)
        report = _perform(
            ticket,
            actor,
            Action.MERGE,
            user=who,
            reason=reason,
            data={"merged_into": into.ticket},
            check={"merge_into_open": is_valid_target},
        )
        report.merged_into = into
        report.save(update_fields=["merged_into", "updated_at"])
        # Reports merged into this one earlier now follow the surviving case directly.
        now = timezone.now()
        Report.objects.filter(merged_into=report).update(merged_into=into, updated_at=now)
        # The surviving case's cluster changed: its public view must not be served from a cache.
        Report.objects.filter(pk=into.pk).update(updated_at=now)
    return report


def add_comment(ticket: str, text: str, kanal: str, external_id: str = "") -> Report:
    """The reporter's reply on their kanal lands on the case as a comment; the status does not change."""
    text = text.strip()[:MAX_DESCRIPTION]
    if not text:
        raise InvalidInput({"description": "Tanggapan kosong."})
    return _perform(
        ticket,
        lifecycle.REPORTER,
        Action.COMMENT,
        reason=text,
        data={"kanal": kanal, **({"external_id": external_id} if external_id else {})},
    )


def token_matches(token_hash: str, token: str) -> bool:
    return bool(token) and bool(token_hash) and hmac.compare_digest(token_hash, hash_token(token))


def check_access_token(report: Report, token: str) -> bool:
    return token_matches(report.access_token_hash, token)


def dispute(ticket: str, access_token: str, reason: str) -> Report:
    """The reporter disputes a selesai case within 10 working days: it is reopened (counted)."""
    report = get_report(ticket)
    if not check_access_token(report, access_token):
        raise DomainError("forbidden", "Tautan pelapor tidak valid untuk laporan ini.")
    return dispute_as_reporter(report.ticket, reason)


def allowed_actions(report: Report, user: User | AnonymousUser) -> list[Action]:
    try:
        officer = officer_of(user)
    except DomainError:
        return []
    return access.allowed_actions(officer, report)


def project(report: Report) -> lifecycle.CaseState:
    """The case's state rebuilt from its events alone; equals ``report.state()`` unless history is corrupt."""
    events = []
    for row in report.events.select_related(
        "actor_unit__parent", "target__parent", "holder__parent"
    ).order_by("id"):
        action = Action(row.action)
        if row.actor_kind == ReportEvent.ActorKind.REPORTER:
            actor = lifecycle.REPORTER
        elif row.actor_kind == ReportEvent.ActorKind.SYSTEM:
            actor = lifecycle.SYSTEM
        else:
            actor = Actor(unit=row.actor_unit.ref() if row.actor_unit else None)
        reject_reason = row.data.get("reject_reason")
        command = Command(
            action=action,
            actor=actor,
            target=row.target.ref() if row.target else None,
            reason=row.reason,
            reject_reason=RejectReason(reject_reason) if reject_reason else None,
            referral=row.data.get("referral", ""),
            # These were checked against the clock and other cases when the event was accepted.
            merge_into_open=True,
            within_dispute_window=True,
            ews_in_future=True,
        )
        events.append(lifecycle.Event(action, command, row.holder.ref()))
    return lifecycle.replay(report.first_holder.ref(), events)


def cluster_ticket(report: Report) -> str | None:
    """The ticket of the case this report's cluster is worked under, or None for a lone report."""
    if report.merged_into_id:
        return Report.objects.filter(pk=report.merged_into_id).values_list("ticket", flat=True).first()
    if Report.objects.filter(merged_into=report).exists():
        return report.ticket
    return None


# ---------------------------------------------------------------- asking the reporter (the masked relay)

MAX_QUESTION = 1000


def ask(ticket: str, user: User | AnonymousUser, question: str) -> Report:
    """The holder asks the reporter for details. The outbox sends the question on each kanal the
    reporter follows the case on, so the officer never needs (nor sees, on a private report) who they
    are; the answer comes back as a comment (a reply on the kanal, or the answer page)."""
    actor, who = _officer_actor(user)
    question = question.strip()
    if len(question) > MAX_QUESTION:
        raise InvalidInput({"reason": f"Pertanyaan terlalu panjang (maksimal {MAX_QUESTION} karakter)."})
    return _perform(ticket, actor, Action.ASK, user=who, reason=question)


def answer(ticket: str, question_id: int, text: str, kanal: str = "web") -> Report:
    """The reporter's answer to one question (``question_id``: its ask event), as a comment that names it.

    The caller has checked that this is the reporter (services/casework.py: ``answer``)."""
    text = text.strip()
    if not text:
        raise InvalidInput({"answer": "Jawaban wajib diisi."})
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput({"answer": f"Jawaban terlalu panjang (maksimal {MAX_DESCRIPTION} karakter)."})
    return _perform(
        ticket,
        lifecycle.REPORTER,
        Action.COMMENT,
        reason=text,
        data={"kanal": kanal, "answers": question_id},
    )


# ---------------------------------------------------------------- the citizen's web report (issue 6)

# Where a photo's GPS may stand for the report's point: DKI Jakarta with Kepulauan Seribu (south, north,
# west, east). Where kelurahan polygons are imported, the point must also fall in one of them.
JAKARTA_BOUNDS = (-6.45, -5.10, 106.30, 107.05)
MIN_SUGGEST_CHARS = 12


@dataclass(frozen=True)
class CategorySuggestion:
    code: str
    name: str
    confidence: float


def suggest_categories(text: str, limit: int = 3) -> list[CategorySuggestion]:
    """The active classifier's ``limit`` likeliest active categories for ``text``, most likely first.

    Empty while no model is trained, for a text too short to say anything, or one with no word the model
    knows (its guess would only be the prior)."""
    text = text.strip()[:MAX_DESCRIPTION]
    if len(text) < MIN_SUGGEST_CHARS:
        return []
    classifier = classification.active_classifier()
    if classifier is None:
        return []
    matrix = classifier.featuriser.transform([text])
    if not matrix.nnz:
        return []
    model = classifier.heads["category"]
    probabilities = model.predict_proba(matrix)[0]
    ranked = sorted(zip(model.classes_, probabilities, strict=True), key=lambda pair: -pair[1])
    suggestions = []
    for label, probability in ranked:
        category = lookups.active_category(str(label))
        if category is not None:
            suggestions.append(CategorySuggestion(category.code, category.name, round(float(probability), 3)))
        if len(suggestions) == limit:
            break
    return suggestions


def photo_point(prepared: Sequence[photos.Photo]) -> tuple[float, float] | None:
    """The first photo's EXIF place when it lies in Jakarta: the report's point when none was given."""
    if not prepared or prepared[0].lat is None or prepared[0].lon is None:
        return None
    lat, lon = prepared[0].lat, prepared[0].lon
    south, north, west, east = JAKARTA_BOUNDS
    if not (south <= lat <= north and west <= lon <= east):
        return None
    located, _region = locator.locate(lat, lon)
    if located.no_location_reason is NoLocationReason.OUTSIDE_JAKARTA:  # outside every imported polygon
        return None
    return lat, lon


def submit_with_photos(new: NewReport, prepared: Sequence[photos.Photo]) -> Submitted:
    """``submit_report`` and the reporter's photos (already checked by ``photos.prepare_all``) in one
    transaction: the report exists with all its photos or not at all."""
    if not prepared:
        return submit_report(new)
    with photos.stored_atomically():
        result = submit_report(new)
        first = ReportEvent.objects.filter(report=result.report).order_by("id").first()
        for photo in prepared:
            photos.attach(result.report, first, photo, Attachment.Kind.REPORT)
    return result


def _contact_errors(reporter: ReporterInput) -> dict[str, str]:
    errors = {}
    if len(reporter.name) > 120:
        errors["reporter.name"] = "Nama terlalu panjang (maksimal 120 karakter)."
    if reporter.phone and not _PHONE.match(reporter.phone.strip()):
        errors["reporter.phone"] = "Nomor telepon tidak valid."
    if reporter.email:
        try:
            validate_email(reporter.email.strip())
        except ValidationError:
            errors["reporter.email"] = "Alamat surel tidak valid."
    return errors


ALSO_REPORTED_NOTE = "Warga lain melaporkan masalah yang sama dan mengikuti laporan ini."


def follow_existing(ticket: str, reporter: ReporterInput) -> Report:
    """The resident says "ini masalah saya juga": instead of a new report, they follow an open public case.

    Their e-mail and phone become followers of the case (they hear about it as its reporter does); the case
    gets a note that another resident reported the same, once per new follower (or once per call without
    a contact). No new report is made. Private or closed cases cannot be followed this way."""
    errors = _contact_errors(reporter)
    if errors:
        raise InvalidInput(errors)
    report = get_report(ticket)
    if report.visibility != Report.Visibility.PUBLIC or not report.is_open:
        raise DomainError(
            "not_followable",
            f"Laporan {report.ticket} sudah ditutup atau tidak publik; silakan kirim laporan baru.",
            field="follow",
        )
    contacts = _contacts(NewReport(channel=Kanal.WEB, description="", reporter=reporter))
    with transaction.atomic():
        added = 0
        for contact in contacts:
            _follower, created = Follower.objects.get_or_create(
                report=report,
                kanal=contact.kanal,
                address=contact.address[:200],
                defaults={"name": contact.name[:120], "thread": contact.thread[:300]},
            )
            added += created
        if added or not contacts:
            report = _perform(
                report.ticket,
                lifecycle.REPORTER,
                Action.COMMENT,
                reason=ALSO_REPORTED_NOTE,
                data={"kanal": Kanal.WEB.value, "also_reported": True, "followers_added": added},
            )
    return report


def dispute_as_reporter(ticket: str, reason: str) -> Report:
    """``dispute`` for a caller that has verified the reporter another way: the signed link the closing
    message carries (services/reviews.py), since the private token is stored only hashed."""
    report = get_report(ticket)
    closed = timezone.localdate(report.closed_at) if report.closed_at else timezone.localdate()
    within = working_days_between(closed, timezone.localdate()) <= DISPUTE_WINDOW_WORKING_DAYS
    return _perform(
        report.ticket,
        lifecycle.REPORTER,
        Action.DISPUTE,
        reason=reason,
        check={"within_dispute_window": within},
    )
