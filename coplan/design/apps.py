from django.apps import AppConfig

from coplan.partnerships.sections import Section, register


class DesignConfig(AppConfig):
    name = "coplan.design"
    label = "design"

    def ready(self):
        from . import health  # noqa: F401  registers this app's health-check provider and gates
        from .urls import urlpatterns

        names = tuple(f"design:{p.name}" for p in urlpatterns if p.name != "overview")
        register(Section("Service design", "design:overview", order=30, also_current=names))
