"""The one error type the domain raises when it refuses something, with a machine-readable code."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action or invalid input: ``code`` for programs, ``message`` (Indonesian) for people."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    """Input that fails validation; ``errors`` names each bad field with a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid_input", "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
