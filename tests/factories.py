"""factory_boy factories for the models tests need; units and categories independent of shared data."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from aduan.domain.lifecycle import UnitKind
from aduan.models import Agency, Category, Officer, Unit


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


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TESTCAT{n}")
    name = factory.LazyAttribute(lambda o: f"Kategori {o.code}")
    agency = factory.SubFactory(AgencyFactory)
    kelurahan_handles = "no"
    sla_days = 7


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
