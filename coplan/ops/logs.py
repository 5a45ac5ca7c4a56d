"""Structured logs: one JSON line per request (``coplan.request``) and per task
(``coplan.task``), with a request id that is taken from ``X-Request-ID`` or made up, and echoed
back. A task queued during a request logs an ``enqueued`` line with both the request id and the
task id, so the worker's ``started``/``finished`` lines (same task id) trace back to the request.
``COPLAN_LOG_FORMAT=json`` (default outside development) or ``text``; ``COPLAN_LOG_LEVEL`` sets
the level (default ``INFO``)."""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_logger = logging.getLogger("coplan.request")
task_logger = logging.getLogger("coplan.task")


class JsonFormatter(logging.Formatter):
    """``{"time": …, "level": …, "logger": …, "message": …, <extra fields>}`` on one line."""

    RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}

    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in self.RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestLogMiddleware:
    """First in the chain: times the request, logs one line, echoes ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:
            self._log(request, 500, started, request_id)
            raise
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        self._log(request, response.status_code, started, request_id)
        return response

    @staticmethod
    def _log(request, status, started, request_id):
        user = getattr(request, "user", None)
        if hasattr(request, "coplan_user_id"):  # served from partnerships.pagecache
            user_id = request.coplan_user_id
        else:
            user_id = user.pk if user is not None and user.is_authenticated else None
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user_id,
                "request_id": request_id,
            },
        )


_task_started: dict[str, float] = {}


def _task_enqueued_handler(sender, task_result, **kwargs):
    extra = {"task": task_result.task.name, "task_id": str(task_result.id), "event": "enqueued"}
    if request_id := request_id_var.get():
        extra["request_id"] = request_id
    task_logger.info("task enqueued %s", task_result.task.name, extra=extra)


def _task_started_handler(sender, task_result, **kwargs):
    _task_started[task_result.id] = time.perf_counter()
    task_logger.info(
        "task started %s",
        task_result.task.name,
        extra={"task": task_result.task.name, "task_id": str(task_result.id), "event": "started"},
    )


def _task_finished_handler(sender, task_result, **kwargs):
    started = _task_started.pop(task_result.id, None)
    task_logger.info(
        "task %s %s",
        task_result.task.name,
        str(task_result.status).lower(),
        extra={
            "task": task_result.task.name,
            "task_id": str(task_result.id),
            "event": "finished",
            "status": str(task_result.status),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        },
    )


def connect_task_signals():
    from django.tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(_task_enqueued_handler, dispatch_uid="coplan.ops.task_enqueued")
    task_started.connect(_task_started_handler, dispatch_uid="coplan.ops.task_started")
    task_finished.connect(_task_finished_handler, dispatch_uid="coplan.ops.task_finished")


def logging_config(*, fmt: str, level: str) -> dict:
    """The ``LOGGING`` setting: everything to stderr, JSON or plain text."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "coplan.ops.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt},
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "coplan": {"handlers": ["console"], "level": level, "propagate": False},
            "django_tasks_db": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }
