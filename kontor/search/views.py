"""The quick search under the search field of every page, and the full results page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kontor.accounts.decorators import member_required
from kontor.accounts.requests import MemberRequest
from kontor.lib.params import parse_page
from kontor.search import queries
from kontor.search.models import DocumentKind


def _query(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:200]


@member_required
def suggest(request: MemberRequest) -> HttpResponse:
    """The dropdown of best matches while typing (htmx). Without JS the form goes to the full
    results, so a plain request is sent there too."""
    text = _query(request)
    if not request.htmx:
        return redirect(f"{reverse('search')}?{urlencode({'q': text})}")
    documents = queries.suggest(request.membership, text)
    return render(request, "search/_suggestions.html", {"search_query": text, "documents": documents})


@member_required
def results(request: MemberRequest) -> HttpResponse:
    """Everything that matches, grouped by kind, newest first, a page at a time; `kind` (repeatable)
    narrows it to some kinds."""
    text = _query(request)
    kinds = [kind for kind in request.GET.getlist("kind") if kind in DocumentKind.values]
    number = parse_page(request.GET.get("page"))
    page = queries.search(request.membership, text, kinds, number)
    return render(request, "search/results.html", {
        "search_query": text, "page": page, "kinds": kinds, "kind_choices": DocumentKind.choices,
        "is_short": 0 < len(text) < 3,
    })
