from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "kontor.files"
    label = "files"
