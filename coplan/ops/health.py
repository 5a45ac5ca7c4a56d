"""Readiness: the database answers, every migration is applied, and (when tasks run in a
worker) a worker has sent a heartbeat recently."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def uses_worker() -> bool:
    backend = settings.TASKS["default"]["BACKEND"]
    return backend.startswith("django_tasks_db")


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True, "reachable")
    except Exception as exc:
        return Check("database", False, f"unreachable: {exc.__class__.__name__}")


_migrated = False  # once every migration is applied, a process need not look again


def check_migrations() -> Check:
    global _migrated
    if _migrated:
        return Check("migrations", True, "all applied")
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return Check("migrations", False, f"cannot be checked: {exc.__class__.__name__}")
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return Check("migrations", False, f"{len(plan)} not applied ({names})")
    _migrated = True
    return Check("migrations", True, "all applied")


def check_worker(now=None) -> Check:
    if not uses_worker():
        return Check("worker", True, "not used: tasks run inline (COPLAN_TASK_WORKER is off)")
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.COPLAN_WORKER_STALE_SECONDS)
    try:
        latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except Exception as exc:
        return Check("worker", False, f"cannot be checked: {exc.__class__.__name__}")
    if latest is None:
        return Check("worker", False, "no worker has ever sent a heartbeat")
    age = (now - latest.seen_at).total_seconds()
    if age > limit.total_seconds():
        return Check("worker", False, f"last heartbeat {age:.0f}s ago ({latest.worker_id})")
    return Check("worker", True, f"heartbeat {age:.0f}s ago ({latest.worker_id})")


def readiness() -> list[Check]:
    database = check_database()
    if not database.ok:
        return [database]
    return [database, check_migrations(), check_worker()]
