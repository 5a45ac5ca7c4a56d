"""``/healthz`` says the process is up; ``/readyz`` says whether it can serve: database
reachable, migrations applied, and (with a task worker) a recent worker heartbeat. Every request
is logged as one JSON line with a request id that is echoed in ``X-Request-ID``."""

import datetime as dt
import json
import logging

import pytest
from django.tasks import task
from django.utils import timezone

from coplan.ops.logs import JsonFormatter
from coplan.ops.models import WorkerHeartbeat


@task
def add(a, b):
    return a + b


WORKER_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_needs_no_login(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_readyz_is_ready_with_inline_tasks(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {
            "database": {"ok": True, "detail": "reachable"},
            "migrations": {"ok": True, "detail": "all applied"},
            "worker": {
                "ok": True,
                "detail": "not used: tasks run inline (COPLAN_TASK_WORKER is off)",
            },
        },
    }


def test_readyz_needs_a_worker_heartbeat_when_tasks_run_in_a_worker(client, db, settings):
    settings.TASKS = WORKER_TASKS

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "ok": False,
        "detail": "no worker has ever sent a heartbeat",
    }


def test_readyz_refuses_a_stale_heartbeat(client, db, settings):
    settings.TASKS = WORKER_TASKS
    settings.COPLAN_WORKER_STALE_SECONDS = 120
    WorkerHeartbeat.objects.create(
        worker_id="w1", seen_at=timezone.now() - dt.timedelta(seconds=300)
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"].startswith("last heartbeat 300s ago")


def test_readyz_accepts_a_fresh_heartbeat(client, db, settings):
    settings.TASKS = WORKER_TASKS
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=timezone.now())

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_its_heartbeat_while_polling(settings):
    from django.core.management import call_command

    settings.TASKS = WORKER_TASKS
    call_command("worker", "--batch", "--worker-id", "worker-a", "--no-startup-delay", verbosity=0)

    beat = WorkerHeartbeat.objects.get(worker_id="worker-a")
    assert (timezone.now() - beat.seen_at).total_seconds() < 30


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="coplan.request")
    return caplog


def test_each_request_is_one_log_line_with_its_request_id(client, personas, request_log):
    client.force_login(personas["commissioner"])

    response = client.get("/profile/", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"
    [record] = [r for r in request_log.records if r.name == "coplan.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET"
    assert line["path"] == "/profile/"
    assert line["status"] == 200
    assert line["user_id"] == personas["commissioner"].pk
    assert line["request_id"] == "abc-123"
    assert isinstance(line["duration_ms"], float)
    assert line["message"] == "GET /profile/ 200"


def test_a_missing_or_unsafe_request_id_is_replaced(client, db, request_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert len(response["X-Request-ID"]) == 32
    assert request_log.records[-1].request_id == response["X-Request-ID"]
    assert request_log.records[-1].user_id is None


def test_each_task_is_logged_when_it_starts_and_finishes(db, caplog):
    caplog.set_level(logging.INFO, logger="coplan.task")

    add.enqueue(2, 3)

    events = [
        (r.event, getattr(r, "status", None)) for r in caplog.records if r.name == "coplan.task"
    ]
    assert events == [("enqueued", None), ("started", None), ("finished", "SUCCESSFUL")]


@pytest.mark.django_db(transaction=True)  # the worker needs the queued row committed
def test_a_task_queued_in_a_request_is_traced_to_it(caplog, settings):
    """The ``enqueued`` line carries the request id and the task id; the worker's lines carry
    the same task id, so a task run later in ``coplan worker`` traces back to its request."""
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.test import RequestFactory

    from coplan.ops.logs import RequestLogMiddleware

    settings.TASKS = WORKER_TASKS
    caplog.set_level(logging.INFO, logger="coplan")
    queued = []

    def view(request):
        queued.append(add.enqueue(2, 3))
        return HttpResponse("queued")

    request = RequestFactory().post("/somewhere", HTTP_X_REQUEST_ID="req-42")
    response = RequestLogMiddleware(view)(request)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    task_id = str(queued[0].id)
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    tasks = [(line["event"], line.get("request_id")) for line in lines if line.get("task_id")]
    assert response["X-Request-ID"] == "req-42"
    assert tasks == [("enqueued", "req-42"), ("started", None), ("finished", None)]
    assert {line["task_id"] for line in lines if line.get("task_id")} == {task_id}
    [request_line] = [line for line in lines if line["logger"] == "coplan.request"]
    assert (request_line["request_id"], request_line["status"]) == ("req-42", 200)


def test_readyz_refuses_while_migrations_are_pending(client, db, monkeypatch):
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    from coplan.ops import health

    monkeypatch.setattr(health, "_migrated", False)
    MigrationRecorder(connection).record_unapplied("ops", "0001_initial")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "detail": "1 not applied (ops.0001_initial)",
    }
