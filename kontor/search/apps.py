from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kontor.search"
    label = "search"
