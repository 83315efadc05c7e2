from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kontor.api"
    label = "api"
