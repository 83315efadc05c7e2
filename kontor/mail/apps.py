from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "kontor.mail"
    label = "mail"
