from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "kontor.history"
    label = "history"
