"""Every error under ``/api/`` is a problem body, including the ones Django or Ninja answer
before our handlers run (unknown paths, methods an endpoint does not have)."""

import json
from http import HTTPStatus

from django.http import HttpResponse

TITLES = {404: "Not found"}


class ApiProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and "COPLAN_RETRY_AFTER" in request.META:
            response["Retry-After"] = request.META["COPLAN_RETRY_AFTER"]
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
        ):
            status = response.status_code
            body = {
                "type": "about:blank",
                "title": TITLES.get(status, HTTPStatus(status).phrase),
                "status": status,
            }
            if status == 405:
                body["detail"] = f"{request.method} is not allowed here."
                allow = response.get("Allow")
            else:
                body["detail"] = "No such endpoint. The schema is at /api/v1/openapi.json."
                allow = None
            problem = HttpResponse(
                json.dumps(body), status=status, content_type="application/problem+json"
            )
            if allow:
                problem["Allow"] = allow
            return problem
        return response
