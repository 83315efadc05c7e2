from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "kontor.deals"
    label = "deals"
