"""Access helpers: the only way views and API routes fetch tenant objects.

Each helper filters by the membership's account (and for entries by what the role may read), so
another account's object and a missing one give the same 404. Role checks raise PermissionDenied,
which pages show as a clear message and the API answers with 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import ApiKey, Invitation, Membership
from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal
from kontor.files.models import Attachment
from kontor.history.models import Entry
from kontor.projects.models import Project
from kontor.records.models import Record, Tag
from kontor.tasks.models import Task


def require(membership: Membership, ability: Callable[[str], bool], message: str | None = None) -> None:
    if not ability(membership.role):
        raise PermissionDenied(message or _("Your role does not allow this."))


def access_record(membership: Membership, record_id: int, *, include_trash: bool = False) -> Record:
    records = Record.objects.filter(account=membership.account)
    if not include_trash:
        records = records.alive()
    record = records.filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record


def access_person(membership: Membership, person_id: int, *, include_trash: bool = False) -> Person:
    people = Person.objects.filter(account=membership.account).select_related("record", "record__responsible")
    if not include_trash:
        people = people.alive()
    person = people.filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def access_company(membership: Membership, company_id: int, *, include_trash: bool = False) -> Company:
    companies = Company.objects.filter(account=membership.account).select_related("record", "record__responsible")
    if not include_trash:
        companies = companies.alive()
    company = companies.filter(pk=company_id).first()
    if company is None:
        raise Http404
    return company


def access_deal(membership: Membership, deal_id: int, *, include_trash: bool = False) -> Deal:
    deals = Deal.objects.filter(account=membership.account).select_related("record", "record__responsible")
    if not include_trash:
        deals = deals.alive()
    deal = deals.filter(pk=deal_id).first()
    if deal is None:
        raise Http404
    return deal


def access_project(membership: Membership, project_id: int, *, include_trash: bool = False) -> Project:
    projects = (Project.objects.filter(account=membership.account)
                .select_related("record", "record__responsible"))
    if not include_trash:
        projects = projects.alive()
    project = projects.filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


def access_entry(membership: Membership, entry_id: int) -> Entry:
    """An entry the membership may read: in its account, confidential only for power users and up."""
    entries = Entry.objects.filter(account=membership.account).visible_to(
        roles.can_read_confidential(membership.role))
    entry = entries.select_related("author").filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def access_task(membership: Membership, task_id: int) -> Task:
    """A task of the account; one on a record in the trash is hidden with its record."""
    task = (Task.objects.filter(account=membership.account).visible()
            .select_related("record", "assignee", "done_by").filter(pk=task_id).first())
    if task is None:
        raise Http404
    return task


def access_file(membership: Membership, file_id: int, *, include_deleted: bool = False) -> Attachment:
    """A file of the account the membership may see: not deleted (unless asked for, to undo a
    delete), not on a record in the trash, not on a confidential entry unless the role may read those."""
    files = Attachment.objects.filter(account=membership.account).visible_to(
        roles.can_read_confidential(membership.role), include_deleted=include_deleted)
    attachment = files.select_related("record", "uploaded_by").filter(pk=file_id).first()
    if attachment is None:
        raise Http404
    return attachment


def access_tag(membership: Membership, tag_id: int) -> Tag:
    tag = Tag.objects.filter(account=membership.account, pk=tag_id).first()
    if tag is None:
        raise Http404
    return tag


def access_colleague(membership: Membership, user_id: int | None) -> Membership | None:
    """A colleague's active membership in the same account, for fields like 'responsible'."""
    if user_id is None:
        return None
    colleague = (Membership.objects.active().filter(account=membership.account, user_id=user_id)
                 .select_related("user").first())
    if colleague is None:
        raise Http404
    return colleague


def access_membership(membership: Membership, membership_id: int) -> Membership:
    """A membership in the same account, active or deactivated (for managing the team)."""
    colleague = (Membership.objects.filter(account=membership.account, pk=membership_id)
                 .select_related("user").first())
    if colleague is None:
        raise Http404
    return colleague


def access_invitation(membership: Membership, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(account=membership.account, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def access_api_key(membership: Membership, key_id: int) -> ApiKey:
    """One of the user's own API keys in this account that still works."""
    key = ApiKey.objects.filter(account=membership.account, user=membership.user, pk=key_id,
                                revoked_at__isnull=True).first()
    if key is None:
        raise Http404
    return key
