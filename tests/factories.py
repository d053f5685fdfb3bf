"""factory_boy factories for the models tests need; units and categories independent of shared data. Below
them, the reports several test modules start from: filed at Monas, held by a unit, finished."""

from __future__ import annotations

import json

import factory
from django.contrib.auth import get_user_model

from aduan.domain.lifecycle import UnitKind
from aduan.models import Agency, Article, Category, Officer, Region, RegionBoundary, Report, Unit
from aduan.services import reports
from aduan.services.reports import NewReport, Submitted

GAMBIR = "KEL-31.71.01.1001"  # Kelurahan Gambir's unit: it holds what is filed at Monas
BIRO = "BIROPEM"  # the Biro Pemerintahan: the dinas hang under it, its validators close cases
MONAS = (-6.1754, 106.8272)
# A square around Monas, (lon, lat) as GeoJSON has it: Gambir's polygon when ../shared/data is absent.
MONAS_SQUARE = [[106.82, -6.18], [106.835, -6.18], [106.835, -6.17], [106.82, -6.17], [106.82, -6.18]]


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TESTAG{n}")
    name = factory.LazyAttribute(lambda o: f"Dinas Uji {o.code}")
    kind = "dinas"
    has_suku_dinas = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TESTUNIT{n}")
    name = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    kind = UnitKind.DINAS


class DinasFactory(UnitFactory):
    """A dinas under the Biro with an agency of its own code and name (``agency__scope=…`` for more)."""

    kind = UnitKind.DINAS
    agency = factory.SubFactory(
        AgencyFactory, code=factory.SelfAttribute("..code"), name=factory.SelfAttribute("..name")
    )
    parent = factory.LazyFunction(lambda: Unit.objects.get(code=BIRO))


class SukuDinasFactory(UnitFactory):
    """The suku dinas of a dinas in Jakarta Pusat: the dinas's code and agency, '-31.71' after the code."""

    kind = UnitKind.SUKU_DINAS
    parent = factory.SubFactory(DinasFactory)
    code = factory.LazyAttribute(lambda o: f"{o.parent.code}-31.71")
    agency = factory.SelfAttribute("parent.agency")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TESTCAT{n}")
    name = factory.LazyAttribute(lambda o: f"Kategori {o.code}")
    agency = factory.SubFactory(AgencyFactory)
    kelurahan_handles = "no"
    sla_days = 7


class ArticleFactory(factory.django.DjangoModelFactory):
    """A knowledge-base article, on renting a rusunawa unless told otherwise; its agency is its category's."""

    class Meta:
        model = Article

    title = "Syarat menyewa rusunawa"
    question = "Apa syarat menyewa rusunawa?"
    body = "Warga ber-KTP DKI yang belum memiliki rumah mendaftar lewat aplikasi SIRUKIM."
    topic = "Rumah susun"
    keywords = "rusun, rumah susun, sewa"
    category = factory.SubFactory(CategoryFactory)
    agency = factory.SelfAttribute("category.agency")


class RegionBoundaryFactory(factory.django.DjangoModelFactory):
    """A region's polygon: Kelurahan Gambir's, the square around Monas, unless told otherwise."""

    class Meta:
        model = RegionBoundary

    class Params:
        ring = MONAS_SQUARE

    region = factory.LazyFunction(lambda: Region.objects.get(code="31.71.01.1001"))
    geometry = factory.LazyAttribute(lambda o: json.dumps({"type": "Polygon", "coordinates": [o.ring]}))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"petugas{n}")
    password = factory.django.Password("rahasia-uji-123")


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Officer.Role.OFFICER


def officer_at(unit_code: str, role: str = Officer.Role.OFFICER) -> Officer:
    """An officer account at one of the units `aduan setup` creates (e.g. 'KEL-31.71.01.1001')."""
    return OfficerFactory(unit=Unit.objects.get(code=unit_code), role=role)


# ---------------------------------------------------------------- reports in a given state


def at_monas(description: str = "Jalan berlubang besar di depan halte", **fields: object) -> Submitted:
    """A report filed on the web at Monas: Kelurahan Gambir holds it once Gambir has its polygon (the
    ``gambir_polygon`` fixture). ``lat=None, lon=None`` files it without the point."""
    values: dict[str, object] = {
        "channel": "web",
        "description": description,
        "lat": MONAS[0],
        "lon": MONAS[1],
    }
    values.update(fields)
    return reports.submit_report(NewReport(**values))  # type: ignore[arg-type]


def addressed_to_gambir(description: str, **fields: object) -> Report:
    """A report filed on the web without a point, its address naming Kelurahan Gambir."""
    values: dict[str, object] = {"channel": "web", "description": description, "address": "Kelurahan Gambir"}
    values.update(fields)
    return reports.submit_report(NewReport(**values)).report  # type: ignore[arg-type]


def held_by(unit_code: str, description: str = "Saluran air tersumbat di gang", **fields: object) -> Report:
    """A case without a point, forwarded to ``unit_code`` by the unit intake gave it (the triage desk, or the
    kelurahan a place name in the text points to)."""
    new = NewReport(channel="web", description=description, **fields)  # type: ignore[arg-type]
    report = reports.submit_report(new).report
    if report.holder.code != unit_code:
        reports.koordinasi(
            report.ticket, officer_at(report.holder.code).user, unit_code, "Lokasi di wilayahnya"
        )
    return Report.objects.select_related("holder__parent").get(pk=report.pk)


def finish(ticket: str, note: str, holder: str = GAMBIR) -> Report:
    """Accept, report the follow-up (``note``) and validate at the Biro: the case is selesai."""
    officer = officer_at(holder).user
    reports.accept(ticket, officer)
    reports.report_followup(ticket, officer, note)
    return reports.validate(ticket, officer_at(BIRO, "validator").user)
