"""Log-in security: lockout after repeated failures (django-axes), the optional TOTP step (django-otp)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.models import Officer
from aduan.services import accounts
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-uji-yang-panjang-2026"
LOCKED = "Terlalu banyak percobaan masuk yang gagal"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer() -> Officer:
    return accounts.ensure_officer("lurah.aman", "KEL-31.71.01.1001", Officer.Role.OFFICER, PASSWORD)


def log_in(client, username: str, password: str, **extra):
    return client.post("/masuk/", {"username": username, "password": password}, **extra)


def code_for(device: TOTPDevice | str, at: float | None = None) -> str:
    """The authenticator app's code for a device (or a hex key) at a moment (now by default)."""
    key = device if isinstance(device, str) else device.key
    totp = TOTP(bytes.fromhex(key), 30, 0, 6, 0)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def logged_in_as(client) -> str | None:
    response = client.get("/petugas/")
    return None if response.status_code == 302 else response.wsgi_request.user.get_username()


# ---------------------------------------------------------------- lockout


def test_five_failures_lock_the_username_and_address_even_for_the_right_password(client, officer):
    for attempt in range(1, 5):
        response = log_in(client, "lurah.aman", f"salah-{attempt}")
        assert response.status_code == 200
        assert "msg error" in text(response) and LOCKED not in text(response)
    fifth = log_in(client, "lurah.aman", "salah-5")
    assert fifth.status_code == 429
    page = text(fifth)
    assert LOCKED in page and "15 menit" in page
    assert 'name="username"' in page  # still the log-in page, in Indonesian

    sixth = log_in(client, "lurah.aman", PASSWORD)
    assert sixth.status_code == 429 and LOCKED in text(sixth)
    assert logged_in_as(client) is None

    # Another address is not locked (the lock is per username and address).
    assert log_in(client, "lurah.aman", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_an_admin_reset_unlocks(client, officer):
    for attempt in range(5):
        log_in(client, "lurah.aman", f"salah-{attempt}")
    assert log_in(client, "lurah.aman", PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)
    response = log_in(client, "lurah.aman", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/petugas/"
    assert logged_in_as(client) == "lurah.aman"


def test_the_lock_ends_after_fifteen_minutes(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(5):
            log_in(client, "lurah.aman", f"salah-{attempt}")
        clock.shift(dt.timedelta(minutes=14))
        assert log_in(client, "lurah.aman", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert log_in(client, "lurah.aman", PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(client, officer):
    for attempt in range(4):
        log_in(client, "lurah.aman", f"salah-{attempt}")
    assert log_in(client, "lurah.aman", PASSWORD).status_code == 302
    client.post("/keluar/")
    for attempt in range(4):
        assert log_in(client, "lurah.aman", f"salah-lagi-{attempt}").status_code == 200


def test_the_lockout_says_nothing_about_whether_the_account_exists(client, officer):
    def answers(username: str) -> list[tuple[int, str]]:
        seen = []
        for attempt in range(6):
            response = log_in(client, username, f"salah-{attempt}")
            page = re.sub(r'value="[^"]*"', "", text(response))  # the typed username, the CSRF token
            page = re.sub(r"\s+", " ", page.replace(username, "USER"))
            seen.append((response.status_code, page))
        return seen

    assert answers("lurah.aman") == answers("tidak.ada.orangnya")


def test_force_login_still_works_for_tests(client, officer):
    client.force_login(officer.user)
    assert client.get("/petugas/").status_code == 200


# ---------------------------------------------------------------- TOTP


def enable(client, officer: Officer) -> TOTPDevice:
    """Turn TOTP on through the set-up page, as the officer would."""
    client.force_login(officer.user)
    page = text(client.get("/petugas/keamanan/"))
    key = client.session["aduan_totp_setup_key"]
    assert client.post("/petugas/keamanan/", {"code": code_for(key)}).status_code == 302
    assert "Kode TOTP aktif" in text(client.get("/petugas/keamanan/"))
    assert page  # the set-up page rendered
    client.post("/keluar/")
    return TOTPDevice.objects.get(user=officer.user, confirmed=True)


def test_the_set_up_page_shows_the_otpauth_address_and_an_inline_qr_code(client, officer):
    client.force_login(officer.user)
    response = client.get("/petugas/keamanan/")
    page = text(response)
    key = client.session["aduan_totp_setup_key"]
    uri = re.search(r'id="otpauth-uri"[^>]*>(otpauth://totp/[^<]+)<', page)
    assert uri is not None
    assert "Aduan%20Jakarta%3Alurah.aman" in uri.group(1) and "issuer=Aduan%20Jakarta" in uri.group(1)
    assert "<svg" in page and 'aria-label="Kode QR' in page and "<img" not in page  # inline, no service
    assert "http" not in page[page.index("<svg") : page.index("</svg>")].replace("http://www.w3.org", "")
    assert not TOTPDevice.objects.exists()  # nothing stored before the code confirms it
    # The key stays the same on reload, so a code read from the scanned QR still fits.
    client.get("/petugas/keamanan/")
    assert client.session["aduan_totp_setup_key"] == key


def test_a_wrong_or_malformed_set_up_code_is_refused_with_the_field_named(client, officer):
    client.force_login(officer.user)
    client.get("/petugas/keamanan/")
    key = client.session["aduan_totp_setup_key"]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    for code, message in (
        (wrong, "Kode salah"),
        ("12ab56", "Kode harus 6 angka"),
        ("", "tidak boleh kosong"),
    ):
        page = text(client.post("/petugas/keamanan/", {"code": code}))
        errors = re.search(r'<div id="id_code_error">(.*?)</div>', page, re.S)
        assert errors is not None and message in errors.group(1), code
    assert not TOTPDevice.objects.exists()


def test_with_totp_on_the_log_in_asks_for_the_code_after_the_password(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        device = enable(client, officer)
        clock.shift(dt.timedelta(seconds=60))  # the set-up code may not log in again

        response = log_in(client, "lurah.aman", PASSWORD)
        assert response["Location"] == "/masuk/kode/"
        assert logged_in_as(client) is None  # not logged in by the password alone
        page = text(client.get("/masuk/kode/"))
        assert 'name="code"' in page and "aplikasi autentikator" in page

        wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
        refused = client.post("/masuk/kode/", {"code": wrong})
        assert refused.status_code == 200 and "Kode salah" in text(refused)
        assert logged_in_as(client) is None
        assert AccessAttempt.objects.get(username="lurah.aman").failures_since_start == 1

        clock.shift(dt.timedelta(seconds=30))  # django-otp slows retries after a failure
        accepted = client.post("/masuk/kode/", {"code": code_for(device)})
        assert accepted["Location"] == "/petugas/"
        assert logged_in_as(client) == "lurah.aman"
        assert not AccessAttempt.objects.filter(username="lurah.aman").exists()  # a success clears them

        # The same code cannot log in a second time.
        client.post("/keluar/")
        log_in(client, "lurah.aman", PASSWORD)
        assert "Kode salah" in text(client.post("/masuk/kode/", {"code": code_for(device)}))


def test_wrong_codes_count_for_the_lockout(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        device = enable(client, officer)
        log_in(client, "lurah.aman", PASSWORD)
        for attempt in range(4):
            clock.shift(dt.timedelta(seconds=40))
            wrong = f"{(int(code_for(device)) + 1 + attempt) % 1_000_000:06d}"
            assert client.post("/masuk/kode/", {"code": wrong}).status_code == 200
        clock.shift(dt.timedelta(seconds=40))
        fifth = client.post("/masuk/kode/", {"code": "000000" if code_for(device) != "000000" else "000001"})
        assert fifth.status_code == 429 and LOCKED in text(fifth)
        clock.shift(dt.timedelta(seconds=40))
        # Locked: the password no longer gets to the code step, even with the right code at hand.
        assert log_in(client, "lurah.aman", PASSWORD).status_code == 429
        assert client.post("/masuk/kode/", {"code": code_for(device)}).status_code == 302  # back to log-in
        assert logged_in_as(client) is None


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        device = enable(client, officer)
        assert client.get("/masuk/kode/")["Location"] == "/masuk/"
        log_in(client, "lurah.aman", PASSWORD)
        clock.shift(dt.timedelta(minutes=6))
        response = client.post("/masuk/kode/", {"code": code_for(device)})
        assert response["Location"] == "/masuk/"
        assert logged_in_as(client) is None


def test_a_session_without_the_code_is_sent_to_the_code_step(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        device = enable(client, officer)
        clock.shift(dt.timedelta(seconds=60))
        client.force_login(officer.user)  # a session made some other way than the log-in page
        response = client.get("/petugas/")
        assert response["Location"] == "/masuk/kode/?next=%2Fpetugas%2F"
        assert client.post("/masuk/kode/", {"code": code_for(device), "next": "/petugas/"})["Location"] == (
            "/petugas/"
        )
        assert client.get("/petugas/").status_code == 200


def test_turning_totp_off_needs_a_current_code(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        device = enable(client, officer)
        clock.shift(dt.timedelta(seconds=60))
        log_in(client, "lurah.aman", PASSWORD)
        client.post("/masuk/kode/", {"code": code_for(device)})
        clock.shift(dt.timedelta(seconds=60))
        page = text(
            client.post("/petugas/keamanan/", {"code": "123456" if code_for(device) != "123456" else "1"})
        )
        assert "Kode salah" in page or "6 angka" in page
        assert TOTPDevice.objects.filter(user=officer.user).exists()
        clock.shift(dt.timedelta(seconds=60))
        client.post("/petugas/keamanan/", {"code": code_for(device)})
        assert not TOTPDevice.objects.filter(user=officer.user).exists()
        client.post("/keluar/")
        assert log_in(client, "lurah.aman", PASSWORD)["Location"] == "/petugas/"


def test_a_role_can_be_required_to_use_totp(client, settings):
    settings.ADUAN_OTP_REQUIRED_ROLES = frozenset({"validator"})
    validator = accounts.ensure_officer("validator.aman", "BIROPEM", Officer.Role.VALIDATOR, PASSWORD)
    lurah = accounts.ensure_officer("lurah.biasa", "KEL-31.71.01.1001", Officer.Role.OFFICER, PASSWORD)
    log_in(client, "lurah.biasa", PASSWORD)
    assert client.get("/petugas/").status_code == 200  # other roles: optional
    client.post("/keluar/")

    with time_machine.travel(START, tick=False) as clock:
        log_in(client, "validator.aman", PASSWORD)
        response = client.get("/petugas/")
        assert response["Location"] == "/petugas/keamanan/"  # until TOTP is on, only the set-up page
        page = text(client.get(response["Location"]))
        assert "wajib memakai kode TOTP" in page
        key = client.session["aduan_totp_setup_key"]
        client.post("/petugas/keamanan/", {"code": code_for(key)})
        assert client.get("/petugas/").status_code == 200
        clock.shift(dt.timedelta(seconds=60))
        device = TOTPDevice.objects.get(user=validator.user)
        # It cannot be turned off while the role requires it.
        page = text(client.post("/petugas/keamanan/", {"code": code_for(device)}))
        assert "tidak dapat dimatikan" in page
        assert TOTPDevice.objects.filter(user=validator.user).exists()
    assert lurah.role == Officer.Role.OFFICER


def test_the_admin_needs_the_totp_step_too(client):
    admin = accounts.ensure_officer("admin.aman", "BIROPEM", Officer.Role.ADMIN, PASSWORD)
    with time_machine.travel(START, tick=False) as clock:
        device = enable(client, admin)
        clock.shift(dt.timedelta(seconds=60))
        client.force_login(admin.user)  # password only
        response = client.get("/admin/aduan/category/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/masuk/kode/?next=")
        client.post("/masuk/kode/", {"code": code_for(device), "next": "/admin/aduan/category/"})
        assert client.get("/admin/aduan/category/").status_code == 200


def test_the_log_in_page_states_the_configured_lockout_terms(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    assert "Setelah 3 kali gagal" in text(client.get("/masuk/"))
    for attempt in range(2):
        assert log_in(client, "lurah.aman", f"salah-{attempt}").status_code == 200
    third = log_in(client, "lurah.aman", "salah-3")
    assert third.status_code == 429 and "30 menit" in text(third)


def test_an_officer_finds_the_totp_page_in_the_menu(client, officer):
    client.force_login(officer.user)
    assert 'href="/petugas/keamanan/"' in text(client.get("/petugas/"))
