"""Django admin: master data and tupoksi are editable; cases and their events are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aduan.models import (
    Agency,
    Attachment,
    BoundaryImport,
    Category,
    Officer,
    Region,
    RegionBoundary,
    Report,
    Reporter,
    ReportEvent,
    Unit,
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
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit")


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
