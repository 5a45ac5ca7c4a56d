from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "coplan.governance"
    label = "governance"

    def ready(self):
        from . import health  # noqa: F401  registers this app's health-check provider and gates
