"""``coplan worker`` (alias ``coplan db-worker``): django-tasks-db's ``db_worker`` that also
writes a heartbeat row (:class:`coplan.ops.models.WorkerHeartbeat`) every
``COPLAN_WORKER_HEARTBEAT_SECONDS`` while it polls, for ``/readyz``."""

import time

from django.conf import settings
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from coplan.ops.models import WorkerHeartbeat


class HeartbeatWorker(db_worker.Worker):
    """The library's worker checks ``self.running`` once per poll: reading it beats."""

    _last_beat = 0.0

    _stopping = False

    def shutdown(self, signum, frame):
        self._stopping = True  # no database writes from inside a signal handler
        super().shutdown(signum, frame)

    @property
    def running(self):
        if self._running and not self._stopping:
            self.beat()
        return self._running

    @running.setter
    def running(self, value):
        self._running = value

    def beat(self, force=False):
        now = time.monotonic()
        if not force and now - self._last_beat < settings.COPLAN_WORKER_HEARTBEAT_SECONDS:
            return
        self._last_beat = now
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"seen_at": timezone.now(), "tasks_run": self._run_tasks},
                create_defaults={"seen_at": timezone.now(), "tasks_run": self._run_tasks},
            )
        except Exception:  # a missed beat must never stop the worker
            db_worker.logger.exception("Could not write the worker heartbeat")


class Command(db_worker.Command):
    help = "Run the background task worker (django-tasks-db) with a heartbeat for /readyz."

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = HeartbeatWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
