from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kontor.accounts"
    label = "accounts"
