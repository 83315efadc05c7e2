from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "kontor.projects"
    label = "projects"
