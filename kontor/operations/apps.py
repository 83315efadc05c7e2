from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The operator's tools that act on a whole install: backup and restore."""

    name = "kontor.operations"
    label = "operations"
