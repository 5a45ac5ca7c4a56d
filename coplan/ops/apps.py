from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Coplan for real: health and readiness, structured logs, the worker heartbeat,
    backups, and the data protection register (subject access, erasure, retention)."""

    name = "coplan.ops"
    label = "ops"

    def ready(self):
        from . import logs

        logs.connect_task_signals()
