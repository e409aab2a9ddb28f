"""Errors the services raise; views and the API turn them into 403/404/409/422."""


class ServiceError(Exception):
    """Base: ``message`` is Swedish and meant for the user."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Frozen(ServiceError):
    """A change to what a signed memo shows, or a second signing: refused as it stands."""

    status = 409


class Damaged(ServiceError):
    """A stored record that is missing or no longer matches its checksum."""

    status = 409


class Unavailable(ServiceError):
    """Something the server needs failed, not the request: try again, tell IT if it stays."""

    status = 503


class RenderFailed(ServiceError):
    """A document that could not be made into a PDF: ``message`` names it, and where it
    can the place in it, in Swedish."""

    status = 503


class Invalid(ServiceError):
    """Input that breaks a rule: an unknown level, an oversized comment, a bad transition.

    ``field`` names the input it concerns, where there is one ("level", "comment").
    """

    status = 422

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    """A save based on an older version; ``current`` is what is stored now."""

    status = 409

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current
