from django.apps import AppConfig


class ConsortiumConfig(AppConfig):
    name = "coplan.consortium"
    label = "consortium"

    def ready(self):
        from . import health  # noqa: F401  registers this app's health-check provider and gates
