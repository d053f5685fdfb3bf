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
