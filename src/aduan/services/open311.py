"""Open311 GeoReport v2 over Aduan: categories as services, public reports as requests, clients' API keys."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from aduan.domain.channels import LABELS as KANAL_LABELS
from aduan.domain.channels import Kanal
from aduan.domain.errors import DomainError, InvalidInput
from aduan.domain.lifecycle import OPEN_STATUSES, Action, RejectReason, Status
from aduan.domain.tickets import normalize_ticket
from aduan.models import ApiKey, Category, InboxMessage, Region, Report, ReportEvent
from aduan.services import lookups, outbox, presenters, ratelimit, reports

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable; clients refresh cached service lists and definitions when it grows. Bump it whenever the
# attribute definitions below change.
CHANGESET = "2026-12-01T00:00:00Z"
FORMATS = ("application/json", "text/xml")

DEFAULT_LIMIT = 1000  # the spec's default query limit, and the largest page_size
MAX_WINDOW = timedelta(days=90)
MAX_DESCRIPTION = 4000  # the spec's limit (Aduan itself takes 5,000)
MAX_MEDIA_URL = 500
MAX_IDS = 1000
# The service_code of a report whose category is not decided yet (the triage desk decides it).
UNCATEGORISED = "TRIASE"
UNCATEGORISED_NAME = "Belum dikategorikan (triase)"

KEY_PREFIX_LENGTH = 8
KEY_LENGTH = 40  # 62**40 ≈ 2**238
_KEY_ALPHABET = string.ascii_letters + string.digits


class Open311Error(Exception):
    """A refused Open311 call: the HTTP status and the spec's error list, each entry naming its field."""

    def __init__(
        self, status: int, errors: Sequence[tuple[str, str]], retry_after: int | None = None
    ) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.status = status
        self.errors = list(errors)
        self.retry_after = retry_after

    def payload(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": f"{field}: {message}"} for field, message in self.errors]


# ---------------------------------------------------------------- discovery and services


def discovery() -> dict[str, Any]:
    """The Service Discovery document: one GeoReport v2 endpoint, at the deployment's public address
    (the spec wants a URL that will not change, not whatever host name a request came in on)."""
    public = settings.ADUAN_PUBLIC_URL
    return {
        "changeset": CHANGESET,
        "contact": f"Aduan, Pemerintah Provinsi DKI Jakarta: {public}",
        "key_service": (
            "Kunci API untuk POST requests dibuat oleh admin Aduan (`aduan apikey create --name NAMA`); "
            f"ajukan melalui {public}."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{public}/open311/v2",
                "changeset": CHANGESET,
                "type": "test" if settings.DEBUG else "production",
                "formats": list(FORMATS),
            }
        ],
    }


def _group(category: Category) -> str:
    return category.agency.name if category.agency is not None else "Kelurahan"


def _keywords(category: Category) -> str | None:
    words = [w.strip() for w in category.scope.split(",")] + [category.name_en.strip()]
    unique = list(dict.fromkeys(w for w in words if w))
    return ", ".join(unique) or None


def service(category: Category) -> dict[str, Any]:
    scope = f"{category.name}: {category.scope}." if category.scope else f"{category.name}."
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{scope} Ditangani {_group(category)}; batas penyelesaian {category.sla_days} hari.",
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": _keywords(category),
        "group": _group(category),
    }


def services() -> list[dict[str, Any]]:
    """Every active category, as the spec's service list."""
    return [
        service(c) for c in Category.objects.filter(active=True).select_related("agency").order_by("code")
    ]


JENIS_VALUES = (
    ("pengaduan", "Pengaduan"),
    ("informasi", "Permintaan informasi"),
    ("aspirasi", "Aspirasi"),
)
VISIBILITY_VALUES = (
    ("public", "Publik: isi laporan tampil untuk umum, tanpa data pelapor"),
    ("private", "Rahasia: isi dan lokasi laporan tidak ditampilkan untuk umum"),
)
MAX_LANDMARK = 200

# The same for every service: what Aduan asks beyond the spec's own fields.
ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {
        "variable": True,
        "code": "jenis",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": (
            "Satu dari: pengaduan, informasi, aspirasi. Kosong: Aduan menentukannya dari uraian."
        ),
        "order": 1,
        "description": (
            "Jenis laporan: pengaduan (keluhan), permintaan informasi (pertanyaan) atau aspirasi (usulan)."
        ),
        "values": [{"key": key, "name": name} for key, name in JENIS_VALUES],
    },
    {
        "variable": True,
        "code": "visibility",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "public atau private. Kosong: public.",
        "order": 2,
        "description": (
            "Apakah laporan boleh tampil di daftar laporan publik. Data pelapor tidak pernah ditampilkan."
        ),
        "values": [{"key": key, "name": name} for key, name in VISIBILITY_VALUES],
    },
    {
        "variable": True,
        "code": "landmark",
        "datatype": "string",
        "required": False,
        "datatype_description": f"Teks satu baris, paling banyak {MAX_LANDMARK} karakter.",
        "order": 3,
        "description": (
            "Patokan di dekat lokasi, misalnya 'depan Masjid Al-Ikhlas' atau 'seberang halte TransJakarta'."
        ),
        "values": [],
    },
)


def service_definition(code: str) -> dict[str, Any]:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise Open311Error(404, [("service_code", f"Layanan '{code}' tidak dikenal.")])
    return {"service_code": category.code, "attributes": [dict(a) for a in ATTRIBUTES]}


# ---------------------------------------------------------------- API keys


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(name: str) -> tuple[ApiKey, str]:
    """A new key for the client ``name``: only its hash is stored, so the key is returned this once."""
    name = name.strip()
    if not name:
        raise InvalidInput({"name": "Nama klien wajib diisi."})
    if len(name) > 120:
        raise InvalidInput({"name": "Nama klien terlalu panjang (maksimal 120 karakter)."})
    # Letters and digits only: a prefix starting with '-' would read as an option on the command line.
    key = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(KEY_LENGTH))
    row = ApiKey.objects.create(name=name, prefix=key[:KEY_PREFIX_LENGTH], key_hash=hash_key(key))
    return row, key


def api_keys() -> list[ApiKey]:
    return list(ApiKey.objects.order_by("-active", "name", "id"))


def revoke_api_key(prefix: str) -> ApiKey:
    """Switch off the key whose list prefix is ``prefix``; refused when none or several match."""
    prefix = prefix.strip()
    if len(prefix) > KEY_PREFIX_LENGTH:  # the whole key was given: its hash decides
        matches = list(ApiKey.objects.filter(key_hash=hash_key(prefix)))
        prefix = prefix[:KEY_PREFIX_LENGTH]
    else:
        matches = list(ApiKey.objects.filter(prefix=prefix)) if prefix else []
    if not matches:
        raise DomainError("not_found", f"Tidak ada kunci API berawalan '{prefix}'.", "prefix")
    if len(matches) > 1:
        raise DomainError(
            "ambiguous", f"Ada {len(matches)} kunci berawalan '{prefix}': berikan kunci lengkapnya.", "prefix"
        )
    key = matches[0]
    if key.active:
        key.active = False
        key.save(update_fields=["active"])
    return key


def authenticate(api_key: str) -> ApiKey:
    """The active key ``api_key`` (by its hash), marked as used now; 403 otherwise."""
    if not api_key:
        raise Open311Error(403, [("api_key", "Kunci API wajib disertakan untuk membuat laporan.")])
    key = ApiKey.objects.filter(key_hash=hash_key(api_key), active=True).first()
    if key is None:
        raise Open311Error(403, [("api_key", "Kunci API tidak valid atau sudah dicabut.")])
    now = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
    return key


# ---------------------------------------------------------------- POST requests


# submit_report's field names → the names the Open311 client used.
_FIELD_NAMES = {
    "lat": "lat",
    "lon": "long",
    "address": "address_string",
    "landmark": "attribute[landmark]",
    "category": "service_code",
    "visibility": "attribute[visibility]",
    "jenis": "attribute[jenis]",
    "reporter.name": "first_name",
    "reporter.phone": "phone",
    "reporter.email": "email",
    "description": "description",
}
_LOCATION_FIELDS = "lat & long, address_string, address_id"
_URL = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class NewRequest:
    """A POST requests call as the client sent it: plain fields, and attribute[code] values."""

    fields: Mapping[str, str]
    attributes: Mapping[str, Sequence[str]]


def _number(fields: Mapping[str, str], name: str, errors: dict[str, str]) -> float | None:
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = "Harus berupa angka (derajat desimal WGS84)."
        return None
    if not math.isfinite(value):
        errors[name] = "Harus berupa angka (derajat desimal WGS84)."
        return None
    return value


def _text(fields: Mapping[str, str], name: str, limit: int, errors: dict[str, str]) -> str:
    value = fields.get(name, "").strip()
    if len(value) > limit:
        errors[name] = f"Terlalu panjang (maksimal {limit} karakter)."
    return value


def region_address(kelurahan: Region) -> str:
    """'Kelurahan X, Kecamatan Y, Kota Administrasi Z': most specific first, as the spec asks."""
    parts = [f"Kelurahan {kelurahan.name}"]
    kecamatan = kelurahan.parent
    if kecamatan is not None:
        parts.append(f"Kecamatan {kecamatan.name}")
        if kecamatan.parent is not None:
            parts.append(kecamatan.parent.name)
    return ", ".join(parts)


def _attributes(values: Mapping[str, Sequence[str]], errors: dict[str, str]) -> dict[str, str]:
    known = {a["code"]: a for a in ATTRIBUTES}
    chosen: dict[str, str] = {}
    for code, given in values.items():
        field = f"attribute[{code}]"
        attribute = known.get(code)
        if attribute is None:
            errors[field] = f"Atribut tidak dikenal; yang ada: {', '.join(known)}."
            continue
        cleaned = [v.strip() for v in given if v.strip()]
        if len(cleaned) > 1:
            errors[field] = "Atribut ini hanya menerima satu nilai."
            continue
        value = cleaned[0] if cleaned else ""
        keys = [v["key"] for v in attribute["values"]]
        if value and keys and value not in keys:
            errors[field] = f"Nilai harus salah satu dari: {', '.join(keys)}."
        elif code == "landmark" and len(value) > MAX_LANDMARK:
            errors[field] = f"Terlalu panjang (maksimal {MAX_LANDMARK} karakter)."
        else:
            chosen[code] = value
    return chosen


def create_request(new: NewRequest, key: ApiKey) -> dict[str, Any]:
    """Validate a POST requests call and file it through ``submit_report`` (kanal open311).

    The report and the inbox record of the call (where ``media_url``, ``device_id`` and ``account_id``
    stay) commit together; any refusal leaves nothing stored."""
    allowed, reset = ratelimit.allow("open311", key.prefix, settings.ADUAN_INTAKE_RATE_PER_MINUTE)
    if not allowed:
        raise Open311Error(
            429, [("api_key", "Terlalu banyak laporan dari klien ini; coba lagi nanti.")], reset
        )
    fields = new.fields
    errors: dict[str, str] = {}
    code = fields.get("service_code", "").strip()
    category = lookups.active_category(code) if code else None
    if not code:
        errors["service_code"] = "Wajib diisi; daftar layanan ada di services.json."
    elif category is None:
        errors["service_code"] = f"Layanan '{code}' tidak dikenal."
    lat = _number(fields, "lat", errors)
    lon = _number(fields, "long", errors)
    if (lat is None) != (lon is None) and not ({"lat", "long"} & errors.keys()):
        errors["long" if lon is None else "lat"] = "lat dan long harus diisi bersama."
    address = _text(fields, "address_string", 300, errors)
    address_id = fields.get("address_id", "").strip()
    kelurahan = None
    if address_id:
        kelurahan = (
            Region.objects.filter(code=address_id, level=Region.Level.KELURAHAN)
            .select_related("parent__parent")
            .first()
        )
        if kelurahan is None:
            errors["address_id"] = f"Kode kelurahan '{address_id}' tidak dikenal (contoh: 31.71.01.1001)."
    has_point = lat is not None and lon is not None
    if not (has_point or address or address_id) and not ({"lat", "long"} & errors.keys()):
        errors[_LOCATION_FIELDS] = "Lokasi wajib diisi: lat dan long, address_string, atau address_id."
    description = _text(fields, "description", MAX_DESCRIPTION, errors)
    media_url = _text(fields, "media_url", MAX_MEDIA_URL, errors)
    if media_url and "media_url" not in errors:
        try:
            _URL(media_url)
        except ValidationError:
            errors["media_url"] = "Harus berupa URL http(s) yang lengkap."
    first_name = _text(fields, "first_name", 60, errors)
    last_name = _text(fields, "last_name", 60, errors)
    email = _text(fields, "email", 254, errors)
    phone = _text(fields, "phone", 32, errors)
    _text(fields, "device_id", 120, errors)  # kept with the call in the inbox, not on the report
    account_id = _text(fields, "account_id", 120, errors)
    attributes = _attributes(new.attributes, errors)
    if errors:
        raise Open311Error(400, sorted(errors.items()))
    assert category is not None

    if kelurahan is not None:
        if not has_point and kelurahan.centroid_lat is not None and kelurahan.centroid_lon is not None:
            lat, lon = kelurahan.centroid_lat, kelurahan.centroid_lon
        # Without polygons the centroid locates nothing; the gazetteer reads the kelurahan's name instead.
        address = address or region_address(kelurahan)
    token = secrets.token_urlsafe(18)
    submission = reports.NewReport(
        channel=Kanal.OPEN311,
        description=description or _default_description(category, address, lat, lon),
        lat=lat,
        lon=lon,
        address=address[:300],
        landmark=attributes.get("landmark", ""),
        category=category.code,
        visibility=attributes.get("visibility") or Report.Visibility.PUBLIC,
        jenis=attributes.get("jenis", ""),
        reporter=reports.ReporterInput(name=f"{first_name} {last_name}".strip(), phone=phone, email=email),
        external_id=token,
    )
    try:
        with transaction.atomic():
            result = reports.submit_report(submission)
            record = {k: v for k, v in fields.items() if k != "api_key"}
            InboxMessage.objects.create(
                kanal=Kanal.OPEN311,
                external_id=token,
                payload={**record, "attribute": dict(new.attributes)},
                state=InboxMessage.State.PROCESSED,
                attempts=1,
                report=result.report,
                source=f"apikey:{key.prefix}",
                processed_at=timezone.now(),
            )
    except InvalidInput as error:
        raise Open311Error(
            400, sorted((_FIELD_NAMES.get(f, f), m) for f, m in error.errors.items())
        ) from None
    except reports.Throttled as error:
        raise Open311Error(429, [("description", error.message)], 60) from None
    except DomainError as error:  # e.g. a deployment without its units: the spec's general service error
        raise Open311Error(400, [(error.field or "service", error.message)]) from None
    report = result.report
    created = {"service_request_id": report.ticket, "token": token, "service_notice": _created_notice(report)}
    if account_id:  # "May not be returned": echoed when the client named the account
        created["account_id"] = account_id
    return created


def _default_description(category: Category, address: str, lat: float | None, lon: float | None) -> str:
    # The spec makes description optional; Aduan's officers and classifier need a sentence to read.
    where = address or (f"titik {lat:.6f}, {lon:.6f}" if lat is not None and lon is not None else "")
    return f"Laporan {category.name} di {where} (dikirim melalui Open311 tanpa uraian)."


def _created_notice(report: Report) -> str:
    notice = f"Laporan diterima dengan nomor tiket {report.ticket}, ditangani {report.holder.name}."
    if report.merged_into_id:
        into = Report.objects.filter(pk=report.merged_into_id).values_list("ticket", flat=True).first()
        notice += f" Masalah yang sama sudah dilaporkan: laporan ini mengikuti penanganan {into}."
    return f"{notice} {_service_notice(report)} Pantau: {outbox.public_link(report.ticket)}"


# ---------------------------------------------------------------- GET requests, requests/{id}, tokens


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] = frozenset()
    page: int = 1
    page_size: int = DEFAULT_LIMIT
    extensions: bool = False


_TZ_GAP = re.compile(r" (\d{2}(?::?\d{2})?)$")


def parse_moment(raw: str, field: str) -> datetime:
    """A w3 date-time (2026-11-30T08:00:00Z, …+07:00, or a date); naive ones are Jakarta time."""
    # An unencoded '+' in a query string arrives as a space: "…T08:00:00 07:00".
    text = _TZ_GAP.sub(r"+\1", raw.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(
            400, [(field, f"'{raw}' bukan tanggal-waktu ISO 8601, contoh 2026-11-30T00:00:00Z.")]
        ) from None
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))
    return moment


def _whole(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise Open311Error(400, [(name, f"Harus bilangan bulat {low} sampai {high}.")])
    return value


def wants_extensions(params: Mapping[str, str]) -> bool:
    """``extensions=true`` adds extended_attributes and notes (the widely used convention)."""
    raw = params.get("extensions", "").strip().lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise Open311Error(400, [("extensions", "Harus true atau false.")])


def _comma_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_query(params: Mapping[str, str], now: datetime | None = None) -> RequestQuery:
    """The arguments of GET requests, checked; the 90-day window is filled in as the spec says."""
    extensions = wants_extensions(params)
    ids = _comma_list(params.get("service_request_id", ""))
    if ids:  # "This overrides all other arguments."
        if len(ids) > MAX_IDS:
            raise Open311Error(400, [("service_request_id", f"Paling banyak {MAX_IDS} nomor sekaligus.")])
        return RequestQuery(ids=tuple(ids), extensions=extensions)
    statuses = frozenset(s.lower() for s in _comma_list(params.get("status", "")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, [("status", "Harus open, closed, atau keduanya dipisah koma.")])
    start_raw, end_raw = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    start = parse_moment(start_raw, "start_date") if start_raw else None
    end = parse_moment(end_raw, "end_date") if end_raw else None
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, [("end_date", "Harus sama dengan atau sesudah start_date.")])
        if end - start > MAX_WINDOW:
            raise Open311Error(
                400,
                [("start_date, end_date", "Rentang tanggal paling lama 90 hari (ketentuan GeoReport v2).")],
            )
    elif start is not None:
        end = start + MAX_WINDOW
    elif end is not None:
        start = end - MAX_WINDOW
    else:
        end = now or timezone.now()
        start = end - MAX_WINDOW
    return RequestQuery(
        codes=tuple(_comma_list(params.get("service_code", ""))),
        start=start,
        end=end,
        statuses=statuses,
        page=_whole(params, "page", 1, 1, 1_000_000),
        page_size=_whole(params, "page_size", DEFAULT_LIMIT, 1, DEFAULT_LIMIT),
        extensions=extensions,
    )


def _public_reports() -> QuerySet[Report]:
    # A private report is never listed: not its text, not its place, not that it exists.
    return (
        Report.objects.filter(visibility=Report.Visibility.PUBLIC)
        .select_related("category", "kelurahan__parent__parent", "holder")
        .annotate(cluster_root=F("merged_into__ticket"))
    )


def find_requests(query: RequestQuery) -> list[dict[str, Any]]:
    """GET requests: public reports, newest first, a page at a time; a constant number of queries."""
    rows = _public_reports()
    if query.ids:
        tickets = {t for t in (normalize_ticket(i) for i in query.ids) if t}
        return render_requests(list(rows.filter(ticket__in=tickets).order_by("-created_at", "-id")), query)
    assert query.start is not None and query.end is not None
    rows = rows.filter(created_at__gte=query.start, created_at__lte=query.end)
    if query.codes:
        by_code = Q(category__code__in=query.codes)
        if UNCATEGORISED in query.codes:
            by_code |= Q(category__isnull=True)
        rows = rows.filter(by_code)
    if query.statuses == {"open"}:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif query.statuses == {"closed"}:
        rows = rows.exclude(status__in=OPEN_STATUSES)
    first = (query.page - 1) * query.page_size
    page = list(rows.order_by("-created_at", "-id")[first : first + query.page_size])
    return render_requests(page, query)


def get_request(ticket: str, extensions: bool = False) -> dict[str, Any]:
    """GET requests/{id}: one public report; a private or unknown one is 404 alike."""
    canonical = normalize_ticket(ticket)
    report = _public_reports().filter(ticket=canonical).first() if canonical else None
    if report is None:
        raise Open311Error(404, [("service_request_id", f"Laporan '{ticket}' tidak ditemukan.")])
    return render_requests([report], RequestQuery(extensions=extensions))[0]


def token_request(token: str) -> dict[str, Any]:
    """tokens/{token}: the service_request_id that a POST's token stands for."""
    ticket = (
        Report.objects.filter(channel=Kanal.OPEN311, external_id=token)
        .exclude(external_id="")
        .values_list("ticket", flat=True)
        .first()
        if 0 < len(token) <= 120
        else None
    )
    if ticket is None:
        raise Open311Error(404, [("token", f"Token '{token}' tidak ditemukan.")])
    return {"service_request_id": ticket, "token": token}


# ---------------------------------------------------------------- how a report reads in Open311


def w3(moment: datetime) -> str:
    """UTC with a Z, to the second: the w3 subset of ISO 8601 the spec asks for."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expected(ews: date) -> str:
    """The EWS date as a moment: the end of that day in Jakarta."""
    return w3(datetime.combine(ews, time(23, 59, 59), tzinfo=ZoneInfo(settings.TIME_ZONE)))


_REJECT_WORDS: dict[str, str] = {
    RejectReason.SPAM: "spam",
    RejectReason.NOT_A_REPORT: "bukan laporan",
    RejectReason.OUTSIDE_AUTHORITY: "di luar kewenangan Pemprov DKI Jakarta",
}


def status_notes(report: Report, rejection: ReportEvent | None) -> str:
    """The detailed status in words (Indonesian); for ditolak, the reason."""
    holder = report.holder.name
    status = Status(report.status)
    if status is Status.MENUNGGU:
        return f"Menunggu ditangani {holder}."
    if status is Status.KOORDINASI:
        return f"Diteruskan (koordinasi) ke {holder}, menunggu diterima."
    if status is Status.DISPOSISI:
        return f"Didisposisikan ke {holder}, menunggu diterima."
    if status is Status.PROSES:
        ews = f" Perkiraan selesai {report.ews_date:%d-%m-%Y}." if report.ews_date else ""
        return f"Sedang ditangani {holder}.{ews}"
    if status is Status.MENUNGGU_VALIDASI:
        return f"Tindak lanjut {holder} sudah dilaporkan, menunggu validasi Biro Pemerintahan."
    if status is Status.SELESAI:
        return f"Selesai: tindak lanjut {holder} telah divalidasi."
    if status is Status.DUPLIKAT:
        into = getattr(report, "cluster_root", None)
        return f"Digabung dengan laporan {into} tentang masalah yang sama." if into else "Digabung."
    notes = "Ditolak"
    if rejection is None:
        return notes + "."
    data = rejection.data if isinstance(rejection.data, dict) else {}
    why = _REJECT_WORDS.get(str(data.get("reject_reason", "")), "")
    notes += f": {why}." if why else "."
    if rejection.reason:
        notes += f" {rejection.reason}"
    if data.get("referral"):
        notes += f" Rujukan: {data['referral']}."
    return notes


def _service_notice(report: Report) -> str:
    if report.jenis == Report.Jenis.INFORMASI:
        return "Permintaan informasi dijawab paling lambat 10 hari kerja (UU 14/2008)."
    first = "Tanggapan pertama paling lambat 1 hari kerja"
    if report.category is None:
        return f"{first}; kategori ditetapkan petugas triase."
    return f"{first}; tindak lanjut paling lambat {report.category.sla_days} hari."


def _note_summary(event: ReportEvent) -> str:
    unit = event.target.name if event.target is not None else event.holder.name
    data = event.data if isinstance(event.data, dict) else {}
    action = str(event.action)
    if action == Action.SUBMIT:
        kanal = str(data.get("channel", ""))
        via = KANAL_LABELS.get(Kanal(kanal), kanal) if kanal in Kanal.__members__.values() else kanal
        return f"Laporan masuk{f' melalui {via}' if via else ''}; ditangani {event.holder.name}"
    # Keyed by the action's value: an action added to the lifecycle later still reads, as its code.
    summaries: dict[str, str] = {
        Action.ACCEPT: f"Diterima untuk ditangani {event.holder.name}",
        Action.KOORDINASI: f"Koordinasi ke {unit}",
        Action.RETURN: f"Dikembalikan ke {event.holder.name}",
        Action.DISPOSISI: f"Disposisi ke {unit}",
        Action.SET_EWS: f"Perkiraan selesai ditetapkan: {data.get('ews_date', '')}",
        Action.REPORT_FOLLOWUP: "Tindak lanjut dilaporkan, menunggu validasi",
        Action.VALIDATE: "Tindak lanjut divalidasi: selesai",
        Action.REJECT_FOLLOWUP: "TL Ditolak: tindak lanjut harus diperbaiki",
        Action.REJECT: "Laporan ditolak",
        Action.MERGE: f"Digabungkan dengan laporan {data.get('merged_into', '')}".strip(),
        Action.DISPUTE: "Disanggah pelapor: dibuka kembali",
        Action.RECATEGORISE: "Kategori ditetapkan petugas",
        Action.COMMENT: "Tanggapan pelapor",
        "ask": f"{event.holder.name} meminta keterangan tambahan dari pelapor",
        "remind": f"Pengingat tenggat untuk {event.holder.name}",
        "escalate": f"Tenggat terlewati: dilaporkan ke {unit}",
        "refer_up": f"Bolak-balik antarunit: diputuskan oleh {unit}",
    }
    return summaries.get(action, action)


def note(event: ReportEvent) -> dict[str, Any]:
    """One step of the public timeline. Officers are named by their unit only; what the reporter wrote
    after filing (a comment, a dispute) and what an officer asked them may carry their contact details,
    so that text stays out."""
    private = presenters.note_is_private(event.action, event.actor_kind)
    return {
        "type": event.action,
        "datetime": w3(event.created_at),
        "summary": _note_summary(event),
        "description": None if private else (event.reason or None),
    }


def render_requests(page: Sequence[Report], query: RequestQuery) -> list[dict[str, Any]]:
    """The spec's request objects for ``page``, with at most four more queries whatever its size."""
    ids = [r.pk for r in page]
    if not ids:
        return []
    roots = set(Report.objects.filter(merged_into_id__in=ids).values_list("merged_into_id", flat=True))
    rejected = [r.pk for r in page if r.status == Status.DITOLAK]
    rejections: dict[int, ReportEvent] = {}
    if rejected:
        for event in ReportEvent.objects.filter(report_id__in=rejected, action=Action.REJECT).order_by("id"):
            rejections[event.report_id] = event  # the latest wins
    via_open311 = [r.pk for r in page if r.channel == Kanal.OPEN311]
    media: dict[int, str] = {}
    if via_open311:
        calls = InboxMessage.objects.filter(kanal=Kanal.OPEN311, report_id__in=via_open311)
        for report_id, payload in calls.values_list("report_id", "payload"):
            if report_id is not None and isinstance(payload, dict) and payload.get("media_url"):
                media[report_id] = str(payload["media_url"])
    timelines: dict[int, list[ReportEvent]] = {}
    if query.extensions:
        events = (
            ReportEvent.objects.filter(report_id__in=ids).select_related("holder", "target").order_by("id")
        )
        for event in events:
            timelines.setdefault(event.report_id, []).append(event)
    return [
        _request(
            report, report.pk in roots, rejections.get(report.pk), media.get(report.pk), timelines, query
        )
        for report in page
    ]


def _request(
    report: Report,
    is_root: bool,
    rejection: ReportEvent | None,
    media_url: str | None,
    timelines: Mapping[int, Iterable[ReportEvent]],
    query: RequestQuery,
) -> dict[str, Any]:
    is_open = report.status in OPEN_STATUSES
    closed_at = report.closed_at if not is_open and report.closed_at else None
    kelurahan = report.kelurahan
    category = report.category
    cluster = getattr(report, "cluster_root", None) or (report.ticket if is_root else None)
    body: dict[str, Any] = {
        "service_request_id": report.ticket,
        "status": "open" if is_open else "closed",
        "status_notes": status_notes(report, rejection),
        "service_name": category.name if category is not None else UNCATEGORISED_NAME,
        "service_code": category.code if category is not None else UNCATEGORISED,
        "description": report.description[:MAX_DESCRIPTION],
        "agency_responsible": report.holder.name,
        "service_notice": _service_notice(report),
        "requested_datetime": w3(report.created_at),
        "updated_datetime": w3(closed_at or report.updated_at),
        "expected_datetime": expected(report.ews_date) if report.ews_date else None,
        "address": report.address or (region_address(kelurahan) if kelurahan is not None else None),
        "address_id": kelurahan.code if kelurahan is not None else None,
        "zipcode": (kelurahan.postal_code or None) if kelurahan is not None else None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": media_url,
    }
    if query.extensions:
        body["extended_attributes"] = {
            "status_detail": report.status,
            "holder": {"code": report.holder.code, "name": report.holder.name},
            "kanal": report.channel,
            "jenis": report.jenis,
            "cluster": cluster,
            "landmark": report.landmark or None,
        }
        body["notes"] = [note(e) for e in timelines.get(report.pk, ())]
    return body
