"""Django forms of the web pages. They parse and type the input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.domain.channels import LABELS as KANAL_LABELS
from aduan.domain.channels import Kanal
from aduan.domain.tickets import normalize_ticket
from aduan.models import Category, Report
from aduan.services import casework, photos
from aduan.services.reports import NewReport, ReporterInput
from aduan.web import queries
from aduan.web.labels import JENIS_LABELS, REJECT_REASON_LABELS, STATUS_LABELS, UNIT_KIND_LABELS


def _text(label: Any, *, rows: int = 3, required_in_browser: bool = True, **kwargs: Any) -> forms.CharField:
    """A free-text field. Empty input reaches the service, which says why it is needed."""
    attrs = {"rows": rows}
    if required_in_browser:
        attrs["required"] = True
    return forms.CharField(
        label=label, required=False, strip=True, widget=forms.Textarea(attrs=attrs), **kwargs
    )


class TicketForm(forms.Form):
    ticket = forms.CharField(
        label=_("Nomor tiket"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "placeholder": "K7M3-QX2A",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_ticket(self) -> str:
        canonical = normalize_ticket(self.cleaned_data["ticket"])
        if canonical is None:
            raise ValidationError(_("Nomor tiket terdiri atas 8 huruf dan angka, misalnya K7M3-QX2A."))
        return canonical


class ReportForm(forms.Form):
    """A citizen's report. Field names follow NewReport; reporter fields are flattened."""

    # InvalidInput names these fields differently from the form.
    SERVICE_FIELDS = {
        "reporter.name": "reporter_name",
        "reporter.phone": "reporter_phone",
        "reporter.email": "reporter_email",
    }

    description = forms.CharField(
        label=_("Uraian laporan"),
        required=False,
        help_text=_("Apa masalahnya, sejak kapan, dan apa yang Anda harapkan."),
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "required": True,
                "maxlength": 5000,
                # Categories suggested as the reporter types (web/citizen.py); nothing is stored.
                "hx-get": reverse_lazy("aduan-web:file-category"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#category-suggest",
                "hx-sync": "this:replace",
            }
        ),
    )
    jenis = forms.ChoiceField(
        label=_("Jenis laporan"),
        choices=list(JENIS_LABELS.items()),
        initial=Report.Jenis.PENGADUAN,
        widget=forms.RadioSelect,
    )
    category = forms.CharField(label=_("Kategori"), required=False, widget=forms.Select)
    lat = forms.FloatField(
        label=_("Lintang (latitude)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "placeholder": "-6.1754"}),
    )
    lon = forms.FloatField(
        label=_("Bujur (longitude)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "placeholder": "106.8272"}),
    )
    address = forms.CharField(
        label=_("Alamat"), required=False, widget=forms.TextInput(attrs={"maxlength": 300})
    )
    landmark = forms.CharField(
        label=_("Patokan"),
        required=False,
        help_text=_("Misalnya: depan masjid, seberang halte."),
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )
    visibility = forms.ChoiceField(
        label=_("Siapa yang boleh melihat laporan ini?"),
        choices=[
            (
                Report.Visibility.PUBLIC,
                _(
                    "Publik: siapa pun dapat melihat isi dan lokasi laporan. "
                    "Nama dan kontak Anda tidak pernah ditampilkan."
                ),
            ),
            (
                Report.Visibility.PRIVATE,
                _(
                    "Rahasia: isi dan lokasi hanya untuk petugas dan Anda (lewat tautan pribadi); "
                    "identitas Anda disembunyikan juga dari petugas."
                ),
            ),
        ],
        initial=Report.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    contact = forms.ChoiceField(
        label=_("Bagaimana kami mengabari Anda?"),
        required=False,
        choices=[
            ("email", _("Lewat surel")),
            ("phone", _("Lewat SMS ke nomor telepon")),
            ("none", _("Tidak perlu: saya memantau sendiri dengan nomor tiket")),
        ],
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(
        label=_("Nama"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 120}),
    )
    reporter_phone = forms.CharField(
        label=_("Nomor telepon"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    reporter_email = forms.CharField(
        label=_("Surel"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = (get_language() or "").startswith("en")
        categories = (
            Category.objects.filter(active=True).order_by("name").values_list("code", "name", "name_en")
        )
        choices: list[tuple[str, Any]] = [("", _("Tidak tahu"))]
        choices += [(code, (name_en if english and name_en else name)) for code, name, name_en in categories]
        self.fields["category"].widget.choices = choices
        self.fields["photos"] = MultiplePhotoField(
            label=_("Foto"),
            help_text=_(
                "Opsional, paling banyak 5 foto (JPEG, PNG atau WebP, masing-masing sampai 10 MB). Foto "
                "diperkecil dan data di dalam berkasnya dihapus; lokasi foto pertama dapat mengisi titik."
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        contact = data.get("contact")
        if contact == "email" and not (data.get("reporter_email") or "").strip():
            self.add_error("reporter_email", _("Isi alamat surel Anda, atau pilih cara lain."))
        if contact == "phone" and not (data.get("reporter_phone") or "").strip():
            self.add_error("reporter_phone", _("Isi nomor telepon Anda, atau pilih cara lain."))
        return data

    def add_service_errors(self, errors: dict[str, str]) -> None:
        """Put each message of InvalidInput next to its field (unknown fields: above the form)."""
        for name, message in errors.items():
            field = self.SERVICE_FIELDS.get(name, name)
            self.add_error(field if field in self.fields else None, message)

    def reporter_input(self) -> ReporterInput:
        """Who the reporter is and how they hear back, as chosen: only the chosen kanal's address is kept
        (a field hidden by the page may still hold what was typed before); without a choice, what is given."""
        data = self.cleaned_data
        name = data.get("reporter_name") or ""
        phone = data.get("reporter_phone") or ""
        email = data.get("reporter_email") or ""
        contact = data.get("contact")
        if contact == "none":
            return ReporterInput()
        if contact == "email":
            phone = ""
        elif contact == "phone":
            email = ""
        return ReporterInput(name, phone, email)

    def to_new_report(self) -> NewReport:
        data = self.cleaned_data
        return NewReport(
            channel="web",
            description=data["description"],
            lat=data["lat"],
            lon=data["lon"],
            address=data["address"],
            landmark=data["landmark"],
            category=data["category"] or None,
            visibility=data["visibility"],
            jenis=data["jenis"],
            reporter=self.reporter_input(),
        )


class DisputeForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = _text(_("Mengapa laporan ini belum selesai?"))


class AnswerForm(forms.Form):
    """The reporter's answer to an officer's question (the private link's token rides along, hidden)."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    answer = _text(_("Jawaban Anda"), rows=5)


# ---------------------------------------------------------------- officer actions, one form each


class ActionForm(forms.Form):
    """A form for one lifecycle action on ``report``; subclasses add the arguments of their service."""

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report


class AcceptForm(ActionForm):
    pass


class KoordinasiForm(ActionForm):
    target = forms.CharField(label=_("Unit tujuan"), required=False, widget=forms.Select)
    reason = _text(_("Alasan koordinasi"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {kind: [] for kind in UNIT_KIND_LABELS}
        for unit in queries.koordinasi_targets(self.report):
            groups.setdefault(unit.kind, []).append((unit.code, unit.name))
        choices: list[tuple[Any, Any]] = [("", _("— pilih unit —"))]
        choices += [(UNIT_KIND_LABELS.get(kind, kind), units) for kind, units in groups.items() if units]
        self.fields["target"].widget.choices = choices
        # The unit whose tupoksi covers the category is preselected, its duties shown as the reason's hint.
        self.suggestion = casework.suggest_koordinasi(self.report)
        if self.suggestion is not None:
            self.initial.setdefault("target", self.suggestion.unit_code)
            self.fields["target"].help_text = _("Saran sistem: %(unit)s. %(why)s") % {
                "unit": self.suggestion.unit_name,
                "why": self.suggestion.reason,
            }


class ReturnForm(ActionForm):
    reason = _text(_("Alasan pengembalian"))


class DisposisiForm(ActionForm):
    target = forms.CharField(label=_("Suku dinas"), required=False, widget=forms.Select)
    reason = _text(_("Instruksi (opsional)"), required_in_browser=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("— pilih suku dinas —"))]
        choices += [(unit.code, unit.name) for unit in queries.own_suku_dinas(self.report)]
        self.fields["target"].widget.choices = choices


class SetEwsForm(ActionForm):
    ews_date = forms.DateField(
        label=_("Estimasi waktu selesai"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Isi tanggal EWS."), "invalid": _("Tanggal EWS tidak valid.")},
    )
    reason = _text(_("Alasan"))


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; the service sniffs and re-encodes each (services/photos.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        too_big = [f for f in files if getattr(f, "size", 0) > photos.MAX_BYTES]
        if too_big:
            raise ValidationError(
                _("%(label)s: %(name)s lebih dari 10 MB.") % {"label": self.label, "name": too_big[0].name}
            )
        if len(files) > photos.MAX_PER_KIND:
            raise ValidationError(
                _("%(label)s: paling banyak %(n)d foto.") % {"label": self.label, "n": photos.MAX_PER_KIND}
            )
        return list(files)


class ReportFollowupForm(ActionForm):
    note = _text(_("Uraian tindak lanjut"), rows=4)
    before = MultiplePhotoField(
        label=_("Foto sebelum"), help_text=_("Opsional. JPEG, PNG atau WebP, paling banyak 5 foto.")
    )
    after = MultiplePhotoField(
        label=_("Foto sesudah"),
        help_text=_(
            "Wajib untuk pengaduan: foto di lokasi setelah ditangani, dengan lokasi dan waktu kamera aktif."
        ),
    )


class AskForm(ActionForm):
    reason = _text(
        _("Pertanyaan untuk pelapor"),
        help_text=_(
            "Dikirim ke pelapor lewat kanalnya; jawabannya masuk ke riwayat laporan. "
            "Identitas pelapor laporan rahasia tetap tersembunyi."
        ),
    )


class ValidateForm(ActionForm):
    note = _text(_("Catatan (opsional)"), required_in_browser=False)


class RejectFollowupForm(ActionForm):
    reason = _text(_("Alasan TL ditolak"))


class RejectForm(ActionForm):
    reject_reason = forms.ChoiceField(
        label=_("Alasan penolakan"),
        choices=list(REJECT_REASON_LABELS.items()),
        error_messages={"required": _("Pilih alasan penolakan.")},
    )
    reason = _text(_("Keterangan"))
    referral = forms.CharField(
        label=_("Instansi berwenang (untuk laporan di luar kewenangan)"), required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Routing's proposal for a matter outside Pemprov DKI: the officer confirms or corrects it.
        if self.report.proposed_referral:
            self.initial.setdefault("referral", self.report.proposed_referral)
        if self.report.kewenangan == "luar":
            self.initial.setdefault("reject_reason", "luar_kewenangan")


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("Nomor tiket laporan tujuan"),
        max_length=40,
        error_messages={"required": _("Isi nomor tiket laporan tujuan.")},
        widget=forms.TextInput(attrs={"placeholder": "K7M3-QX2A", "autocapitalize": "characters"}),
    )
    reason = _text(_("Alasan (opsional)"), required_in_browser=False)


class RecategoriseForm(ActionForm):
    """The one-click triage decision: the guess is pre-selected, the officer confirms or corrects it."""

    category = forms.ChoiceField(label=_("Kategori"))
    jenis = forms.ChoiceField(label=_("Jenis"), choices=list(JENIS_LABELS.items()))
    kewenangan = forms.ChoiceField(
        label=_("Kewenangan"), choices=[("dki", _("Pemprov DKI")), ("luar", _("Di luar Pemprov DKI"))]
    )
    reason = _text(_("Catatan (opsional)"), required_in_browser=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in Category.objects.filter(active=True)]
        self.initial.setdefault("category", self.report.category.code if self.report.category else "LAINNYA")
        self.initial.setdefault("jenis", self.report.jenis)
        self.initial.setdefault("kewenangan", self.report.kewenangan or "dki")


# The kanal an officer may record at a desk, by the kind of their unit (the desk they sit at), plus the
# staff-entered kanal: mass-media items and the governor's social media.
DESK_KANAL_BY_UNIT_KIND = {
    "kelurahan": "kelurahan",
    "kecamatan": "kecamatan",
    "kota": "walikota",
    "inspektorat": "inspektorat",
    "biro": "pendopo",
}
STAFF_KANAL = ("media", "sosmed_pimpinan")


class DeskForm(ReportForm):
    """A report taken at a walk-in desk, or a media or social-media item entered by staff."""

    kanal = forms.ChoiceField(label=_("Kanal"))
    source_url = forms.URLField(
        label=_("Tautan sumber"),
        required=False,
        help_text=_("Wajib untuk berita media massa; untuk unggahan media sosial pimpinan bila ada."),
        widget=forms.URLInput(attrs={"maxlength": 500, "placeholder": "https://"}),
        max_length=500,
        assume_scheme="https",
    )
    # One id per rendered form: a double click or a resent form makes one report, not two.
    intake_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, unit_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        desk = DESK_KANAL_BY_UNIT_KIND.get(unit_kind)
        kanal = ([desk] if desk else []) + list(STAFF_KANAL)
        self.fields["kanal"].choices = [(k, KANAL_LABELS[Kanal(k)]) for k in kanal]
        self.fields["kanal"].initial = kanal[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kanal") == "media" and not data.get("source_url"):
            self.add_error("source_url", _("Berita media massa perlu tautan sumbernya."))
        return data

    def to_new_report(self) -> NewReport:
        new = super().to_new_report()
        data = self.cleaned_data
        new.channel = data["kanal"]
        new.external_id = f"desk-{data['intake_id']}"
        if data["source_url"] and new.description.strip():
            new.description = f"{new.description}\n\nSumber: {data['source_url']}"
        return new


# ---------------------------------------------------------------- the queue: filters and bulk actions


class QuickSelect(forms.Select):
    """A flat select rendered in Python. Django renders every option through a template of its own,
    which for the ~330 options of the queue's filters was half of the page's CPU time."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if str(code) == chosen else "", text)
                for code, text in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class QueueFilterForm(forms.Form):
    """The queue's filters as a plain GET form, so that a filtered queue is a link one can share.

    An invalid field is reported next to itself and ignored; the valid ones still filter."""

    q = forms.CharField(
        label=_("Cari nomor tiket atau isi laporan"),
        required=False,
        max_length=100,
        strip=True,
        error_messages={"max_length": _("Teks pencarian paling banyak 100 karakter.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Kategori"), required=False, widget=QuickSelect)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False, widget=QuickSelect)
    kanal = forms.ChoiceField(label=_("Kanal"), required=False, widget=QuickSelect)
    overdue = forms.BooleanField(label=_("Hanya yang lewat batas waktu"), required=False)
    red_flag = forms.BooleanField(label=_("Hanya yang berbendera merah"), required=False)
    min_cluster = forms.IntegerField(
        label=_("Jumlah laporan tergabung, minimal"),
        required=False,
        min_value=2,
        max_value=10_000,
        error_messages={
            "invalid": _("Jumlah laporan tergabung harus bilangan bulat."),
            "min_value": _("Jumlah laporan tergabung minimal 2 (satu laporan saja tidak perlu disaring)."),
            "max_value": _("Jumlah laporan tergabung terlalu besar."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "2"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = _("Semua")
        invalid = _("Pilihan %(field)s tidak dikenal.")
        self.fields["status"].choices = [("", anything)] + [
            (s, label) for s, label in STATUS_LABELS.items() if s in queries.OPEN_STATUS_VALUES
        ]
        categories = Category.objects.order_by("name").values_list("code", "name")
        self.fields["category"].choices = [("", anything), *categories]
        self.fields["kelurahan"].choices = [("", anything), *queries.kelurahan_choices()]
        self.fields["kanal"].choices = [("", anything)] + [(k.value, KANAL_LABELS[k]) for k in Kanal]
        for name in ("status", "category", "kelurahan", "kanal"):
            field = self.fields[name]
            field.error_messages["invalid_choice"] = invalid % {"field": str(field.label).lower()}

    def to_filter(self) -> queries.QueueFilter:
        """The filter of the valid fields (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        text = data.get("q") or ""
        return queries.QueueFilter(
            status=data.get("status") or "",
            category=data.get("category") or "",
            kelurahan=data.get("kelurahan") or "",
            kanal=data.get("kanal") or "",
            overdue=bool(data.get("overdue")),
            red_flag=bool(data.get("red_flag")),
            min_cluster=data.get("min_cluster"),
            ticket=normalize_ticket(text) or "" if text else "",
            text=text,
        )


BULK_LIMIT = 100
BULK_ACTIONS = {"accept": _("Terima dan tangani"), "koordinasi": _("Koordinasi")}


class BulkForm(forms.Form):
    """Cases picked in the queue and one action for all of them; each goes through its service."""

    action = forms.ChoiceField(
        label=_("Tindakan"),
        choices=list(BULK_ACTIONS.items()),
        error_messages={
            "required": _("Pilih tindakan."),
            "invalid_choice": _("Tindakan massal hanya terima atau koordinasi."),
        },
    )
    tickets = forms.Field(label=_("Laporan"), required=False, widget=forms.MultipleHiddenInput)

    def clean_tickets(self) -> list[str]:
        raw = self.cleaned_data.get("tickets") or []
        typed = [raw] if isinstance(raw, str) else raw
        tickets = list(dict.fromkeys(t.strip() for t in typed if t.strip()))
        if not tickets:
            raise ValidationError(_("Pilih setidaknya satu laporan."))
        if len(tickets) > BULK_LIMIT:
            raise ValidationError(_("Paling banyak %(limit)d laporan sekaligus.") % {"limit": BULK_LIMIT})
        return tickets


class BulkKoordinasiForm(BulkForm):
    """Forward the picked cases to one unit with one reason."""

    target = forms.ChoiceField(
        label=_("Unit tujuan"),
        error_messages={
            "required": _("Pilih unit tujuan koordinasi."),
            "invalid_choice": _("Unit tujuan tidak ada dalam daftar."),
        },
    )
    reason = forms.CharField(
        label=_("Alasan koordinasi"),
        strip=True,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        error_messages={"required": _("Alasan koordinasi wajib diisi.")},
    )

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {kind: [] for kind in UNIT_KIND_LABELS}
        for unit in queries.bulk_koordinasi_targets(unit_id):
            groups.setdefault(unit.kind, []).append((unit.code, unit.name))
        choices: list[tuple[Any, Any]] = [("", _("— pilih unit —"))]
        choices += [(UNIT_KIND_LABELS.get(kind, kind), units) for kind, units in groups.items() if units]
        self.fields["target"].choices = choices
