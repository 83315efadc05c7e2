from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "kontor.webhooks"
    label = "webhooks"
