from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "coplan.governance"
    label = "governance"

    def ready(self):
        from . import (  # noqa: F401  registers the health-check provider, gates, section
            health,
            signals,
        )
