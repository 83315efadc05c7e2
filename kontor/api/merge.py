"""Possible duplicates and merging, as the pages do them (kontor/contacts/merge.py):

    GET  /api/v1/people/duplicates            groups of people that look like one person
    GET  /api/v1/companies/duplicates         the same for companies
    POST /api/v1/people/{id}/merge            {"other_ids": [7, 9], "keep": {"birthday": 7}}
    POST /api/v1/companies/{id}/merge
    POST /api/v1/{people|companies}/{id}/merge/undo   the latest merge into it, within 30 days

A merge keeps the person or company of the URL; fields that `keep` does not name keep its value.
The answer is the kept record, as its GET shows it."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.companies import CompanyOut, company_out
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, StaleOut, field_error, locating
from kontor.api.lists import ListParams, Page, aware, envelope
from kontor.api.people import PersonOut, person_out
from kontor.api.schemas import Id
from kontor.contacts import merge as contact_merge
from kontor.contacts.matching import Candidates
from kontor.records import merge as records_merge
from kontor.records.access import access_company, access_person
from kontor.records.models import Kind, Record

router = Router(tags=["Duplicates and merge"])


class EvidenceOut(Schema):
    reason: Literal["email", "phone", "name"] = Field(
        description="`email` and `phone`: the records share this address or number (digits); `name`: the "
                    "same name once folded (umlauts, accents, spaces; for people with the same company, for "
                    "companies without the legal form).")
    value: str


class CandidatesOut(Schema):
    ids: list[int] = Field(description="The records that look like one, oldest first.")
    reasons: list[EvidenceOut]
    score: int = Field(description="The strength of the evidence: e-mail 3, phone 2, name 2, added up.")


class CandidatesPage(Page):
    items: list[CandidatesOut]


class DuplicatesParams(ListParams):
    order: Literal["-score", "score"] = Field("-score", description="`-score` (strongest evidence first) or "
                                                                     "`score`.")


class MergeIn(Schema):
    # Not required by the schema, so that a record of another account is a 404 whatever the body;
    # the merge itself refuses an empty list (422).
    other_ids: list[Id] = Field([], max_length=records_merge.MAX_MERGED,
                                description="The records merged into this one (at least one): they go to the "
                                            "trash.")
    keep: dict[str, Id] = Field({}, description="Per field, the id of the record whose value survives "
                                                "(`{\"birthday\": 7}`); a field not named keeps this record's "
                                                "value. `responsible` names the responsible user's record.")
    version: Id | None = Field(None, description="This record's version as you read it: a record changed "
                                                 "meanwhile is not merged (409).")


def _duplicates(request: HttpRequest, kind: str, params: DuplicatesParams) -> dict[str, Any]:
    by = membership(request)
    records_merge.require_duplicates(by)
    groups = contact_merge.duplicates(by.account_id, kind)
    if params.updated_since is not None:
        since = aware(params.updated_since, ["query", "updated_since"])
        changed = set(Record.objects.filter(pk__in=[pk for g in groups for pk in g.ids], updated_at__gte=since)
                      .values_list("pk", flat=True))
        groups = [group for group in groups if changed.intersection(group.ids)]
    if params.order == "score":
        groups.reverse()
    start = (params.page - 1) * params.per_page
    shown = groups[start:start + params.per_page]
    return envelope([_candidates_out(group) for group in shown], params, len(groups) > start + params.per_page)


def _candidates_out(group: Candidates) -> dict[str, Any]:
    return {"ids": group.ids, "reasons": [{"reason": e.reason, "value": e.value} for e in group.reasons],
            "score": group.score}


DUPLICATES = ("Owners and administrators. Groups of live records that share an e-mail address or a phone "
              "number, or whose names are the same once folded; found with the same rule the import uses "
              "to skip duplicates. `updated_since` keeps the groups with a record changed at or after it.")


@router.get("/people/duplicates", response={200: CandidatesPage, 403: ErrorOut, 422: InvalidInputOut},
            summary="Possible duplicate people", description=DUPLICATES)
def people_duplicates(request: HttpRequest, params: Query[DuplicatesParams]) -> dict[str, Any]:
    return _duplicates(request, Kind.PERSON, params)


@router.get("/companies/duplicates", response={200: CandidatesPage, 403: ErrorOut, 422: InvalidInputOut},
            summary="Possible duplicate companies", description=DUPLICATES)
def company_duplicates(request: HttpRequest, params: Query[DuplicatesParams]) -> dict[str, Any]:
    return _duplicates(request, Kind.COMPANY, params)


def _others(by: Membership, kind: str, other_ids: list[int]) -> list[Any]:
    """The records to merge in, each of the account; an unknown id is a 422 at its place."""
    fetch = access_person if kind == Kind.PERSON else access_company
    found, errors = [], []
    for index, pk in enumerate(other_ids):
        try:
            found.append(fetch(by, pk))
        except Http404:
            errors.append(field_error(["body", "other_ids", index], _("There is no such record in your account.")))
    if errors:
        raise InvalidInput(errors)
    return found


MERGE = ("Power users and above. The other records go to the trash pointing at this one; their history, tasks, "
         "files, deals, projects, followers, tags, custom values, contact details and addresses move here "
         f"without doubles. The kept record's page offers to undo the merge for {records_merge.MERGE_UNDO_DAYS} "
         "days.")


@router.post("/people/{person_id}/merge",
             response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
             summary="Merge people into this person", description=MERGE)
def merge_people(request: HttpRequest, person_id: Id, payload: MergeIn) -> dict[str, Any]:
    by = membership(request)
    person = access_person(by, person_id)
    others = _others(by, Kind.PERSON, payload.other_ids)
    with locating({}):
        contact_merge.merge_people(by, person, others, keep=payload.keep, version=payload.version)
    return person_out(access_person(by, person_id))


@router.post("/companies/{company_id}/merge",
             response={200: CompanyOut, 403: ErrorOut, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
             summary="Merge companies into this company", description=MERGE)
def merge_companies(request: HttpRequest, company_id: Id, payload: MergeIn) -> dict[str, Any]:
    by = membership(request)
    company = access_company(by, company_id)
    others = _others(by, Kind.COMPANY, payload.other_ids)
    with locating({}):
        contact_merge.merge_companies(by, company, others, keep=payload.keep, version=payload.version)
    return company_out(access_company(by, company_id))


UNDO = (f"Power users and above. Undoes this record's latest merge within {records_merge.MERGE_UNDO_DAYS} days: "
        "the merged records come back "
        "from the trash with exactly what moved from them, and this record gets back the values it had. 404 "
        "when there is no merge to undo, 422 when it can no longer be undone.")


def _undo(by: Membership, record: Record) -> None:
    records_merge.require_merge(by)
    merge = records_merge.undoable_merge(record)
    if merge is None:
        raise Http404
    contact_merge.undo_merge(by, merge)


@router.post("/people/{person_id}/merge/undo",
             response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
             summary="Undo the latest merge into this person", description=UNDO)
def undo_people_merge(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    by = membership(request)
    _undo(by, access_person(by, person_id).record)
    return person_out(access_person(by, person_id))


@router.post("/companies/{company_id}/merge/undo",
             response={200: CompanyOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
             summary="Undo the latest merge into this company", description=UNDO)
def undo_company_merge(request: HttpRequest, company_id: Id) -> dict[str, Any]:
    by = membership(request)
    _undo(by, access_company(by, company_id).record)
    return company_out(access_company(by, company_id))
