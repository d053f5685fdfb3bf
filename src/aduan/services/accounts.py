"""Officer accounts: creating them, their role groups, the demo accounts `make run` sets up, and TOTP."""

from __future__ import annotations

import re
import time
from binascii import unhexlify
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from aduan.domain.errors import DomainError
from aduan.models import Officer, Unit

DEMO_PASSWORD = "aduan-demo-2026"

Role = Officer.Role

# One Django group per role, so that the admin's permissions follow the role (docs/accounts.md).
ROLE_GROUPS: dict[str, str] = {
    Role.OFFICER: "Petugas",
    Role.HEAD: "Kepala unit",
    Role.VALIDATOR: "Validator",
    Role.SUPERVISOR: "Pengawas",
    Role.ADMIN: "Admin",
}

# The admin role edits master data, tupoksi, deadline targets and response templates, assigns officers to
# units and roles, and unlocks locked-out log-ins. Cases, reporters, the inbox and outbox, API keys and
# TOTP devices are not theirs: those carry personal data or secrets (superusers only).
_ADMIN_PERMISSIONS = [
    "aduan.view_region",
    "aduan.view_regionboundary",
    "aduan.view_boundaryimport",
    "aduan.view_agency",
    "aduan.add_agency",
    "aduan.change_agency",
    "aduan.view_unit",
    "aduan.add_unit",
    "aduan.change_unit",
    "aduan.view_category",
    "aduan.add_category",
    "aduan.change_category",
    "aduan.view_slatarget",
    "aduan.add_slatarget",
    "aduan.change_slatarget",
    "aduan.delete_slatarget",
    "aduan.view_responsetemplate",
    "aduan.add_responsetemplate",
    "aduan.change_responsetemplate",
    "aduan.delete_responsetemplate",
    "aduan.view_officer",
    "aduan.add_officer",
    "aduan.change_officer",
    "auth.view_user",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
]
# Officers, heads, validators and supervisors work in the officers' pages; nothing for them in the admin.
ROLE_PERMISSIONS: dict[str, list[str]] = {Role.ADMIN: _ADMIN_PERMISSIONS}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    unit_code: str
    role: str
    description: str
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("lurah.gambir", "KEL-31.71.01.1001", Role.OFFICER, "petugas Kelurahan Gambir"),
    DemoAccount("camat.gambir", "KEC-31.71.01", Role.HEAD, "kepala Kecamatan Gambir"),
    DemoAccount("pengawas.jakpus", "KOTA-31.71", Role.SUPERVISOR, "pengawas Kota Jakarta Pusat"),
    DemoAccount(
        "sudin.binamarga.jakpus",
        "BINAMARGA-31.71",
        Role.OFFICER,
        "petugas Suku Dinas Bina Marga Jakarta Pusat",
    ),
    DemoAccount("dinas.binamarga", "BINAMARGA", Role.OFFICER, "petugas Dinas Bina Marga"),
    DemoAccount("kadis.binamarga", "BINAMARGA", Role.HEAD, "kepala Dinas Bina Marga"),
    DemoAccount("triase", "TRIASE", Role.OFFICER, "petugas meja triase"),
    DemoAccount("petugas.biro", "BIROPEM", Role.OFFICER, "petugas Biro Pemerintahan (tanpa validasi)"),
    DemoAccount("validator.biro", "BIROPEM", Role.VALIDATOR, "validator Biro Pemerintahan"),
    DemoAccount("admin.data", "BIROPEM", Role.ADMIN, "admin data induk (Django admin di /admin/)"),
    DemoAccount("admin", "BIROPEM", Role.ADMIN, "admin (superuser, Django admin di /admin/)", superuser=True),
]


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is None:
            raise DomainError("configuration", f"Izin {name} belum ada: jalankan `aduan migrate` dahulu.")
        found.append(permission)
    return found


def role_group(role: str) -> Group:
    """The group of a role, made with its permissions the first time."""
    if role not in ROLE_GROUPS:
        raise DomainError("invalid_input", f"Peran '{role}' tidak dikenal.", field="role")
    group, created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    if created:
        group.permissions.add(*_permissions(ROLE_PERMISSIONS.get(role, [])))
    return group


@transaction.atomic
def ensure_role_groups() -> list[Group]:
    """Every role's group with at least its permissions; permissions an admin added are kept."""
    groups = []
    for role in ROLE_GROUPS:
        group = role_group(role)
        group.permissions.add(*_permissions(ROLE_PERMISSIONS.get(role, [])))
        groups.append(group)
    return groups


@transaction.atomic
def sync_role(officer: Officer) -> None:
    """Keep the account in its role's group (and no other role's), staff exactly when it may use the admin
    (the admin role, or a superuser)."""
    user = officer.user
    own = role_group(officer.role)
    others = Group.objects.filter(name__in=[n for r, n in ROLE_GROUPS.items() if r != officer.role])
    user.groups.remove(*others)
    user.groups.add(own)
    staff = user.is_superuser or officer.role == Role.ADMIN
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def ensure_officer(
    username: str, unit_code: str, role: str, password: str, superuser: bool = False
) -> Officer:
    """Create the account and its Officer link if missing; an existing account keeps its password."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise DomainError("invalid_target", f"Unit '{unit_code}' tidak dikenal.")
    if role not in ROLE_GROUPS:
        raise DomainError("invalid_input", f"Peran '{role}' tidak dikenal.", field="role")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(username=username, password=password)
    if superuser and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    officer, _ = Officer.objects.update_or_create(user=user, defaults={"unit": unit, "role": role})
    sync_role(officer)
    return officer


def create_demo_accounts() -> list[DemoAccount]:
    ensure_role_groups()
    for account in DEMO_ACCOUNTS:
        ensure_officer(account.username, account.unit_code, account.role, DEMO_PASSWORD, account.superuser)
    return DEMO_ACCOUNTS


# ---------------------------------------------------------------- TOTP (django-otp)

_CODE = re.compile(r"^[0-9]{6}$")
TOTP_DIGITS = 6
TOTP_STEP = 30


def _code(token: str) -> int:
    token = re.sub(r"\s", "", token or "")
    if not _CODE.match(token):
        raise DomainError("invalid_input", "Kode harus 6 angka.", field="code")
    return int(token)


def otp_required_for(role: str) -> bool:
    """Whether the deployment requires TOTP for this role (ADUAN_OTP_REQUIRED_ROLES)."""
    return role in settings.ADUAN_OTP_REQUIRED_ROLES


def totp_device(user: AbstractBaseUser | AnonymousUser) -> TOTPDevice | None:
    """The account's confirmed TOTP device, if it turned TOTP on."""
    if user.pk is None:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


def needs_otp(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether a session of this account must be verified with a TOTP code: it has a device, or its role
    requires one."""
    pk = user.pk
    if pk is None:
        return False
    if totp_device(user) is not None:
        return True
    role = Officer.objects.filter(user_id=pk).values_list("role", flat=True).first()
    return role is not None and otp_required_for(role)


def new_totp_key() -> str:
    """A fresh secret (20 random bytes, hex) for the set-up page; nothing is stored until it is confirmed."""
    return str(random_hex(20))


def unsaved_device(user: AbstractBaseUser, key: str) -> TOTPDevice:
    """A device for showing the otpauth:// address of ``key`` before it is confirmed (never saved here)."""
    return TOTPDevice(user=user, name="Aduan", key=key, digits=TOTP_DIGITS, step=TOTP_STEP, confirmed=False)


@transaction.atomic
def enable_totp(user: AbstractBaseUser, key: str, token: str) -> TOTPDevice:
    """Turn TOTP on with the secret shown on the set-up page, once the app's current code proves the
    officer has it. Replaces any earlier device of the account."""
    code = _code(token)
    try:
        secret = unhexlify(key.encode())
    except (ValueError, UnicodeError):
        raise DomainError(
            "invalid_input", "Kunci TOTP tidak sah; muat ulang halaman.", field="code"
        ) from None
    if len(secret) < 10:
        raise DomainError("invalid_input", "Kunci TOTP tidak sah; muat ulang halaman.", field="code")
    totp = TOTP(secret, TOTP_STEP, 0, TOTP_DIGITS, 0)
    totp.time = time.time()
    if not totp.verify(code, tolerance=1):
        raise DomainError("invalid_code", "Kode salah atau sudah kedaluwarsa; coba kode yang baru.", "code")
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    return TOTPDevice.objects.create(
        user=user,
        name="Aduan",
        key=key,
        digits=TOTP_DIGITS,
        step=TOTP_STEP,
        confirmed=True,
        drift=totp.drift,
        last_t=totp.t(),  # the code just used cannot log in again
    )


def verify_totp(user: AbstractBaseUser, token: str) -> TOTPDevice | None:
    """The device when ``token`` is the account's current code, else None (a malformed code too).

    django-otp refuses a code used before and slows down repeated failures (throttling)."""
    device = totp_device(user)
    if device is None:
        return None
    try:
        _code(token)
    except DomainError:
        return None
    return device if device.verify_token(token) else None


@transaction.atomic
def disable_totp(user: AbstractBaseUser, token: str) -> None:
    """Turn TOTP off with a current code; refused where the role requires it."""
    role = Officer.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    if role is not None and otp_required_for(role):
        raise DomainError("forbidden", "Peran Anda wajib memakai kode TOTP; tidak dapat dimatikan.")
    _code(token)
    if verify_totp(user, token) is None:
        raise DomainError("invalid_code", "Kode salah atau sudah kedaluwarsa.", field="code")
    TOTPDevice.objects.filter(user_id=user.pk).delete()
