"""Photos: only real JPEG/PNG/WebP, size and pixel caps, EXIF place and time read, output bare and small."""

from __future__ import annotations

import io
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import ExifTags, Image

from aduan.domain.errors import InvalidInput
from aduan.models import Report
from aduan.services import photos

MONAS = (-6.1754, 106.8272)


def exif_with(
    *,
    taken: str | None = None,
    offset: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamera Uji"  # as cameras do; PNG and WebP writers skip an EXIF without it
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if taken is not None:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        details[ExifTags.Base.DateTimeOriginal] = taken
        if offset is not None:
            details[ExifTags.Base.OffsetTimeOriginal] = offset
    if lat is not None and lon is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "S" if lat < 0 else "N"
        gps[ExifTags.GPS.GPSLatitude] = _dms(abs(lat))
        gps[ExifTags.GPS.GPSLongitudeRef] = "W" if lon < 0 else "E"
        gps[ExifTags.GPS.GPSLongitude] = _dms(abs(lon))
    return exif


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (float(degrees), float(minutes), seconds)


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", exif: Image.Exif | None = None
) -> bytes:
    """A generated picture: left half red, right half blue (to see which way it was turned)."""
    image = Image.new(mode, size, "red" if mode != "RGBA" else (255, 0, 0, 128))
    image.paste("blue" if mode != "RGBA" else (0, 0, 255, 128), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def reopened(photo: photos.Photo) -> Image.Image:
    image = Image.open(io.BytesIO(photo.content))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_comes_out_as_jpeg_with_its_exif_read_and_stripped(fmt: str) -> None:
    exif = exif_with(taken="2025:03:04 09:15:00", offset="+07:00", lat=MONAS[0], lon=MONAS[1])
    photo = photos.prepare(image_bytes(fmt, exif=exif), "after")
    assert photo.has_exif
    assert photo.taken_at == datetime(2025, 3, 4, 2, 15, tzinfo=UTC)
    assert photo.lat == pytest.approx(MONAS[0], abs=1e-5)
    assert photo.lon == pytest.approx(MONAS[1], abs=1e-5)
    out = reopened(photo)
    assert out.format == "JPEG" and out.mode == "RGB"
    assert len(out.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(out.info)
    assert b"Exif" not in photo.content[:2048]


def test_time_without_offset_is_jakarta_time_and_a_time_zone_offset_is_honoured() -> None:
    plain = photos.prepare(image_bytes(exif=exif_with(taken="2025:03:04 09:15:00")), "after")
    assert plain.taken_at == datetime(2025, 3, 4, 2, 15, tzinfo=UTC)
    west = photos.prepare(image_bytes(exif=exif_with(taken="2025:03:04 09:15:00", offset="-05:00")), "after")
    assert west.taken_at == datetime(2025, 3, 4, 9, 15, tzinfo=timezone(timedelta(hours=-5)))
    assert plain.lat is None and plain.lon is None


def test_no_exif_and_garbage_exif_read_as_absent() -> None:
    bare = photos.prepare(image_bytes(), "after")
    assert (bare.has_exif, bare.taken_at, bare.lat) == (False, None, None)
    junk = photos.prepare(image_bytes(exif=exif_with(taken="0000:00:00 00:00:00", lat=0.0, lon=0.0)), "x")
    assert junk.has_exif and junk.taken_at is None and junk.lat is None


def test_orientation_is_applied_and_the_long_side_capped() -> None:
    # Orientation 6: the camera was turned; the stored picture must stand upright without the tag.
    photo = photos.prepare(image_bytes(size=(4000, 3000), exif=exif_with(orientation=6)), "after")
    out = reopened(photo)
    assert out.size == (1200, 1600) == (photo.width, photo.height)
    top_left, top_right = out.getpixel((10, 10)), out.getpixel((1190, 10))
    assert top_left[0] > 200 and top_left[2] < 60  # red is on top after turning: it was the left half
    assert top_right[0] > 200
    assert out.getpixel((10, 1590))[2] > 200  # blue at the bottom
    small = photos.prepare(image_bytes(size=(300, 200)), "after")
    assert (small.width, small.height) == (300, 200)  # never enlarged


def test_transparent_png_is_flattened_on_white() -> None:
    photo = photos.prepare(image_bytes("PNG", mode="RGBA"), "before")
    red = reopened(photo).getpixel((5, 5))
    assert red[0] > 240 and 110 < red[1] < 145  # half-transparent red on white


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "berkas kosong"),
        (b"GIF89a" + b"\x00" * 100, "bukan foto JPEG, PNG atau WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "bukan foto JPEG, PNG atau WebP"),
        (b"%PDF-1.7\n" + b"x" * 200, "bukan foto JPEG, PNG atau WebP"),
        (image_bytes()[:200], "rusak"),  # a truncated JPEG
    ],
)
def test_what_is_not_a_readable_photo_is_refused_naming_the_field(content: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        photos.prepare(content, "after", "Foto sesudah")
    assert list(refused.value.errors) == ["after"]
    assert refused.value.errors["after"].startswith("Foto sesudah: ")
    assert message in refused.value.errors["after"]


def test_a_real_gif_is_refused_whatever_its_name() -> None:
    gif = io.BytesIO()
    Image.new("RGB", (10, 10), "green").save(gif, "GIF")
    with pytest.raises(InvalidInput, match="bukan foto JPEG"):
        photos.prepare(io.BytesIO(gif.getvalue()), "before")


def test_more_than_ten_megabytes_is_refused_without_reading_it_all() -> None:
    class Endless(io.RawIOBase):
        read_total = 0

        def read(self, size: int = -1) -> bytes:
            assert size > 0, "must never read without a limit"
            Endless.read_total += size
            return b"\xff" * size

    with pytest.raises(InvalidInput, match="lebih dari 10 MB"):
        photos.prepare(Endless(), "after")  # type: ignore[arg-type]
    assert Endless.read_total == photos.MAX_BYTES + 1


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge canvas, with a tiny compressed body: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [10_000, 50_000])
def test_a_decompression_bomb_is_refused_from_its_header(side: int) -> None:
    bomb = _png_header_only(side, side)
    assert len(bomb) < 2000
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        photos.prepare(bomb, "after", "Foto sesudah")
    assert time.perf_counter() - started < 1.0  # refused before decoding a single row
    message = refused.value.errors["after"]
    assert "terlalu besar" in message or "bukan foto" in message


def test_too_many_photos_of_one_kind_are_refused() -> None:
    one = image_bytes()
    with pytest.raises(InvalidInput, match="paling banyak 5 foto"):
        photos.prepare_all([one] * 6, "after", "Foto sesudah")
    with pytest.raises(InvalidInput) as refused:
        photos.prepare_all([one, b"bukan foto"], "after", "Foto sesudah")
    assert refused.value.errors["after"].startswith("Foto sesudah 2: ")


def report_at(lat: float | None, lon: float | None, created: datetime) -> Report:
    return Report(ticket="UJI0UJI0", lat=lat, lon=lon, created_at=created)


def test_follow_up_photo_check_flags_far_before_and_no_exif_and_passes_a_good_one(settings) -> None:
    settings.ADUAN_PHOTO_MAX_DISTANCE_M = 500
    created = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    report = report_at(*MONAS, created)
    good = photos.prepare(
        image_bytes(exif=exif_with(taken="2025:03:04 09:15:00", lat=-6.1760, lon=106.8275)), "after"
    )
    assert photos.check_after(good, report) == ""
    far = photos.prepare(image_bytes(exif=exif_with(taken="2025:03:04 09:15:00", lat=-6.2, lon=106.85)), "a")
    assert "dari titik laporan" in photos.check_after(far, report)
    assert "km" in photos.check_after(far, report)
    early = photos.prepare(image_bytes(exif=exif_with(taken="2025:02:27 10:00:00")), "after")
    assert "sebelum laporan dibuat" in photos.check_after(early, report)
    assert "27-02-2025 10:00 WIB" in photos.check_after(early, report)
    both = photos.prepare(image_bytes(exif=exif_with(taken="2025:02:27 10:00:00", lat=-6.3, lon=106.9)), "a")
    assert "sebelum laporan" in photos.check_after(both, report) and "km" in photos.check_after(both, report)
    bare = photos.prepare(image_bytes(), "after")
    assert "tanpa data EXIF" in photos.check_after(bare, report)
    # Without a point on the report, distance cannot be checked: only the time is.
    assert photos.check_after(far, report_at(None, None, created)) == ""
    settings.ADUAN_PHOTO_MAX_DISTANCE_M = 50_000
    assert photos.check_after(far, report) == ""


def test_a_twelve_megapixel_photo_is_prepared_quickly() -> None:
    """Measured: a 4000×3000 camera JPEG (about 2-4 MB) to a 1600 px JPEG."""
    import random

    rng = random.Random(5)
    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    image.paste((rng.randrange(255), 80, 40), (0, 0, 2000, 1500))
    raw = io.BytesIO()
    image.save(raw, "JPEG", quality=92, exif=exif_with(taken="2025:03:04 09:15:00", lat=-6.17, lon=106.82))
    started = time.perf_counter()
    photo = photos.prepare(raw.getvalue(), "after")
    elapsed = time.perf_counter() - started
    assert max(photo.width, photo.height) == 1600
    assert len(photo.content) < len(raw.getvalue())
    assert elapsed < 3.0, f"{elapsed:.2f} s"
