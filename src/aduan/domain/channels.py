"""The intake channels (kanal) of DESIGN.md §8 that a report can arrive through."""

from __future__ import annotations

from enum import StrEnum


class Kanal(StrEnum):
    JAKI = "jaki"
    WEB = "web"
    API = "api"
    TWITTER = "twitter"
    FACEBOOK = "facebook"
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    SMS = "sms"
    SOSMED_PIMPINAN = "sosmed_pimpinan"
    LAPOR = "lapor"
    PENDOPO = "pendopo"
    WALIKOTA = "walikota"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    INSPEKTORAT = "inspektorat"
    MEDIA = "media"
    QLUE = "qlue"
    OPEN311 = "open311"


LABELS: dict[Kanal, str] = {
    Kanal.JAKI: "Aplikasi JAKI",
    Kanal.WEB: "Situs web",
    Kanal.API: "API",
    Kanal.TWITTER: "Twitter/X",
    Kanal.FACEBOOK: "Facebook",
    Kanal.WHATSAPP: "WhatsApp",
    Kanal.EMAIL: "Surel",
    Kanal.SMS: "SMS",
    Kanal.SOSMED_PIMPINAN: "Media sosial Gubernur/Wakil Gubernur",
    Kanal.LAPOR: "LAPOR! 1708",
    Kanal.PENDOPO: "Pendopo Balai Kota",
    Kanal.WALIKOTA: "Kantor Wali Kota",
    Kanal.KECAMATAN: "Kantor Kecamatan",
    Kanal.KELURAHAN: "Kantor Kelurahan",
    Kanal.INSPEKTORAT: "Inspektorat",
    Kanal.MEDIA: "Media massa",
    Kanal.QLUE: "Qlue",
    Kanal.OPEN311: "Open311",
}
