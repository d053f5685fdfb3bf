"""Request and response shapes of the report contract (DESIGN.md §9)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

# Inputs are plain pydantic models: ninja's Schema reads attributes from any object, so a string
# where an object belongs ("reporter": "Budi") would pass silently as an empty object.


class ReporterIn(BaseModel):
    model_config = ConfigDict(str_max_length=254)

    name: str = ""
    phone: str = ""
    email: str = ""


class ReportIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    channel: str = Field(max_length=20)
    description: str = Field(max_length=5000)
    lat: float | None = None
    lon: float | None = None
    address: str = Field("", max_length=300)
    landmark: str = Field("", max_length=200)
    category: str | None = Field(None, max_length=32)
    visibility: str = "public"
    jenis: str = Field("", description="pengaduan, informasi or aspirasi; empty: Aduan decides from the text")
    reporter: ReporterIn | None = None
    external_id: str = Field("", max_length=120)


class CodeName(Schema):
    code: str
    name: str


class ReportCreated(Schema):
    ticket: str
    status: str
    jenis: str
    category: CodeName | None
    kelurahan: CodeName | None
    holder: CodeName
    cluster: str | None
    access_token: str | None = Field(
        description="Rahasia pelapor untuk tautan pribadi; hanya diberikan sekali, saat laporan dibuat."
    )
    created: bool = Field(description="false bila (channel, external_id) sudah pernah diterima")


class TimelineEntry(Schema):
    id: int
    at: datetime
    action: str
    status: str
    holder: CodeName
    unit: CodeName | None
    note: str


class ReportPublic(Schema):
    ticket: str
    status: str
    jenis: str
    channel: str
    visibility: str
    category: CodeName | None
    kelurahan: CodeName | None
    holder: CodeName
    cluster: str | None
    description: str | None
    address: str | None
    landmark: str | None
    lat: float | None
    lon: float | None
    ews_date: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    timeline: list[TimelineEntry]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class SimilarOut(Schema):
    ticket: str
    status: str
    distance_m: float
    similarity: float
