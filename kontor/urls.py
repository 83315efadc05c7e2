from django.urls import include, path

from kontor import views
from kontor.accounts import views as account_views
from kontor.api.urls import api

urlpatterns = [
    path("", views.start, name="start"),
    path("setup/", account_views.setup, name="setup"),
    path("accounts/", include("kontor.accounts.urls")),
    path("people/", include("kontor.contacts.urls_people")),
    path("companies/", include("kontor.contacts.urls_companies")),
    path("notes/", include("kontor.history.urls")),
    path("", include("kontor.records.urls")),
    path("deals/", include("kontor.deals.urls")),
    path("projects/", include("kontor.projects.urls")),
    path("tasks/", include("kontor.tasks.urls")),
    path("calendar/", include("kontor.tasks.urls_calendar")),
    path("files/", include("kontor.files.urls")),
    path("search/", include("kontor.search.urls")),
    path("notifications/", include("kontor.notifications.urls")),
    path("mail/", include("kontor.mail.urls")),
    path("inbox/", include("kontor.mail.inbox_urls")),
    path("imports/", include("kontor.transfer.urls")),
    path("export/", include("kontor.transfer.export_urls")),
    path("webforms/", include("kontor.webforms.urls")),
    path("f/", include("kontor.webforms.public_urls")),
    path("webhooks/", include("kontor.webhooks.urls")),
    path("two-factor/", include("kontor.twofactor.urls")),
    path("api/v1/", api.urls),
]

handler403 = "kontor.views.permission_denied"
handler404 = "kontor.views.not_found"
handler500 = "kontor.views.server_error"
