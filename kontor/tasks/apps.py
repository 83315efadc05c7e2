from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "kontor.tasks"
    label = "tasks"
