from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "coplan.benefits"
    label = "benefits"

    def ready(self):
        from . import (
            evidence,  # noqa: F401  adds the golden thread to the tendering app's evidence pack
            health,  # noqa: F401  registers this app's section, health-check provider and panels
            ocds,  # noqa: F401  adds implementation releases to the tender's package
            rules,  # noqa: F401  registers this app's permissions
        )
