from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coplan.api"
    label = "coplan_api"
