"""What a service refuses, and the HTTP status each refusal maps to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, errors: Iterable[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)

    def to_dict(self) -> dict[str, object]:
        return {
            "message": self.message,
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
        }


class InvalidInput(ServiceError):
    status = 422

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls("提交的数据有误", [FieldProblem(field, message)])


class NotAuthenticated(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class PasswordChangeRequired(Forbidden):
    """Signed in with a password an administrator reset: it must be changed first."""


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    """The case is not in a state where the act is allowed, or it changed under the caller."""

    status = 409


class Gone(ServiceError):
    """What was there and was deleted for good (a what-if's list past its retention period)."""

    status = 410


class UnsupportedMediaType(ServiceError):
    status = 415


class TooManyAttempts(ServiceError):
    """Too many failed sign-ins for the account: it is locked for a while."""

    status = 429


class Unavailable(ServiceError):
    """A facility the act needs (the document renderer's fonts, say) is missing on this server."""

    status = 503
