from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "kontor.transfer"
    label = "transfer"
