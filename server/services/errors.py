"""Why an action was refused, in words a member can act on; HTTP maps each to a status."""

from __future__ import annotations

from datetime import datetime


class ActionRefused(Exception):
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(ActionRefused):
    status = 400


class NotSignedIn(ActionRefused):
    status = 401


class Forbidden(ActionRefused):
    status = 403


class NotFound(ActionRefused):
    status = 404


class Conflict(ActionRefused):
    status = 409


class RateLimited(ActionRefused):
    status = 429

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at
