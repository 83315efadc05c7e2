from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "kontor.twofactor"
    label = "twofactor"
