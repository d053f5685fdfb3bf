"""The signature checks every channel shares: check_signature, signature and token_matches."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest

from aduan.channels.base import SignatureError, check_signature, signature, token_matches

SECRET = "rahasia-kanal"
BODY = b'{"id": "JAKI-1", "report": {"description": "Jalan berlubang"}}'
HEADER = "X-Test-Signature"


def digest(secret: str = SECRET, body: bytes = BODY) -> bytes:
    """The HMAC computed here with the standard library, not with the helpers under test."""
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


HEX = digest().hex()
B64 = base64.b64encode(digest()).decode()


def refusal(given: str | None, secret: str = SECRET, **options: Any) -> SignatureError:
    with pytest.raises(SignatureError) as refused:
        check_signature(given, secret, BODY, header=HEADER, **options)
    return refused.value


def test_signature_matches_the_rfc_4231_vector_in_hex_and_base64() -> None:
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"  # RFC 4231, test case 2
    assert signature("Jefe", b"what do ya want for nothing?") == expected
    assert signature("Jefe", b"what do ya want for nothing?", "base64") == (
        base64.b64encode(bytes.fromhex(expected)).decode()
    )


def test_a_good_signature_passes() -> None:
    check_signature("sha256=" + HEX, SECRET, BODY, header=HEADER)
    check_signature("sha256=" + B64, SECRET, BODY, header=HEADER, encoding="base64")


@pytest.mark.parametrize("given", [None, ""])
def test_a_missing_header_is_401_naming_it(given: str | None) -> None:
    refused = refusal(given)
    assert refused.status == 401 and str(refused) == f"Tanda tangan {HEADER} tidak ada."


@pytest.mark.parametrize(
    "given",
    [
        "sha256=" + "0" * 64,
        "sha256=" + HEX[:-1],
        "sha256=",
        "sha256=" + digest(body=BODY + b" ").hex(),  # the right secret over another body
        "sha1=" + HEX,
        " ",  # blank but present: a wrong signature, not a missing one
    ],
)
def test_a_wrong_signature_is_403_naming_the_header(given: str) -> None:
    refused = refusal(given)
    assert refused.status == 403 and str(refused) == f"Tanda tangan {HEADER} tidak cocok."


def test_a_signature_under_a_different_secret_is_refused() -> None:
    assert refusal("sha256=" + digest("rahasia-lain").hex()).status == 403
    assert refusal("sha256=" + HEX, "rahasia-lain").status == 403


def test_the_prefix_is_required_unless_optional() -> None:
    assert refusal(HEX).status == 403
    check_signature(HEX, SECRET, BODY, header=HEADER, prefix_optional=True)
    check_signature("sha256=" + HEX, SECRET, BODY, header=HEADER, prefix_optional=True)
    check_signature("v1:" + HEX, SECRET, BODY, header=HEADER, prefix="v1:")
    assert refusal("sha256=" + HEX, prefix="v1:").status == 403


@pytest.mark.parametrize(
    ("given", "options", "accepted"),
    [
        ("SHA256=" + HEX.upper(), {}, False),
        ("SHA256=" + HEX.upper(), {"ignore_case": True}, True),  # Meta's header, case aside
        ("sha256=" + HEX.upper(), {"prefix_optional": True, "ignore_case": True}, True),
        (HEX.upper(), {"prefix_optional": True, "ignore_case": True}, True),
        # The optional prefix comes off as written; only the digest is read without case.
        ("SHA256=" + HEX, {"prefix_optional": True, "ignore_case": True}, False),
        ("sha256=" + B64.lower(), {"encoding": "base64"}, False),  # base64 is case-sensitive
        ("sha256=" + HEX, {"encoding": "base64"}, False),  # the right HMAC, hex where X writes base64
    ],
)
def test_case_and_prefix_variants(given: str, options: dict[str, Any], accepted: bool) -> None:
    if accepted:
        check_signature(given, SECRET, BODY, header=HEADER, **options)
    else:
        assert refusal(given, **options).status == 403


def test_whitespace_around_the_value_is_ignored_unless_strip_is_off() -> None:
    check_signature(f" sha256={HEX}\n", SECRET, BODY, header=HEADER)
    assert refusal(f" sha256={HEX}\n", strip=False).status == 403
    check_signature(f"sha256={HEX}", SECRET, BODY, header=HEADER, strip=False)


def test_with_a_secret_name_an_unset_secret_refuses_everything() -> None:
    unsigned = refusal(None, "", secret_name="App secret")
    assert unsigned.status == 401  # a missing header is still named first
    keyless = "sha256=" + digest("").hex()
    refused = refusal(keyless, "", secret_name="App secret")
    assert refused.status == 403 and str(refused) == "App secret kanal ini belum diatur."


def test_token_matches_only_the_configured_token() -> None:
    assert token_matches("gw-token", "gw-token")
    assert not token_matches("gw-token ", "gw-token")
    assert not token_matches("lain", "gw-token")
    assert not token_matches("", "")  # no token configured: nothing matches, not even nothing
    assert not token_matches("tokén", "token")  # non-ASCII is compared, not an error


def test_an_unset_secret_refuses_a_request_signed_with_the_empty_key_on_every_channel() -> None:
    # A channels file naming a kanal without its secret must not let anybody sign with the empty key.
    keyless = "sha256=" + digest("").hex()
    refused = refusal(keyless, "")
    assert refused.status == 403 and str(refused) == "Secret kanal ini belum diatur."
    assert refusal(keyless.removeprefix("sha256="), "", prefix_optional=True).status == 403
