"""Every error under ``/api/`` is a problem body, including the ones Django or Ninja answer
before our handlers run (unknown paths, methods an endpoint does not have, server errors,
bodies too large to read). ``HEAD`` is served wherever ``GET`` is, without the body."""

import json
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse

TITLES = {404: "Not found"}


def _problem_response(body: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(body), status=body["status"], content_type="application/problem+json"
    )


def _too_large(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit


class ApiProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        if is_api and _too_large(request):
            return _problem_response(
                {
                    "type": "about:blank",
                    "title": "Request body too large",
                    "status": 413,
                    "detail": f"The request body is larger than the limit of "
                    f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
                }
            )
        head = is_api and request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        response = self._problem(request, response, is_api)
        if head:
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
        return response

    def _problem(self, request, response, is_api):
        if response.status_code == 429 and "COPLAN_RETRY_AFTER" in request.META:
            response["Retry-After"] = request.META["COPLAN_RETRY_AFTER"]
        if not (
            is_api
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
        ):
            return response
        status = response.status_code
        body = {
            "type": "about:blank",
            "title": TITLES.get(status, HTTPStatus(status).phrase),
            "status": status,
        }
        allow = None
        if status == 405:
            body["detail"] = f"{request.method} is not allowed here."
            allow = response.get("Allow")
        elif status >= 500:
            body["detail"] = (
                "Something went wrong on our side; the request was not completed. "
                "Quote the request id if you report it."
            )
            body["request_id"] = getattr(request, "request_id", "")
        elif status == 404:
            body["detail"] = "No such endpoint. The schema is at /api/v1/openapi.json."
        elif status == 413:
            body["title"] = "Request body too large"
            body["detail"] = "The request body is larger than the server accepts."
        else:
            body["detail"] = "The request could not be read."
        problem = _problem_response(body)
        if allow:
            problem["Allow"] = allow
        return problem
