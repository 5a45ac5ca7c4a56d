from django.apps import AppConfig


class TenderingConfig(AppConfig):
    name = "coplan.tendering"
    label = "tendering"
