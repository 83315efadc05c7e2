"""The JSON API under /api/v1: one router per resource, API-key authentication on every route
except the schema and its docs, and JSON answers for every error (see errors.py, docs/api.md)."""

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Schema

from kontor.api import (
    activity,
    bulk,
    companies,
    custom_fields,
    deals,
    emails,
    errors,
    file_restore,
    files,
    following,
    imports,
    keys,
    mail_in,
    merge,
    notes,
    people,
    photos,
    preferences,
    projects,
    ratelimit,
    saved_views,
    search,
    tags,
    tasks,
    team,
    trash,
    users,
    webforms,
)
from kontor.api.auth import api_key_auth
from kontor.api.comments import router as comments_router
from kontor.api.notifications import router as notifications_router
from kontor.api.webhooks import router as webhooks_router

DESCRIPTION = """
The JSON API of Kontor: people, companies, their notes and history, tags.

**Authentication**: every request sends an API key (create one under *Settings → API keys*), as
`Authorization: Bearer KEY` or as `X-apikey: KEY`. The key acts with its user's role.

**Lists** return `{"items": [...], "page": 1, "per_page": 25, "has_next": false}`; `per_page` is at
most 250.

**Errors** are JSON: `{"detail": "..."}` for 401, 403, 404 and 409 (with the current `version`), and
`{"detail": [{"loc": ["body", "emails", 0, "value"], "msg": "...", "type": "..."}]}` for 422.
"""

api = NinjaAPI(title="Kontor API", version="1", urls_namespace="api", description=DESCRIPTION,
               auth=api_key_auth)
errors.install(api)
ratelimit.install(api)

RESOURCES = {"people": people.router, "companies": companies.router, "notes": notes.router,
             "tags": tags.router, "users": users.router, "tasks": tasks.router, "deals": deals.router,
             "projects": projects.router, "search": search.router, "files": files.router}
RESOURCES.update({"comments": comments_router, "notifications": notifications_router})
RESOURCES.update({"emails": emails.router, "inbox": emails.inbox_router, "mail": mail_in.router,
                  "imports": imports.router})
RESOURCES.update({"webforms": webforms.router, "views": saved_views.router})
RESOURCES.update({"custom-fields": custom_fields.router})
RESOURCES.update({"webhooks": webhooks_router})
RESOURCES.update({"following": following.list_router, "trash": trash.router, "activity": activity.router,
                  "members": team.members_router, "invitations": team.invitations_router, "keys": keys.router})
# POST /{people|companies|deals|projects|tasks}/bulk, beside those resources' own routes and
# before them: their /{id} routes would take "bulk" for an id.
api.add_router("", bulk.router)
# GET /{people|companies}/duplicates and POST /{people|companies}/{id}/merge, for the same reason.
api.add_router("", merge.router)
for name, router in RESOURCES.items():
    api.add_router(f"/{name}", router)
# Not in the index's resources: /settings itself lists nothing.
api.add_router("/settings", preferences.router)
# POST/DELETE /{people|companies|deals|projects}/{id}/follow, beside those resources' own routes.
api.add_router("", following.router)
# GET/POST/DELETE /{people|companies}/{id}/photo, beside those resources' own routes.
api.add_router("", photos.router)
# Undoing a file's deletion: with /files, in a module of its own.
api.add_router("/files", file_restore.router)


class IndexOut(Schema):
    name: str
    version: str
    docs_url: str
    openapi_url: str
    resources: dict[str, str]


@api.get("/", response=IndexOut, tags=["Index"], summary="Where to start",
         description="Links to the docs and to every resource; also a quick check that the key works.")
def index(request: HttpRequest) -> dict:
    return {"name": api.title, "version": api.version, "docs_url": reverse("api:openapi-view"),
            "openapi_url": reverse("api:openapi-json"),
            "resources": {name: reverse("api:api-root") + name for name in RESOURCES}}
