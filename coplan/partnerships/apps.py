from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "coplan.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        from . import health  # noqa: F401  registers the foundation's health-check providers
