from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "coplan.bidding"
    label = "bidding"

    def ready(self):
        from . import (
            health,  # noqa: F401  registers the section and the gate criteria
            ocds,  # noqa: F401  adds award and contract releases to the tender's package
        )
