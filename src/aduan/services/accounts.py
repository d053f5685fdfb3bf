"""Officer accounts: creating them, and the demo accounts that `make run` sets up."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from aduan.domain.errors import DomainError
from aduan.models import Officer, Unit

DEMO_PASSWORD = "aduan-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    unit_code: str
    role: str
    description: str
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("lurah.gambir", "KEL-31.71.01.1001", Officer.Role.OFFICER, "petugas Kelurahan Gambir"),
    DemoAccount(
        "sudin.binamarga.jakpus",
        "BINAMARGA-31.71",
        Officer.Role.OFFICER,
        "petugas Suku Dinas Bina Marga Jakarta Pusat",
    ),
    DemoAccount("dinas.binamarga", "BINAMARGA", Officer.Role.OFFICER, "petugas Dinas Bina Marga"),
    DemoAccount("triase", "TRIASE", Officer.Role.OFFICER, "petugas meja triase"),
    DemoAccount("validator.biro", "BIROPEM", Officer.Role.VALIDATOR, "validator Biro Pemerintahan"),
    DemoAccount("admin", "BIROPEM", Officer.Role.ADMIN, "admin (Django admin di /admin/)", superuser=True),
]


@transaction.atomic
def ensure_officer(
    username: str, unit_code: str, role: str, password: str, superuser: bool = False
) -> Officer:
    """Create the account and its Officer link if missing; an existing account keeps its password."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise DomainError("invalid_target", f"Unit '{unit_code}' tidak dikenal.")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(username=username, password=password)
    if superuser and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    officer, _ = Officer.objects.update_or_create(user=user, defaults={"unit": unit, "role": role})
    return officer


def create_demo_accounts() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        ensure_officer(account.username, account.unit_code, account.role, DEMO_PASSWORD, account.superuser)
    return DEMO_ACCOUNTS
