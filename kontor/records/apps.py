from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class RecordsConfig(AppConfig):
    name = "kontor.records"
    label = "records"

    def ready(self) -> None:
        # Huey's worker imports each app's tasks.py; Kontor's job modules are named jobs.py (tasks is
        # a domain app), so they are registered here, in web and worker processes alike.
        autodiscover_modules("jobs")
