"""The public pages of web forms under /f/: no login, no cookies (see public.py)."""

from django.urls import path

from kontor.webforms import public

app_name = "webforms_public"

urlpatterns = [
    path("<str:form_token>/", public.form, name="form"),
    path("<str:form_token>/embed/", public.embed, name="embed"),
    path("<str:form_token>/started.js", public.started_script, name="started"),
]
