"""Errors as RFC 9457 problem bodies (``application/problem+json``)."""

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from coplan.core.errors import DomainError
from coplan.tendering.scoring.engine import ScoringInputError


def problem(api, request, status: int, title: str, detail: str = "", **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def _loc(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "body"


# Refusals that conflict with the current state rather than break a rule of the request: 409.
# ``conflict_of_interest``: the evaluator is linked to a bidder; resend with the confirmation.
CONFLICT_CODES = {"gate_refused", "conflict_of_interest"}


def install(api):
    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = [
            {
                "field": _loc(e.get("loc", ())),
                "message": e.get("msg", "Invalid value"),
                "code": e.get("type", "invalid"),
            }
            for e in exc.errors
        ]
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(
            api, request, 422, "Invalid request", f"Check these fields: {fields}.", errors=errors
        )

    @api.exception_handler(ScoringInputError)
    def invalid_scoring_input(request, exc):
        """A bid the scoring simulator cannot score, in the shape of a validation problem."""
        return problem(
            api,
            request,
            422,
            "Invalid request",
            exc.message,
            code=exc.code,
            field=exc.field,
            errors=[{"field": exc.field, "message": exc.message, "code": exc.code}],
        )

    @api.exception_handler(DomainError)
    def refused(request, exc):
        extra = {"code": exc.code}
        if exc.field:
            extra["field"] = exc.field
        extra.update(exc.data)
        return problem(
            api,
            request,
            409 if exc.code in CONFLICT_CODES else 422,
            "Not allowed by the partnership's rules",
            exc.message,
            **extra,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, 404, "Not found", "No such object, or you cannot see it.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, "Forbidden", str(exc) or "Your role does not allow this.")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = problem(
            api,
            request,
            401,
            "Unauthorised",
            "Send a personal API token as 'Authorization: Bearer <token>'.",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(IntegrityError)
    def null_refused(request, exc):
        """A safety net for a PATCH body that lets ``null`` through to a column that cannot
        hold it (request schemas should refuse it first: ``coplan.core.schemas.PatchSchema``)."""
        field = _not_null_column(exc)
        if field is None:
            raise exc
        return problem(
            api,
            request,
            422,
            "Invalid request",
            f"Check these fields: {field}.",
            errors=[{"field": field, "message": "This field cannot be null.", "code": "null"}],
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return problem(api, request, exc.status_code, str(exc))


NOT_NULL = re.compile(
    r"NOT NULL constraint failed: \w+\.(\w+)"  # SQLite
    r'|null value in column "(\w+)"'  # PostgreSQL
)


def _not_null_column(exc) -> str | None:
    match = NOT_NULL.search(str(exc))
    return (match.group(1) or match.group(2)) if match else None


def install_model_validation(api):
    from django.core.exceptions import ValidationError as ModelValidationError

    @api.exception_handler(ModelValidationError)
    def model_invalid(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field if field != "__all__" else "body", "message": m, "code": "invalid"}
                for field, messages in exc.message_dict.items()
                for m in messages
            ]
        else:
            errors = [{"field": "body", "message": m, "code": "invalid"} for m in exc.messages]
        return problem(
            api,
            request,
            422,
            "Invalid request",
            " ".join(e["message"] for e in errors),
            errors=errors,
        )
