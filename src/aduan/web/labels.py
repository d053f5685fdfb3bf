"""The words of DESIGN.md §2 as people read them on the pages, in Indonesian first (English via gettext)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STATUS_LABELS: dict[str, Promise] = {
    "menunggu": _("Menunggu"),
    "koordinasi": _("Koordinasi"),
    "disposisi": _("Disposisi"),
    "proses": _("Dalam proses"),
    "menunggu_validasi": _("Menunggu validasi"),
    "selesai": _("Selesai"),
    "ditolak": _("Ditolak"),
    "duplikat": _("Duplikat"),
}

ACTION_LABELS: dict[str, Promise] = {
    "submit": _("Laporan masuk"),
    "accept": _("Diterima untuk ditangani"),
    "koordinasi": _("Koordinasi ke unit lain"),
    "return": _("Dikembalikan ke pengirim"),
    "disposisi": _("Disposisi ke suku dinas"),
    "set_ews": _("EWS ditetapkan"),
    "report_followup": _("Tindak lanjut dilaporkan"),
    "validate": _("Tindak lanjut divalidasi"),
    "reject_followup": _("TL Ditolak"),
    "reject": _("Laporan ditolak"),
    "merge": _("Digabungkan dengan laporan lain"),
    "dispute": _("Disanggah pelapor"),
    "recategorise": _("Kategori ditetapkan petugas"),
    "comment": _("Tanggapan pelapor"),
    "ask": _("Petugas bertanya kepada pelapor"),
    "remind": _("Pengingat tenggat"),
    "escalate": _("Dieskalasi ke atasan"),
    "refer_up": _("Diambil alih atasan bersama"),
}

# What the button of each officer action says.
ACTION_BUTTONS: dict[str, Promise] = {
    "accept": pgettext_lazy("tombol", "Terima dan tangani"),
    "koordinasi": pgettext_lazy("tombol", "Koordinasi"),
    "return": pgettext_lazy("tombol", "Kembalikan"),
    "disposisi": pgettext_lazy("tombol", "Disposisi"),
    "set_ews": pgettext_lazy("tombol", "Tetapkan EWS"),
    "report_followup": pgettext_lazy("tombol", "Laporkan tindak lanjut"),
    "validate": pgettext_lazy("tombol", "Validasi: selesai"),
    "reject_followup": pgettext_lazy("tombol", "TL Ditolak"),
    "reject": pgettext_lazy("tombol", "Tolak laporan"),
    "merge": pgettext_lazy("tombol", "Gabungkan"),
    "recategorise": pgettext_lazy("tombol", "Tetapkan kategori"),
    "ask": pgettext_lazy("tombol", "Tanya pelapor"),
}

JENIS_LABELS: dict[str, Promise] = {
    "pengaduan": _("Pengaduan"),
    "informasi": _("Permintaan informasi"),
    "aspirasi": _("Aspirasi"),
}

REJECT_REASON_LABELS: dict[str, Promise] = {
    "spam": _("Spam"),
    "bukan_laporan": _("Bukan laporan"),
    "luar_kewenangan": _("Di luar kewenangan Pemprov DKI"),
}

# The order in which unit kinds are offered as koordinasi targets: agencies first, regions after.
UNIT_KIND_LABELS: dict[str, Promise] = {
    "dinas": _("Dinas"),
    "badan": _("Badan"),
    "satpol": _("Satpol PP"),
    "bumd": _("BUMD"),
    "suku_dinas": _("Suku dinas"),
    "inspektorat": _("Inspektorat"),
    "kota": _("Kota administrasi"),
    "kecamatan": _("Kecamatan"),
    "kelurahan": _("Kelurahan"),
    "triage": _("Meja triase"),
    "biro": _("Biro Pemerintahan"),
}

# Keys of ReportEvent.data as officers read them.
FACT_LABELS: dict[str, Promise] = {
    "routing": _("Penentuan unit"),
    "channel": _("Kanal"),
    "location_source": _("Sumber lokasi"),
    "no_location_reason": _("Tanpa lokasi karena"),
    "kelurahan": _("Kelurahan"),
    "distance_m": _("Jarak ke batas (m)"),
    "category": _("Kategori"),
    "category_confidence": _("Keyakinan kategori"),
    "ews_date": _("Tanggal EWS"),
    "reject_reason": _("Alasan penolakan"),
    "referral": _("Instansi berwenang"),
    "merged_into": _("Digabungkan ke"),
    "classifier": _("Tebakan mesin"),
    "jenis": _("Jenis"),
    "jenis_confidence": _("Keyakinan jenis"),
    "kewenangan": _("Kewenangan"),
    "kewenangan_confidence": _("Keyakinan kewenangan"),
    "route": _("Rute"),
    "similar": _("Laporan serupa"),
    "similarity": _("Kemiripan teks"),
    "flood": _("Laporan hampir sama dari pelapor ini"),
    "copied": _("Tembusan"),
    "was": _("Sebelumnya"),
    "mentions": _("Tempat yang disebut"),
    "sebelum": _("Foto sebelum"),
    "sesudah": _("Foto sesudah"),
    "kanal": _("Kanal"),
    "external_id": _("Id di kanal asal"),
    "acting_head": _("Dilakukan kepala unit atasan"),
}


def label(table: dict[str, Promise], key: str | None) -> str:
    """The label of ``key``, or the key itself when the table does not know it (never an empty cell)."""
    if key is None:
        return ""
    return str(table.get(key, key))
