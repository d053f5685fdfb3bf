"""Photos of a report and its follow-up: sniffed, size-capped, EXIF place and time read, re-encoded bare."""

from __future__ import annotations

import io
import math
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from aduan.domain.errors import InvalidInput
from aduan.domain.similarity import distance_m
from aduan.models import Attachment, Report, ReportEvent

# Only what phones and browsers produce; the bytes decide, never the file name or the declared type.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 10 * 1024 * 1024
# A 50-megapixel phone photo passes; a small file that claims a huge canvas (a decompression bomb) does not.
MAX_PIXELS = 60_000_000
LONG_SIDE = 1600
QUALITY = 82
MAX_PER_KIND = 5
# A follow-up photo taken farther than this from the report's point is flagged for the validator.
DEFAULT_MAX_DISTANCE_M = 500.0
# EXIF times without an offset are the camera's local time: a phone in Jakarta.
_LOCAL = ZoneInfo("Asia/Jakarta")

KIND_LABELS = {
    Attachment.Kind.REPORT: "Foto laporan",
    Attachment.Kind.BEFORE: "Foto sebelum",
    Attachment.Kind.AFTER: "Foto sesudah",
}


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: JPEG bytes without metadata, and what its EXIF said before it was stripped."""

    content: bytes
    width: int
    height: int
    has_exif: bool
    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None


def max_distance_m() -> float:
    return float(getattr(settings, "ADUAN_PHOTO_MAX_DISTANCE_M", DEFAULT_MAX_DISTANCE_M))


def prepare(data: bytes | IO[bytes], field: str, label: str = "Foto") -> Photo:
    """Check and re-encode one uploaded photo; InvalidInput naming ``field`` when it cannot be accepted.

    Reads at most MAX_BYTES + 1 bytes, so an oversized upload is refused without being held in memory."""
    content = data if isinstance(data, bytes) else data.read(MAX_BYTES + 1)
    if not content:
        raise InvalidInput({field: f"{label}: berkas kosong."})
    if len(content) > MAX_BYTES:
        raise InvalidInput({field: f"{label}: berkas lebih dari {MAX_BYTES // (1024 * 1024)} MB."})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=ALLOWED_FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput({field: f"{label}: bukan foto JPEG, PNG atau WebP."}) from None
    except (OSError, SyntaxError, ValueError):
        raise InvalidInput({field: f"{label}: berkas foto rusak atau tidak dapat dibaca."}) from None
    width, height = image.size
    if width * height > MAX_PIXELS:  # decided from the header alone, before any pixel is decoded
        raise InvalidInput(
            {field: f"{label}: ukuran gambar {width}×{height} piksel terlalu besar (maksimal 60 megapiksel)."}
        )
    try:
        has_exif, taken_at, lat, lon = _read_exif(image)
        clean = _reencoded_image(image)
        out = io.BytesIO()
        clean.info = {}  # nothing of the original (EXIF, ICC, comments, XMP) reaches the output
        clean.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput({field: f"{label}: berkas foto rusak atau tidak dapat dibaca."}) from None
    return Photo(out.getvalue(), clean.width, clean.height, has_exif, taken_at, lat, lon)


def _reencoded_image(image: Image.Image) -> Image.Image:
    if image.format == "JPEG":
        # Let the JPEG decoder scale down by a power of two on its own: a 12 MP photo decodes 4× faster.
        ratio = LONG_SIDE / max(image.size)
        if ratio < 1:
            image.draft("RGB", (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))
    image = ImageOps.exif_transpose(image)  # the picture upright, since the orientation tag goes
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    return image


def _read_exif(image: Image.Image) -> tuple[bool, datetime | None, float | None, float | None]:
    """(had any EXIF, when it was taken, latitude, longitude); unreadable values count as absent."""
    exif = image.getexif()
    if not exif:
        return False, None, None, None
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        taken_at = _exif_time(
            details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime),
            details.get(ExifTags.Base.OffsetTimeOriginal) or details.get(ExifTags.Base.OffsetTime),
        )
    except (KeyError, TypeError, ValueError, OSError):
        taken_at = None
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat = _coordinate(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), 90)
        lon = _coordinate(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), 180)
    except (KeyError, TypeError, ValueError, OSError, ZeroDivisionError):
        lat = lon = None
    if lat is None or lon is None or (lat == 0 and lon == 0):  # 0,0 is what a camera without a fix writes
        lat = lon = None
    return True, taken_at, lat, lon


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value).strip().strip("\x00").strip() if value is not None else ""


def _exif_time(raw: object, offset: object) -> datetime | None:
    text = _text(raw)
    if not text:
        return None
    try:
        naive = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if naive.year < 1990:
        return None
    zone = _offset(_text(offset))
    return naive.replace(tzinfo=zone or _LOCAL)


def _offset(text: str) -> timezone | None:
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _coordinate(value: object, ref: object, limit: float) -> float | None:
    if value is None:
        return None
    parts = [float(p) for p in value] if isinstance(value, tuple | list) else [float(value)]  # type: ignore[arg-type]
    if not parts or len(parts) > 3 or not all(math.isfinite(p) for p in parts):
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts))
    if _text(ref).upper() in ("S", "W"):
        degrees = -degrees
    return round(degrees, 7) if abs(degrees) <= limit else None


def check_after(photo: Photo, report: Report) -> str:
    """Why a follow-up ("sesudah") photo needs the validator's eye, or "" when nothing stands out."""
    if photo.taken_at is None and photo.lat is None:
        return "Foto tanpa data EXIF waktu dan lokasi pengambilan: tidak dapat diperiksa."
    reasons = []
    if photo.taken_at is not None and report.created_at is not None and photo.taken_at < report.created_at:
        taken = photo.taken_at.astimezone(_LOCAL)
        reasons.append(f"Foto diambil {taken:%d-%m-%Y %H:%M} WIB, sebelum laporan dibuat.")
    if photo.lat is not None and photo.lon is not None and report.lat is not None and report.lon is not None:
        distance = distance_m(report.lat, report.lon, photo.lat, photo.lon)
        if distance > max_distance_m():
            reasons.append(f"Foto diambil {_distance(distance)} dari titik laporan.")
    return " ".join(reasons)


def _distance(metres: float) -> str:
    if metres < 1000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


# The files attach() wrote inside the current `stored_atomically` block.
_written: ContextVar[list[Attachment] | None] = ContextVar("aduan_photos_written", default=None)


@contextmanager
def stored_atomically() -> Iterator[None]:
    """A transaction for rows with photos: the storage is no database, so the files attach() wrote inside
    are deleted again when the transaction rolls back (a later photo failing, the commit failing). A
    failure leaves neither rows nor orphaned JPEGs."""
    outer = _written.get()
    written: list[Attachment] = []
    token = _written.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for attachment in written:
            attachment.file.storage.delete(attachment.file.name)
        raise
    else:
        if outer is not None:  # nested: the enclosing block's rollback must delete these files too
            outer.extend(written)
    finally:
        _written.reset(token)


def attach(report: Report, event: ReportEvent | None, photo: Photo, kind: str) -> Attachment:
    """Store one prepared photo; call inside the `stored_atomically` block that writes ``event``."""
    flag = check_after(photo, report) if kind == Attachment.Kind.AFTER else ""
    name = f"{report.ticket}-{kind}-{uuid.uuid4().hex[:8]}.jpg"
    attachment = Attachment.objects.create(
        report=report,
        event=event,
        file=ContentFile(photo.content, name=name),
        content_type="image/jpeg",
        kind=kind,
        taken_at=photo.taken_at,
        lat=photo.lat,
        lon=photo.lon,
        flag=flag[:300],
    )
    written = _written.get()
    if written is not None:
        written.append(attachment)
    return attachment


def prepare_all(uploads: list[bytes | IO[bytes]], field: str, label: str) -> list[Photo]:
    """Every upload of one form field, numbered in the error ("Foto sesudah 2: …") when there are several."""
    if len(uploads) > MAX_PER_KIND:
        raise InvalidInput({field: f"{label}: paling banyak {MAX_PER_KIND} foto."})
    return [
        prepare(upload, field, f"{label} {number}" if len(uploads) > 1 else label)
        for number, upload in enumerate(uploads, start=1)
    ]
