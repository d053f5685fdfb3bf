"""Short, human-readable ticket numbers that can be read out over the phone and are hard to guess."""

from __future__ import annotations

import re
import secrets

# Crockford-style alphabet without the letters people confuse with digits (I, L, O) or each other (U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUP = 4
_LENGTH = 8  # 32**8 ≈ 1.1e12: enumerating public tickets is pointless, reading one aloud is easy.
_CLEAN = re.compile(r"[\s\-_.]")
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_ticket() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
    return f"{raw[:_GROUP]}-{raw[_GROUP:]}"


def normalize_ticket(text: str) -> str | None:
    """A ticket as typed by a person (any case, with or without the dash, O for 0) → canonical, or None."""
    raw = _CLEAN.sub("", text.upper()).translate(_CONFUSABLE)
    if len(raw) != _LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:_GROUP]}-{raw[_GROUP:]}"
