"""/api/v1/search: the same search as the results page, as JSON.

    GET /api/v1/search?q=müller&kind=person&kind=note&page=1&per_page=25
    {"items": [{"kind": "person", "id": 12, "title": "Hans Müller", "snippet": "...",
                "record": {"kind": "person", "id": 12}}, ...], "page": 1, "per_page": 25, "has_next": false}

Items come grouped by kind (person, company, deal, project, task, note, email, comment), newest first within
a kind. Confidential notes only reach keys whose user may read them."""

from __future__ import annotations

import html
from typing import Literal

from django.http import HttpRequest
from django.utils.html import strip_tags
from ninja import Field, Query, Router, Schema

from kontor.api.auth import membership
from kontor.api.errors import InvalidInputOut
from kontor.api.lists import Page, PageParams, envelope
from kontor.api.schemas import Text
from kontor.search import queries
from kontor.search.models import Document

router = Router(tags=["Search"])

KindName = Literal["person", "company", "deal", "project", "task", "note", "email", "comment"]


class RecordRef(Schema):
    kind: str = Field(description="person, company, deal or project")
    id: int


class SearchHit(Schema):
    kind: str = Field(description="person, company, deal, project, task, note, email or comment")
    id: int = Field(description="The id of the person, company, deal, project, task, note (e-mails are notes) "
                                "or comment.")
    title: str
    snippet: str = Field(description="Plain text around the first match.")
    record: RecordRef | None = Field(description="The record the hit is, or belongs to; null for a task on no "
                                                 "record.")


class SearchPage(Page):
    items: list[SearchHit]


class SearchParams(PageParams):
    q: Text = Field(max_length=200, description="Words or parts of words; case, umlauts (ü, ue) and ß (ss) do "
                                                "not matter. With fewer than three letters, names starting "
                                                "with them are found.")
    kind: list[KindName] = Field([], description="Only these kinds; repeatable.")


def _hit(document: Document) -> dict:
    record = document.record
    return {"kind": document.kind, "id": document.object_id, "title": document.title,
            "snippet": html.unescape(strip_tags(document.snippet)),
            "record": {"kind": record.kind, "id": record.pk} if record is not None else None}


@router.get("", response={200: SearchPage, 422: InvalidInputOut}, summary="Search",
            description="Finds people, companies, deals and projects by name, background, phone numbers and "
                        "e-mail addresses, and notes, e-mails and tasks by their text.")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    page = queries.search(membership(request), params.q, params.kind, params.page, params.per_page)
    return envelope([_hit(document) for document in page.documents], params, page.has_next)
