"""Officers' log-in: password (django-axes lockout), the TOTP code step, and the TOTP set-up page.

The account is logged in only after every step it needs: with TOTP on, the password step leaves a short-lived
"pending" note in the session and the code step logs in. A wrong code counts as a failed log-in for the
lockout. docs/accounts.md describes the rules.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from aduan.domain.errors import DomainError
from aduan.models import Officer
from aduan.services import accounts

# The password step's note for the code step: which account, through which backend, since when, going where.
PENDING_KEY = "aduan_login_pending"
PENDING_SECONDS = 300
# The secret shown on the set-up page until the officer confirms it with a code.
SETUP_KEY = "aduan_totp_setup_key"


class OtpForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode 6 angka"),
        max_length=9,  # room for "123 456"
        help_text=gettext_lazy("Dari aplikasi autentikator di ponsel Anda; kode berganti setiap 30 detik."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("Kode harus 6 angka."))
        return code


def _locked_message() -> str:
    minutes = _lockout_terms()["lockout_minutes"]
    return _(
        "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, masuk dengan nama pengguna ini dari "
        "perangkat ini dikunci selama %(minutes)d menit. Coba lagi nanti, atau minta admin membukanya."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers a locked-out log-in with: the log-in page and the lockout message, the same
    whether the account exists or not (AXES_LOCKOUT_CALLABLE)."""
    if hasattr(request, "session"):
        request.session.pop(PENDING_KEY, None)
    context = {"form": AuthenticationForm(request), "locked_message": _locked_message(), **_lockout_terms()}
    return render(request, "aduan/login.html", context, status=429)


def _lockout_terms() -> dict[str, int]:
    """The lockout's numbers for the log-in page's note (settings, not constants in the template)."""
    return {
        "failure_limit": int(settings.AXES_FAILURE_LIMIT),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def _with_next(name: str, going_to: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': going_to})}"


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """The password step. An account with TOTP on goes on to the code step before it is logged in."""

    template_name = "aduan/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_lockout_terms()}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if accounts.totp_device(user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("aduan-web:login-otp"))


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


@sensitive_post_parameters("code")
@never_cache
def login_otp(request: HttpRequest) -> HttpResponse:
    """The code step: after the password (pending in the session), or for a session that was logged in
    without a code although the account has TOTP on."""
    pending = _pending(request)
    if pending is not None:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        going_to = str(pending.get("next", ""))
    elif request.user.is_authenticated and not _is_verified(request):
        user = request.user
        going_to = request.POST.get("next") or request.GET.get("next", "")
    else:
        if request.user.is_authenticated:
            return redirect(_safe_next(request, request.GET.get("next", "")))
        messages.info(request, _("Waktu memasukkan kode habis atau belum masuk; silakan masuk lagi."))
        return redirect("aduan-web:login")
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("aduan-web:login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return _locked_out(request)
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = accounts.verify_totp(user, form.cleaned_data["code"])
        if device is None:
            # Counts towards the lockout exactly like a wrong password (django-axes listens to this signal).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request)
            form.add_error(
                "code", _("Kode salah atau sudah kedaluwarsa. Tunggu kode berikutnya, lalu coba lagi.")
            )
        else:
            if pending is not None:
                request.session.pop(PENDING_KEY, None)
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_safe_next(request, going_to))
    elif request.method == "POST":
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request)
    return render(
        request, "aduan/otp_verify.html", {"form": form, "next": going_to if pending is None else ""}
    )


def _locked_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        auth_logout(request)
    return lockout_response(request)


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def otp_satisfied(request: HttpRequest) -> bool:
    """Whether this session has done every log-in step its account needs (a TOTP code where required)."""
    return _is_verified(request) or not accounts.needs_otp(request.user)


def otp_gate(request: HttpRequest, officer: Officer) -> HttpResponse | None:
    """Where an officer page sends a session that still owes a TOTP step; None when it owes nothing."""
    if _is_verified(request):
        return None
    if accounts.totp_device(request.user) is not None:
        return redirect(_with_next("aduan-web:login-otp", request.get_full_path()))
    if accounts.otp_required_for(officer.role):
        messages.info(request, _("Peran Anda wajib memakai kode TOTP. Aktifkan dahulu untuk melanjutkan."))
        return redirect("aduan-web:otp-setup")
    return None


def qr_svg(data: str, label: str) -> SafeString:
    """``data`` as a QR code in inline SVG (made here: the secret never goes to an outside service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', "<svg", svg)  # it scales with its box instead
    opening = format_html('<svg width="100%" style="height:auto" role="img" aria-label="{}"', label)
    svg = svg.replace("<svg", opening, 1)
    # Safe: qrcode made it from our own string, and the label went through format_html.
    return mark_safe(svg)


def _grouped_base32(key: str) -> str:
    secret = b32encode(unhexlify(key.encode())).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("code")
@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Turn TOTP on (scan the code, confirm with a code) or off (with a code)."""
    user = request.user
    device = accounts.totp_device(user)
    if device is not None and not _is_verified(request):
        return redirect(_with_next("aduan-web:login-otp", request.path))
    role = Officer.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    required = role is not None and accounts.otp_required_for(role)
    form = OtpForm(request.POST if request.method == "POST" else None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            try:
                accounts.disable_totp(user, form.cleaned_data["code"])  # type: ignore[arg-type]
            except DomainError as exc:
                form.add_error("code" if exc.field else None, exc.message)
            else:
                messages.success(request, _("Kode TOTP dimatikan. Log-in kini cukup dengan kata sandi."))
                return redirect("aduan-web:otp-setup")
        return render(request, "aduan/otp_setup.html", {"form": form, "active": True, "required": required})

    key = request.session.get(SETUP_KEY)
    if not isinstance(key, str):
        key = accounts.new_totp_key()
        request.session[SETUP_KEY] = key
    if request.method == "POST" and form.is_valid():
        try:
            device = accounts.enable_totp(user, key, form.cleaned_data["code"])  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error("code" if exc.field else None, exc.message)
        else:
            request.session.pop(SETUP_KEY, None)
            otp_login(request, device)
            messages.success(
                request, _("Kode TOTP aktif. Mulai sekarang, log-in meminta kode 6 angka setelah kata sandi.")
            )
            return redirect("aduan-web:otp-setup")
    uri = accounts.unsaved_device(user, key).config_url  # type: ignore[arg-type]
    context = {
        "form": form,
        "active": False,
        "required": required,
        "otpauth_uri": uri,
        "qr": qr_svg(uri, _("Kode QR untuk aplikasi autentikator")),
        "secret": _grouped_base32(key),
    }
    return render(request, "aduan/otp_setup.html", context)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's log-in goes through the officers' log-in (lockout, TOTP step); an account that is logged
    in but may not use the admin is told so instead of being sent round in circles."""
    going_to = request.GET.get("next") or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect(_with_next("aduan-web:login", going_to))
    if not otp_satisfied(request):
        if accounts.totp_device(request.user) is not None:
            return redirect(_with_next("aduan-web:login-otp", going_to))
        return redirect("aduan-web:otp-setup")
    return render(
        request,
        "aduan/403.html",
        {"message": _("Akun Anda tidak memiliki akses ke halaman admin.")},
        status=403,
    )
