from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coplan.core"
    label = "core"
    verbose_name = "Coplan core"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # every app declares who may see its audit events (coplan.core.sensitivity)
        autodiscover_modules("sensitivity")
