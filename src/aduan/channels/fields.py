"""Reading providers' records through a configurable field mapping: dotted paths, phone numbers, numbers."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from aduan.channels.base import PayloadError

# Our field → one dotted path in the provider's record, or several tried in order.
FieldMap = Mapping[str, str | Sequence[str]]

_NOT_DIGITS = re.compile(r"[\s\-().]")


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` ("pelapor.nama", "photos.0.url") in nested dicts and lists, or None."""
    current = data
    for key in path.split("."):
        if isinstance(current, Mapping) and key in current:
            current = current[key]
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            current = current[int(key)]
        else:
            return None
    return current


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Write ``value`` at ``path`` in ``data``, making the dicts on the way."""
    keys = path.split(".")
    current = data
    for key in keys[:-1]:
        nested = current.get(key)
        if not isinstance(nested, dict):
            nested = current[key] = {}
        current = nested
    current[keys[-1]] = value


def paths(spec: str | Sequence[str]) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else tuple(spec)


def lookup(data: Any, spec: str | Sequence[str]) -> tuple[str, Any]:
    """The first of ``spec``'s paths that holds a value (not None, not ""), with the path; else the first
    path and None — so an error can name the field the mapping expected."""
    candidates = paths(spec)
    for path in candidates:
        value = get_path(data, path)
        if value is not None and value != "":
            return path, value
    return (candidates[0] if candidates else ""), None


def text(value: Any) -> str:
    """A scalar as stripped text; nested objects are not text."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def required_text(data: Any, spec: str | Sequence[str], message: str) -> str:
    """The text at the first of ``spec``'s paths that holds one; PayloadError(``message``) naming the path
    when there is none."""
    path, value = lookup(data, spec)
    found = text(value)
    if not found:
        raise PayloadError(message, path)
    return found


def merged_mapping(
    defaults: FieldMap, overrides: Any, what: str, required: Collection[str] = ()
) -> dict[str, tuple[str, ...]]:
    """``defaults`` with a deployment's ``overrides`` (a dict of our field → path or list of paths; an empty
    list leaves an optional field out).

    An unknown field, a path that is not text or a required field left out is a configuration mistake:
    ValueError names it."""
    result = {field: paths(spec) for field, spec in defaults.items()}
    if overrides is None:
        return result
    if not isinstance(overrides, Mapping):
        raise ValueError(f"{what} must map fields to paths, not {type(overrides).__name__}")
    for field, spec in overrides.items():
        if field not in defaults:
            known = ", ".join(sorted(defaults))
            raise ValueError(f"{what}: unknown field {field!r} (known: {known})")
        if not isinstance(spec, str | list | tuple) or not all(isinstance(p, str) and p for p in paths(spec)):
            raise ValueError(f"{what}: {field!r} must be a dotted path or a list of them")
        spec_paths = paths(spec)
        if not spec_paths and field in required:
            raise ValueError(f"{what}: {field!r} cannot be left out")
        result[field] = spec_paths
    return result


def number(value: Any, field: str) -> float | None:
    """A coordinate as a float; None when absent; PayloadError naming ``field`` when it is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PayloadError(f"{field} harus angka.", field)
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise PayloadError(f"{field} harus angka.", field) from error


def point(
    data: Any, lat_spec: str | Sequence[str], lon_spec: str | Sequence[str]
) -> tuple[float | None, float | None]:
    """(lat, lon) from their paths, both None when absent; PayloadError naming the field when one is not a
    number or the other is missing."""
    lat_path, lat_value = lookup(data, lat_spec)
    lon_path, lon_value = lookup(data, lon_spec)
    lat, lon = number(lat_value, lat_path), number(lon_value, lon_path)
    if (lat is None) != (lon is None):
        raise PayloadError("Lintang dan bujur harus ada bersama.", lat_path if lat is None else lon_path)
    return lat, lon


def normalize_phone(raw: Any, country: str = "62") -> str | None:
    """An Indonesian mobile number as +62…: "0812-9900-1122", "62812…", "+62 812…", "812…" → "+62812…".

    None for what is not a phone number (an operator's alphanumeric sender, a short code)."""
    value = _NOT_DIGITS.sub("", text(raw))
    if value.startswith("+"):
        digits = value[1:]
    elif value.startswith("00"):
        digits = value[2:]
    elif value.startswith("0"):
        digits = country + value[1:]
    elif value.startswith(country):
        digits = value
    elif value.startswith("8") and 9 <= len(value) <= 12:  # a local mobile number without its leading 0
        digits = country + value
    else:
        digits = value
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        return None
    return "+" + digits


_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+$")


def plausible_email(value: Any) -> str:
    """The address lower-cased when it looks like one, else "" (a bad address must not sink a report)."""
    address = text(value).lower()
    return address if _EMAIL.match(address) else ""
