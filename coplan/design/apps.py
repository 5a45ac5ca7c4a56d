from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "coplan.design"
    label = "design"

    def ready(self):
        from . import health  # noqa: F401  registers this app's health-check provider and gates
