from django.apps import AppConfig


class CostingConfig(AppConfig):
    name = "coplan.costing"
    label = "costing"

    def ready(self):
        from . import health  # noqa: F401  registers this app's health-check provider and gates
