from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kontor.notifications"
    label = "notifications"
