"""Django admin: master data and tupoksi are editable; cases and their events are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from aduan.models import (
    Agency,
    ApiKey,
    Article,
    Attachment,
    BoundaryImport,
    Category,
    InboxMessage,
    Officer,
    OutboxMessage,
    Question,
    Region,
    RegionBoundary,
    Report,
    Reporter,
    ReportEvent,
    ResponseTemplate,
    SlaTarget,
    Unit,
)
from aduan.services import accounts, intake, outbox
from aduan.web import auth

# The admin is reached through the officers' log-in (lockout, TOTP step), and a session that still owes its
# TOTP code may not use it.
_has_admin_permission = admin.site.has_permission
admin.site.login = auth.admin_login  # type: ignore[method-assign]
admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
    _has_admin_permission(request) and auth.otp_satisfied(request)
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "postal_code", "has_polygon")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    @admin.display(boolean=True, description="poligon")
    def has_polygon(self, obj: Region) -> bool:
        return hasattr(obj, "boundary")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "has_suku_dinas")
    list_filter = ("kind", "has_suku_dinas")
    search_fields = ("code", "name", "scope")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("region", "parent", "agency")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "agency", "kelurahan_handles", "sla_days", "active")
    list_filter = ("kelurahan_handles", "active", "agency")
    list_editable = ("kelurahan_handles", "sla_days", "active")
    search_fields = ("code", "name", "scope")


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    """An account's unit and role; saving keeps the account in its role's group and its admin access in
    step with the role (services/accounts.py)."""

    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit")

    def save_model(self, request: HttpRequest, obj: Officer, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        accounts.sync_role(obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through the services, so that every change leaves an event."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    fields = (
        "created_at",
        "action",
        "actor_kind",
        "actor_unit",
        "from_status",
        "to_status",
        "holder",
        "reason",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "status", "category", "holder", "channel", "created_at")
    list_filter = ("status", "channel", "jenis", "category")
    search_fields = ("ticket", "description")
    date_hierarchy = "created_at"
    inlines = [EventInline]
    exclude = ("access_token_hash",)


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ("report", "action", "actor_unit", "to_status", "created_at")
    list_filter = ("action",)


@admin.register(Reporter)
class ReporterAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A private report hides its reporter from everyone, here too (DESIGN.md §12).
        if obj is not None and obj.reports.filter(visibility=Report.Visibility.PRIVATE).exists():
            return ("created_at",)
        return super().get_fields(request, obj)


@admin.register(BoundaryImport)
class BoundaryImportAdmin(ReadOnlyAdmin):
    list_display = ("level", "count", "repaired", "source", "imported_at")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("report", "content_type", "created_at")


@admin.register(RegionBoundary)
class RegionBoundaryAdmin(ReadOnlyAdmin):
    """Polygons change through `aduan import-boundaries`, which also tells running processes."""

    list_display = ("region",)
    search_fields = ("region__code", "region__name")


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    """Every delivery as it came; failed ones show their error and next attempt, and can be re-run."""

    list_display = (
        "id",
        "kanal",
        "external_id",
        "state",
        "attempts",
        "next_attempt_at",
        "report",
        "received_at",
    )
    list_filter = ("state", "kanal")
    search_fields = ("external_id", "error")
    date_hierarchy = "received_at"
    actions = ["rerun"]

    @admin.action(description="Proses ulang pesan yang gagal")
    def rerun(self, request: HttpRequest, queryset: QuerySet[InboxMessage]) -> None:
        states = [intake.retry(pk).state for pk in queryset.values_list("pk", flat=True)]
        done = states.count(InboxMessage.State.PROCESSED)
        self.message_user(request, f"{done} dari {len(states)} pesan berhasil diproses.", messages.INFO)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "report", "kanal", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "kanal")
    search_fields = ("report__ticket", "error")
    actions = ["resend"]

    @admin.action(description="Kirim ulang sekarang")
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox.requeue(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} pesan dijadwalkan ulang.", messages.INFO)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made with `aduan apikey create` (the key is shown once); here they are listed and revoked."""

    list_display = ("name", "prefix", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    fields = ("name", "prefix", "active", "created_at", "last_used_at")
    readonly_fields = ("name", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Deadline targets per jenis and category (DESIGN.md §7); a row without a category is the default."""

    list_display = (
        "jenis",
        "category",
        "response_working_days",
        "completion_days",
        "completion_in_working_days",
        "red_flag_days_before",
    )
    list_filter = ("jenis",)
    list_editable = ("response_working_days", "completion_days", "completion_in_working_days")
    raw_id_fields = ("category",)


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "action", "category", "active")
    list_filter = ("action", "active")
    search_fields = ("name", "text")
    raw_id_fields = ("category",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Knowledge-base articles: editable; a change is picked up by every process's search index at once."""

    list_display = ("title", "topic", "agency", "category", "last_verified", "published", "from_report")
    list_filter = ("published", "topic", "agency")
    list_editable = ("published",)
    search_fields = ("title", "question", "keywords", "body")
    raw_id_fields = ("from_report",)
    date_hierarchy = "updated_at"


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    """What residents asked (read-only: the outreach figures count them)."""

    list_display = ("created_at", "short_text", "best_article", "best_score", "answered", "not_helpful")
    list_filter = ("answered", "not_helpful", "agency", "channel")
    search_fields = ("text",)
    date_hierarchy = "created_at"

    @admin.display(description="pertanyaan")
    def short_text(self, obj: Question) -> str:
        return obj.text[:80]
