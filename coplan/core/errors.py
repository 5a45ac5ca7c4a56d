class DomainError(Exception):
    """A business rule refused an action. ``message`` says what to fix; ``code`` is stable."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None, data=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.data = data or {}
