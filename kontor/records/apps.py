from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "kontor.records"
    label = "records"
