from django.urls import path

from kontor.search import views

# Mounted at /search/ by kontor/urls.py; the names stay short and global because every page's
# header form points at "search".
urlpatterns = [
    path("", views.results, name="search"),
    path("suggest/", views.suggest, name="search_suggest"),
]
