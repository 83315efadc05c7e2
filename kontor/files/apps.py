from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "kontor.files"
    label = "files"

    def ready(self) -> None:
        from kontor.files.images import limit_pillow

        limit_pillow()
