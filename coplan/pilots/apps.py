from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "coplan.pilots"
    label = "pilots"

    def ready(self):
        from . import (
            health,  # noqa: F401  registers this app's health-check provider and gates
            rules,  # noqa: F401  registers this app's permissions
            signals,  # noqa: F401  bulk deletes of records and rollups
        )
