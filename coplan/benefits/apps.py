from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "coplan.benefits"
    label = "benefits"

    def ready(self):
        from . import (
            evidence,  # noqa: F401  adds the golden thread to the tendering app's evidence pack
            health,  # noqa: F401  registers this app's section, health-check provider and panels
            rules,  # noqa: F401  registers this app's permissions
        )
