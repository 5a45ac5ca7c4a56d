from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "coplan.benefits"
    label = "benefits"
