from django.apps import AppConfig


class TenderingConfig(AppConfig):
    name = "coplan.tendering"
    label = "tendering"

    def ready(self):
        from . import (  # noqa: F401  registers permissions, the section, health and gates
            health,
            rules,
        )
