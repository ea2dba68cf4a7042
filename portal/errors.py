"""The errors an action can raise, each with its HTTP status and CKAN's ``__type``.

The API turns them into CKAN's envelope and the website into an error page, so both speak the same language.
"""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    status = 400
    ckan_type = "Bad Request"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.ckan_type, "message": self.message}


class BadRequest(ActionError):
    """Malformed requests: bad JSON, unknown action, a GET on a write action."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Bad request - {message}")


class ValidationError(ActionError):
    status = 409
    ckan_type = "Validation Error"

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    def error_dict(self) -> dict[str, Any]:
        return {"__type": self.ckan_type, **self.errors}


class PayloadTooLarge(ValidationError):
    status = 413


class NotAuthorized(ActionError):
    status = 403
    ckan_type = "Authorization Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(f"Access denied: {message}" if message else "Access denied")


class NotFound(ActionError):
    status = 404
    ckan_type = "Not Found Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(f"Not found: {message}" if message else "Not found")


class StorageUnavailable(ActionError):
    """The file store (disk, S3) failed; nothing was saved and the same request can be retried."""

    status = 503
    ckan_type = "Storage Unavailable"

    def __init__(self) -> None:  # the cause (hosts, keys) goes to the log, not to the client
        super().__init__("The file could not be stored and nothing was saved; please try again later")


class SearchQueryError(ActionError):
    status = 400
    ckan_type = "Search Query Error"

    def __init__(self, message: str) -> None:
        super().__init__(f"Search Query Error: {message}")
