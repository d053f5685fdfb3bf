"""Persistence of Aduan's nouns (DESIGN.md §4); only the services write them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aduan.domain import lifecycle
from aduan.domain.channels import LABELS as KANAL_LABELS
from aduan.domain.channels import Kanal
from aduan.domain.lifecycle import Action, Status, UnitKind


class Region(models.Model):
    """A wilayah: kota/kabupaten administrasi, kecamatan or kelurahan, by its Kemendagri code."""

    class Level(models.TextChoices):
        KOTA = "kota", "Kota/Kabupaten Administrasi"
        KECAMATAN = "kecamatan", "Kecamatan"
        KELURAHAN = "kelurahan", "Kelurahan"

    code = models.CharField("kode", max_length=16, unique=True)
    name = models.CharField("nama", max_length=120)
    level = models.CharField("tingkat", max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    postal_code = models.CharField("kode pos", max_length=5, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RegionBoundary(models.Model):
    """A region's polygon as GeoJSON, set by `aduan import-boundaries`; kept apart so that loading a
    Region (on every report) never drags kilobytes of coordinates along."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="boundary")
    geometry = models.TextField("geometri (GeoJSON)")

    class Meta:
        verbose_name = "batas wilayah"
        verbose_name_plural = "batas wilayah"

    def __str__(self) -> str:
        return str(self.region)


class Agency(models.Model):
    """A perangkat daerah (dinas, badan, BUMD, …) with the duties (scope) of the tupoksi table."""

    code = models.CharField("kode", max_length=32, unique=True)
    name = models.CharField("nama", max_length=200)
    kind = models.CharField("jenis", max_length=20)
    has_suku_dinas = models.BooleanField("punya suku dinas", default=False)
    scope = models.TextField("tupoksi", blank=True)

    class Meta:
        verbose_name = "perangkat daerah"
        verbose_name_plural = "perangkat daerah"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisational unit that can hold a case (kelurahan, suku dinas, dinas, …) or validate one."""

    code = models.CharField("kode", max_length=40, unique=True)
    name = models.CharField("nama", max_length=200)
    kind = models.CharField("jenis", max_length=20, choices=[(k.value, k.value) for k in UnitKind])
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="units")
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "unit"
        verbose_name_plural = "unit"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ref(self) -> lifecycle.UnitRef:
        parent_code = self.parent.code if self.parent_id else None
        return lifecycle.UnitRef(self.code, UnitKind(self.kind), parent_code)


class Category(models.Model):
    """A kind of problem with the agency whose duty it is and its completion deadline (tupoksi)."""

    class KelurahanHandles(models.TextChoices):
        YES = "yes", "ya"
        MINOR = "minor", "hanya yang ringan"
        NO = "no", "tidak"

    code = models.CharField("kode", max_length=32, unique=True)
    name = models.CharField("nama", max_length=120)
    name_en = models.CharField("nama (English)", max_length=120, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, help_text="kosong: ditangani kelurahan"
    )
    kelurahan_handles = models.CharField(
        "ditangani kelurahan", max_length=8, choices=KelurahanHandles.choices, default=KelurahanHandles.NO
    )
    sla_days = models.PositiveSmallIntegerField("batas penyelesaian (hari)", default=7)
    duplicate_radius_m = models.PositiveIntegerField(
        "radius laporan ganda (m)",
        default=250,
        help_text="laporan terbuka sekategori dalam radius ini dibandingkan",
    )
    scope = models.TextField("cakupan", blank=True)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "kategori"
        verbose_name_plural = "kategori"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """An account's place in the organisation: the unit it works for and its role there."""

    class Role(models.TextChoices):
        OFFICER = "officer", "petugas"
        HEAD = "head", "kepala unit"
        VALIDATOR = "validator", "validator"
        SUPERVISOR = "supervisor", "pengawas"
        ADMIN = "admin", "admin"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="officers")
    role = models.CharField("peran", max_length=12, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        verbose_name = "petugas"
        verbose_name_plural = "petugas"

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit.code}"


class Reporter(models.Model):
    """The person behind a report. Never shown in public views; hidden from officers on private reports."""

    name = models.CharField("nama", max_length=120, blank=True)
    phone = models.CharField("telepon", max_length=32, blank=True)
    email = models.EmailField("surel", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pelapor"
        verbose_name_plural = "pelapor"

    def __str__(self) -> str:
        return f"Pelapor #{self.pk}"


class Report(models.Model):
    """A laporan: one case, worked by its holder unit; its state is the projection of its events."""

    class Jenis(models.TextChoices):
        PENGADUAN = "pengaduan", "pengaduan"
        INFORMASI = "informasi", "permintaan informasi"
        ASPIRASI = "aspirasi", "aspirasi"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "publik"
        PRIVATE = "private", "rahasia"

    ticket = models.CharField("nomor tiket", max_length=12, unique=True)
    jenis = models.CharField(max_length=12, choices=Jenis.choices, default=Jenis.PENGADUAN)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField("uraian")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField("alamat", max_length=300, blank=True)
    landmark = models.CharField("patokan", max_length=200, blank=True)
    kelurahan = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in Status])
    holder = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="held_reports")
    first_holder = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    forwarded_by = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    channel = models.CharField("kanal", max_length=20, choices=[(k.value, KANAL_LABELS[k]) for k in Kanal])
    external_id = models.CharField("id di kanal asal", max_length=120, blank=True)
    access_token_hash = models.CharField(max_length=64, blank=True)
    # The case a duplikat was merged into; every report of a cluster follows that case.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_reports"
    )
    ews_date = models.DateField("estimasi waktu selesai", null=True, blank=True)
    # What routing knew: how sure the category is, whether it is Pemprov DKI's matter, and what is open.
    category_confidence = models.FloatField(null=True, blank=True)
    kewenangan = models.CharField(max_length=8, blank=True, choices=[("dki", "DKI"), ("luar", "luar DKI")])
    needs_triage = models.BooleanField("perlu triase", default=False, db_index=True)
    proposed_referral = models.CharField("usulan rujukan", max_length=200, blank=True)
    copied_units = models.ManyToManyField(
        Unit, blank=True, related_name="copied_reports", verbose_name="tembusan"
    )
    bounces = models.PositiveIntegerField(default=0)
    tl_rejections = models.PositiveIntegerField(default=0)
    reopens = models.PositiveIntegerField(default=0)
    ews_changes = models.PositiveIntegerField(default=0)
    # Deadlines (DESIGN.md §7): set on submit, moved only by EWS (with a reason) and reopening.
    response_due_at = models.DateTimeField("batas tanggapan pertama", null=True, blank=True)
    completion_due_at = models.DateTimeField("batas penyelesaian", null=True, blank=True)
    first_response_at = models.DateTimeField("tanggapan pertama", null=True, blank=True)
    red_flag = models.BooleanField("bendera merah", default=False)
    overdue = models.BooleanField("lewat batas", default=False)
    escalation_level = models.PositiveSmallIntegerField("tingkat eskalasi", default=0)
    escalated_to = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_reports"
    )
    # After a ping-pong the common superior holds the case; where it sends it, the case stays.
    binding = models.BooleanField("keputusan atasan mengikat", default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "laporan"
        verbose_name_plural = "laporan"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["holder", "status", "created_at"]),
            # The queue by deadline, covering: the page's ids and the counts read the index alone
            # (docs/benchmarks.md, "The officers' queue"). The text search's trigram index is
            # PostgreSQL-only and lives in migration 0007.
            models.Index(
                fields=["holder", "status", "completion_due_at", "created_at", "id", "overdue", "red_flag"],
                name="report_queue_idx",
            ),
            models.Index(fields=["status", "completion_due_at"]),  # the deadline sweep
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["category", "status", "lat"]),  # duplicate candidates: bounding box
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="report_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.ticket

    @property
    def is_open(self) -> bool:
        return self.status in lifecycle.OPEN_STATUSES

    def state(self) -> lifecycle.CaseState:
        held_by = tuple(dict.fromkeys(self.events.order_by("id").values_list("holder__code", flat=True)))
        return lifecycle.CaseState(
            status=Status(self.status),
            holder=self.holder.ref(),
            forwarded_by=self.forwarded_by.ref() if self.forwarded_by_id else None,
            bounces=self.bounces,
            tl_rejections=self.tl_rejections,
            reopens=self.reopens,
            ews_changes=self.ews_changes,
            held_by=held_by,
            binding=self.binding,
        )


class AppendOnlyQuerySet(models.QuerySet["ReportEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("ReportEvent is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("ReportEvent is append-only")


class ReportEvent(models.Model):
    """One change of a case: who (user, unit), when, what, why. Never updated or deleted."""

    class ActorKind(models.TextChoices):
        OFFICER = "officer", "petugas"
        REPORTER = "reporter", "pelapor"
        SYSTEM = "system", "sistem"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20, choices=[(a.value, a.value) for a in Action])
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    holder = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    # Action-specific facts: routing confidence and why, reject reason and referral, EWS date, merge target.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "riwayat laporan"
        verbose_name_plural = "riwayat laporan"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("ReportEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("ReportEvent is append-only")


class Attachment(models.Model):
    """A file attached to a report or to one of its events (a follow-up's evidence photo)."""

    class Kind(models.TextChoices):
        REPORT = "laporan", "foto laporan"
        BEFORE = "sebelum", "sebelum ditangani"
        AFTER = "sesudah", "sesudah ditangani"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    content_type = models.CharField(max_length=60)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REPORT)
    # Read from the photo's EXIF before it is stripped: where and when it was taken, to check a follow-up.
    taken_at = models.DateTimeField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    flag = models.CharField("catatan pemeriksaan", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lampiran"
        verbose_name_plural = "lampiran"

    def __str__(self) -> str:
        return self.file.name


class BoundaryImport(models.Model):
    """A record of each `aduan import-boundaries` run; running processes rebuild their index when it grows."""

    level = models.CharField(max_length=12, choices=Region.Level.choices)
    source = models.CharField(max_length=300)
    count = models.PositiveIntegerField()
    repaired = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "impor batas wilayah"
        verbose_name_plural = "impor batas wilayah"

    def __str__(self) -> str:
        return f"{self.level}: {self.count} ({self.imported_at:%Y-%m-%d})"


class TrainingExample(models.Model):
    """A labelled text from an officer's decision (re-categorising, triage); the seed set ships in code."""

    class Source(models.TextChoices):
        RECATEGORISE = "recategorise", "kategori diubah petugas"
        TRIAGE = "triage", "keputusan triase"
        REFERRAL = "referral", "dirujuk ke luar kewenangan"

    text = models.TextField()
    category = models.CharField(max_length=32)
    jenis = models.CharField(max_length=12)
    kewenangan = models.CharField(max_length=8)
    source = models.CharField(max_length=16, choices=Source.choices)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "contoh pelatihan"
        verbose_name_plural = "contoh pelatihan"

    def __str__(self) -> str:
        return f"{self.category}/{self.jenis}/{self.kewenangan}: {self.text[:40]}"


class ClassifierModel(models.Model):
    """A trained classifier version, kept with its held-out scores; exactly one is active at a time."""

    version = models.PositiveIntegerField(unique=True)
    payload = models.BinaryField()
    metrics = models.JSONField(default=dict)
    train_size = models.PositiveIntegerField()
    heldout_size = models.PositiveIntegerField()
    officer_examples = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "model klasifikasi"
        verbose_name_plural = "model klasifikasi"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_classifier"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}{' (aktif)' if self.active else ''}"


class InboxMessage(models.Model):
    """A message as a channel delivered it, committed before it is processed (durable, idempotent intake).

    The same (kanal, external_id) is stored once; processing turns it into a case (or adds it to one) and
    records which; a failure leaves it here with its error and the time of the next attempt."""

    class State(models.TextChoices):
        RECEIVED = "received", "diterima"
        PROCESSED = "processed", "diproses"
        IGNORED = "ignored", "diabaikan"
        FAILED = "failed", "gagal, dicoba lagi"
        DEAD = "dead", "gagal permanen"

    kanal = models.CharField(max_length=20, choices=[(k.value, KANAL_LABELS[k]) for k in Kanal])
    external_id = models.CharField("id di kanal asal", max_length=200)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField("sumber (IP/akun)", max_length=120, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "pesan masuk"
        verbose_name_plural = "pesan masuk"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kanal", "external_id"], name="inbox_unique_external_id"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kanal}:{self.external_id} ({self.state})"


class Follower(models.Model):
    """A reporter's way back: one (kanal, address) that hears about a case, with the thread to reply in.

    A cluster's root case is told to every follower of the reports merged into it, once per (kanal,
    address)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    kanal = models.CharField(max_length=20, choices=[(k.value, KANAL_LABELS[k]) for k in Kanal])
    address = models.CharField("alamat di kanal", max_length=200)
    name = models.CharField(max_length=120, blank=True)
    thread = models.CharField("utas balasan", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pengikut laporan"
        verbose_name_plural = "pengikut laporan"
        constraints = [
            models.UniqueConstraint(fields=["report", "kanal", "address"], name="follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.kanal}"


class OutboxMessage(models.Model):
    """A reply waiting to be delivered, written in the same transaction as the change it reports.

    One per (event, kanal, address): a reporter who came on three channels hears once on each. The worker
    delivers with retries and backoff; ``provider_id`` is what the provider answered."""

    class State(models.TextChoices):
        PENDING = "pending", "menunggu dikirim"
        SENT = "sent", "terkirim"
        FAILED = "failed", "gagal, dicoba lagi"
        DEAD = "dead", "gagal permanen"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="outbox")
    event = models.ForeignKey(ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kanal = models.CharField(max_length=20, choices=[(k.value, KANAL_LABELS[k]) for k in Kanal])
    address = models.CharField(max_length=200)
    name = models.CharField(max_length=120, blank=True)  # the @handle a reply on X starts with
    thread = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kanal", "address"], name="outbox_once_per_address"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            # A citizen's reply to one of our messages names its provider id: that finds the case.
            models.Index(fields=["kanal", "provider_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kanal}:{self.address} ({self.state})"


class ApiKey(models.Model):
    """An Open311 client's key: only its SHA-256 is stored; the key is shown once, when it is made."""

    name = models.CharField("nama klien", max_length=120)
    prefix = models.CharField(max_length=8, help_text="the first characters, to recognise a key in lists")
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField("aktif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "kunci API"
        verbose_name_plural = "kunci API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SlaTarget(models.Model):
    """A deadline target (DESIGN.md §7) for one jenis, optionally one category; admin-editable.

    The most specific row wins: (category, jenis), then (no category, jenis). Without any row the defaults
    apply: first response in 1 working day; completion in the category's sla_days (pengaduan, aspirasi) or
    10 working days (informasi)."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    jenis = models.CharField(max_length=12, choices=Report.Jenis.choices)
    response_working_days = models.PositiveSmallIntegerField("tanggapan pertama (hari kerja)", default=1)
    completion_days = models.PositiveSmallIntegerField("penyelesaian (hari)", default=7)
    completion_in_working_days = models.BooleanField("dihitung hari kerja", default=False)
    red_flag_days_before = models.PositiveSmallIntegerField("bendera merah (hari sebelum batas)", default=1)

    class Meta:
        verbose_name = "target waktu"
        verbose_name_plural = "target waktu"
        constraints = [
            models.UniqueConstraint(fields=["category", "jenis"], name="sla_target_unique"),
            models.UniqueConstraint(
                fields=["jenis"], condition=Q(category__isnull=True), name="sla_target_default_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id or '*'}/{self.jenis}"


class ResponseTemplate(models.Model):
    """A ready answer an officer starts from, per category and action; admin-editable."""

    name = models.CharField("nama", max_length=120)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    action = models.CharField(max_length=20, choices=[(a.value, a.value) for a in Action])
    text = models.TextField("isi")
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "templat tanggapan"
        verbose_name_plural = "templat tanggapan"
        ordering = ["action", "name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """A knowledge-base answer to a question residents ask (rusun, burial costs, KTP, …); admin-editable.

    An agency may publish the answer to an `informasi` case back into the base in one step
    (``from_report``)."""

    title = models.CharField("judul", max_length=200)
    question = models.CharField("pertanyaan yang dijawab", max_length=300, blank=True)
    body = models.TextField("jawaban")
    topic = models.CharField("topik", max_length=80, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL)
    keywords = models.TextField("kata kunci dan sinonim", blank=True)
    sources = models.JSONField("sumber", default=list, blank=True)
    last_verified = models.DateField("terakhir diperiksa", null=True, blank=True)
    published = models.BooleanField("terbit", default=True)
    from_report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "artikel basis pengetahuan"
        verbose_name_plural = "artikel basis pengetahuan"
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question asked through `POST /api/v1/ask` or the web form, kept for the outreach figures: what is
    asked most, and what the knowledge base cannot answer."""

    text = models.TextField()
    best_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="asked"
    )
    best_score = models.FloatField(default=0.0)
    answered = models.BooleanField("terjawab", default=False)  # an answer above the threshold was shown
    not_helpful = models.BooleanField("tidak menjawab", default=False)  # "this did not answer me"
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "pertanyaan warga"
        verbose_name_plural = "pertanyaan warga"

    def __str__(self) -> str:
        return self.text[:60]


class Review(models.Model):
    """The reporter's rating of a finished case (1–5 stars and a comment); it feeds the unit's figures."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="review")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reviews")  # who did the work
    stars = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "penilaian pelapor"
        verbose_name_plural = "penilaian pelapor"
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="review_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.stars}"
