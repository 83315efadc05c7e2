from django.apps import AppConfig


class WebformsConfig(AppConfig):
    name = "kontor.webforms"
    label = "webforms"
