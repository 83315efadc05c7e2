from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kontor.accounts"
    label = "accounts"

    def ready(self) -> None:
        # A malformed KONTOR_TRUSTED_PROXIES stops the start with its name, not the first request.
        from kontor.lib.clients import trusted_networks

        trusted_networks()
