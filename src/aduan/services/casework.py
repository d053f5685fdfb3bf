"""Casework beyond the plain lifecycle actions: follow-up with evidence, the reporter's answers, suggestions,
response templates and what the case and validation pages read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from aduan.domain import lifecycle
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import Action, Actor, Command
from aduan.models import Attachment, Follower, Report, ReportEvent, ResponseTemplate, Unit
from aduan.services import access, duplicates, photos, relay, reports
from aduan.services.reports import NotFound

Upload = bytes | IO[bytes]

# Jenis whose follow-up must show the result: a complaint is fixed where it was reported. A question
# (informasi) is answered in words and a suggestion (aspirasi) is responded to; photos are optional there.
PHOTO_REQUIRED_JENIS = frozenset({Report.Jenis.PENGADUAN})


# ---------------------------------------------------------------- follow-up with before/after photos


def post_followup(
    ticket: str,
    user: User | AnonymousUser,
    note: str,
    before: Sequence[Upload] = (),
    after: Sequence[Upload] = (),
) -> Report:
    """The holder reports the follow-up with its evidence: photos before and after the work.

    A pengaduan needs at least one "sesudah" photo: the Biro validates what it can see. Every photo is
    checked and re-encoded before anything is written; a bad one is refused with the field it came in
    ("before"/"after") and nothing is stored. The lifecycle is asked first, so an officer who may not act
    hears that rather than a complaint about photos."""
    report = reports.get_report(ticket)
    _check_allowed(report, user, Action.REPORT_FOLLOWUP, note)
    errors: dict[str, str] = {}
    prepared: dict[str, list[photos.Photo]] = {"before": [], "after": []}
    for name, uploads, label in (("before", before, "Foto sebelum"), ("after", after, "Foto sesudah")):
        try:
            prepared[name] = photos.prepare_all(list(uploads), name, label)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if report.jenis in PHOTO_REQUIRED_JENIS and not after and "after" not in errors:
        errors["after"] = (
            "Lampirkan sedikitnya satu foto sesudah penanganan: Biro Pemerintahan memvalidasi tindak lanjut "
            "pengaduan dari foto."
        )
    if errors:
        raise InvalidInput(errors)
    return reports.report_followup(
        report.ticket, user, note, before=prepared["before"], after=prepared["after"]
    )


def _check_allowed(report: Report, user: User | AnonymousUser, action: Action, reason: str) -> None:
    """Refuse early, with the lifecycle's own message, what the locked action would refuse anyway."""
    officer = reports.officer_of(user)
    state = report.state()
    if action not in access.allowed_actions(officer, report):
        # The lifecycle's message (another unit holds it, the wrong status) when it has one, else the role's.
        lifecycle.decide(state, Command(action, Actor(unit=officer.unit.ref()), reason=reason or "-"))
        raise DomainError("forbidden", "Peran Anda tidak dapat melakukan tindakan ini pada laporan ini.")
    lifecycle.decide(state, Command(action, Actor(unit=report.holder.ref()), reason=reason))  # the arguments


# ---------------------------------------------------------------- asking the reporter, and the answer


@dataclass(frozen=True)
class Question:
    event_id: int
    text: str
    asked_at: datetime
    unit_name: str
    answered: bool


def questions(report: Report) -> list[Question]:
    """The officers' questions on the case, oldest first; one counts as answered once the reporter
    commented after it (on any kanal, or through the answer page)."""
    rows = list(
        report.events.filter(action__in=(Action.ASK, Action.COMMENT))
        .select_related("actor_unit")
        .order_by("id")
    )
    result = []
    for number, event in enumerate(rows):
        if event.action != Action.ASK:
            continue
        answered = any(later.action == Action.COMMENT for later in rows[number + 1 :])
        unit_name = event.actor_unit.name if event.actor_unit else ""
        result.append(Question(event.pk, event.reason, event.created_at, unit_name, answered))
    return result


def question_by_key(key: str) -> tuple[Report, Question]:
    """The case and the question an answer link's key names; NotFound for a wrong or forged key."""
    event_id = relay.key_event_id(key)
    event = (
        ReportEvent.objects.select_related("report").filter(pk=event_id, action=Action.ASK).first()
        if event_id is not None
        else None
    )
    if event is None or not relay.key_matches(key, event.pk, event.report.ticket):
        raise NotFound("Pertanyaan")
    report = reports.get_report(event.report.ticket)
    question = next(q for q in questions(report) if q.event_id == event.pk)
    return report, question


def answer(ticket: str, text: str, *, token: str = "", key: str = "") -> Report:
    """The reporter answers an officer's question on the web: with the private link's token (the latest
    question is answered) or with the key of the link in the question's message (that question)."""
    if key:
        report, question = question_by_key(key)
        if report.ticket != reports.get_report(ticket).ticket:
            raise DomainError("forbidden", "Tautan jawaban tidak berlaku untuk laporan ini.")
        return reports.answer(report.ticket, question.event_id, text)
    report = reports.get_report(ticket)
    if not reports.check_access_token(report, token):
        raise DomainError("forbidden", "Tautan pelapor tidak valid untuk laporan ini.")
    asked = questions(report)
    if not asked:
        raise DomainError("no_question", "Tidak ada pertanyaan petugas pada laporan ini.")
    open_ = [q for q in asked if not q.answered]
    return reports.answer(report.ticket, (open_ or asked)[-1].event_id, text)


def reporter_kanal(report: Report) -> list[str]:
    """The kanal the reporter can be asked on (never their addresses): the report's own followers."""
    return list(
        Follower.objects.filter(report=report).order_by("kanal").values_list("kanal", flat=True).distinct()
    )


# ---------------------------------------------------------------- suggestions for the action forms


@dataclass(frozen=True)
class Suggestion:
    unit_code: str
    unit_name: str
    reason: str  # the tupoksi text that makes the unit the right one


def suggest_koordinasi(report: Report) -> Suggestion | None:
    """The unit whose tupoksi covers the case's category: the category's agency, or for an agency with
    suku dinas the one of the report's kota. None without a category, for a category the kelurahan
    handles itself, or when the case already sits there."""
    category = report.category
    agency = category.agency if category is not None else None
    if category is None or agency is None:
        return None
    units = Unit.objects.filter(agency=agency, active=True).select_related("region")
    unit = None
    kota = _kota_code(report)
    if agency.has_suku_dinas and kota:
        unit = units.filter(kind=lifecycle.UnitKind.SUKU_DINAS, region__code=kota).first()
    if unit is None:
        unit = units.exclude(kind=lifecycle.UnitKind.SUKU_DINAS).order_by("code").first()
    if unit is None or unit.pk == report.holder_id:
        return None
    parts = [f"Kategori {category.name}" + (f": {category.scope}" if category.scope else "") + "."]
    if agency.scope:
        parts.append(f"Tupoksi {agency.name}: {agency.scope}.")
    return Suggestion(unit.code, unit.name, " ".join(parts))


def _kota_code(report: Report) -> str:
    kelurahan = report.kelurahan
    if kelurahan is None or kelurahan.parent_id is None:
        return ""
    kecamatan = kelurahan.parent
    return kecamatan.parent.code if kecamatan is not None and kecamatan.parent is not None else ""


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    text: str


def response_templates(report: Report) -> dict[str, list[TemplateChoice]]:
    """Active templates by action: those of the case's category first, then those for any category.

    ``{tiket}``, ``{kategori}`` and ``{unit}`` in a template become the case's ticket, category and
    holder."""
    rows = ResponseTemplate.objects.filter(active=True).filter(
        Q(category__isnull=True) | Q(category_id=report.category_id)
    )
    values = {
        "tiket": report.ticket,
        "kategori": report.category.name if report.category else "",
        "unit": report.holder.name,
    }
    result: dict[str, list[TemplateChoice]] = {}
    for row in sorted(rows, key=lambda r: (r.category_id is None, r.name)):
        text = row.text
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        result.setdefault(row.action, []).append(TemplateChoice(row.name, text))
    return result


# A few ready answers in Indonesian, created by `aduan setup`; admins edit, add and deactivate them.
SEED_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    (
        Action.ASK,
        "Minta lokasi yang tepat",
        "Mohon kirimkan alamat lengkap atau patokan terdekat (nama gang, nomor rumah, atau bangunan di "
        "dekatnya) agar petugas dapat menemukan lokasinya.",
    ),
    (
        Action.ASK,
        "Minta foto kondisi terkini",
        "Mohon kirimkan foto kondisi terkini di lokasi agar kami dapat menilai penanganan yang diperlukan.",
    ),
    (
        Action.ASK,
        "Minta waktu kejadian",
        "Sejak kapan masalah ini terjadi, dan pada jam berapa biasanya terjadi?",
    ),
    (
        Action.KOORDINASI,
        "Sesuai tupoksi instansi tujuan",
        "Penanganan masalah ini termasuk tugas pokok dan fungsi instansi tujuan, bukan {unit}. "
        "Mohon ditindaklanjuti.",
    ),
    (
        Action.RETURN,
        "Bukan tupoksi kami",
        "Laporan {tiket} tidak termasuk tugas pokok dan fungsi kami. Mohon diteruskan ke instansi yang "
        "berwenang.",
    ),
    (
        Action.SET_EWS,
        "Menunggu pengadaan",
        "Perbaikan memerlukan pengadaan material dan anggaran; pekerjaan dijadwalkan dan diperkirakan "
        "selesai pada tanggal EWS.",
    ),
    (
        Action.REPORT_FOLLOWUP,
        "Perbaikan selesai",
        "Telah dilakukan perbaikan di lokasi laporan. Foto sebelum dan sesudah penanganan terlampir.",
    ),
    (
        Action.REPORT_FOLLOWUP,
        "Peninjauan dan penertiban",
        "Petugas telah meninjau lokasi dan menertibkan masalah yang dilaporkan. Foto sesudah penanganan "
        "terlampir.",
    ),
    (
        Action.VALIDATE,
        "Tindak lanjut sesuai",
        "Tindak lanjut sesuai dengan laporan dan bukti foto memadai.",
    ),
    (
        Action.REJECT_FOLLOWUP,
        "Foto tidak sesuai lokasi",
        "Foto sesudah tidak menunjukkan lokasi laporan (tempat atau waktu pengambilan foto tidak sesuai). "
        "Mohon lampirkan foto dari lokasi laporan setelah penanganan.",
    ),
    (
        Action.REJECT_FOLLOWUP,
        "Belum tuntas",
        "Tindak lanjut belum menyelesaikan masalah yang dilaporkan. Mohon ditangani sampai tuntas.",
    ),
    (
        Action.REJECT,
        "Di luar kewenangan Pemprov DKI",
        "Permasalahan ini di luar kewenangan Pemerintah Provinsi DKI Jakarta. Silakan sampaikan kepada "
        "instansi berwenang yang disebutkan.",
    ),
    (
        Action.REJECT,
        "Bukan laporan",
        "Pesan ini tidak berisi laporan atau pertanyaan yang dapat ditindaklanjuti.",
    ),
    (
        Action.MERGE,
        "Sudah dilaporkan",
        "Masalah yang sama sudah dilaporkan dan ditangani dalam laporan lain; perkembangannya dapat dipantau "
        "di sana.",
    ),
)


@transaction.atomic
def seed_response_templates() -> int:
    """Create the seed templates that are missing (by action and name, for any category); returns how
    many were created. An admin's edits and deactivations stay; a deleted one comes back, so deactivate."""
    created = 0
    for action, name, text in SEED_TEMPLATES:
        _, new = ResponseTemplate.objects.get_or_create(
            action=action, name=name, category=None, defaults={"text": text}
        )
        created += new
    return created


# ---------------------------------------------------------------- what the case page reads


@dataclass
class FollowupPhotos:
    event: ReportEvent
    before: list[Attachment] = field(default_factory=list)
    after: list[Attachment] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        return [a.flag for a in self.after if a.flag]


@dataclass
class CasePhotos:
    report: list[Attachment]
    followups: list[FollowupPhotos]  # newest first

    def for_event(self, event_id: int) -> FollowupPhotos | None:
        return next((f for f in self.followups if f.event.pk == event_id), None)


def case_photos(report: Report) -> CasePhotos:
    """The report's own photos, and each follow-up's before/after photos with their flags."""
    followups = {
        e.pk: FollowupPhotos(e) for e in report.events.filter(action=Action.REPORT_FOLLOWUP).order_by("-id")
    }
    own: list[Attachment] = []
    for attachment in report.attachments.order_by("id"):
        group = followups.get(attachment.event_id) if attachment.event_id else None
        if group is None:
            own.append(attachment)
        elif attachment.kind == Attachment.Kind.BEFORE:
            group.before.append(attachment)
        else:
            group.after.append(attachment)
    return CasePhotos(own, list(followups.values()))


@dataclass(frozen=True)
class ClusterLink:
    ticket: str
    status: str
    relation: str  # "into": this case was merged into it; "member": merged into this case


def cluster(report: Report) -> list[ClusterLink]:
    links = []
    if report.merged_into_id:
        into = Report.objects.filter(pk=report.merged_into_id).values_list("ticket", "status").first()
        if into is not None:
            links.append(ClusterLink(into[0], into[1], "into"))
    for ticket, status in report.merged_reports.order_by("id").values_list("ticket", "status"):
        links.append(ClusterLink(ticket, status, "member"))
    return links


def similar(report: Report, limit: int = 10) -> list[duplicates.Candidate]:
    """Open reports of the same category nearby with alike text, those already in the cluster left out."""
    if not report.is_open:
        return []
    in_cluster = {link.ticket for link in cluster(report)}
    candidates = duplicates.find_similar(
        report.description, report.lat, report.lon, report.category, exclude_id=report.pk
    )
    return [c for c in candidates if c.ticket not in in_cluster][:limit]


# ---------------------------------------------------------------- the Biro's validation queue


@dataclass
class AwaitingValidation:
    report: Report
    followup: FollowupPhotos | None
    since: datetime | None

    @property
    def flags(self) -> list[str]:
        if self.followup is None or not self.followup.after:
            return ["Tidak ada foto sesudah penanganan."]
        return self.followup.flags


def awaiting_validation(limit: int = 50) -> tuple[list[AwaitingValidation], int]:
    """Follow-ups waiting for validation, the longest waiting first, with their latest follow-up's photos;
    and how many wait in all. Three queries whatever the number of cases."""
    followups = ReportEvent.objects.filter(report=OuterRef("pk"), action=Action.REPORT_FOLLOWUP).order_by(
        "-id"
    )
    waiting = Report.objects.filter(status=lifecycle.Status.MENUNGGU_VALIDASI)
    total = waiting.count()
    cases = list(
        waiting.annotate(
            followup_id=Subquery(followups.values("id")[:1]),
            followup_at=Subquery(followups.values("created_at")[:1]),
        )
        .select_related("category", "kelurahan", "holder")
        .order_by("followup_at", "id")[:limit]
    )
    events = ReportEvent.objects.select_related("actor_unit", "actor_user").in_bulk(
        [c.followup_id for c in cases if c.followup_id]
    )
    groups = {pk: FollowupPhotos(event) for pk, event in events.items()}
    for attachment in Attachment.objects.filter(event_id__in=list(groups)).order_by("id"):
        group = groups[attachment.event_id]
        (group.before if attachment.kind == Attachment.Kind.BEFORE else group.after).append(attachment)
    items = [
        AwaitingValidation(
            case,
            groups.get(case.followup_id),
            case.followup_at,
        )
        for case in cases
    ]
    return items, total
