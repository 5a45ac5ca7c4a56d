from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """Written by ``coplan worker`` every few seconds while it polls for tasks, so that
    ``/readyz`` can tell a live worker from a dead one even when the queue is empty."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return f"worker {self.worker_id} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
