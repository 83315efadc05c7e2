"""Access helpers: the only way views and API routes fetch tenant objects.

Each helper filters by the membership's account (and for entries by what the role may read), so
another account's object and a missing one give the same 404. Role checks raise PermissionDenied,
which pages show as a clear message and the API answers with 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import ApiKey, Invitation, Membership
from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal
from kontor.files.models import Attachment
from kontor.history.models import Comment, Entry, EntryKind, EntryLink
from kontor.lib.prepared import prepared
from kontor.mail.models import EmailMessage
from kontor.notifications.models import Notification
from kontor.projects.models import Project
from kontor.records.models import BulkJob, CustomField, Record, SavedView, Tag
from kontor.tasks.models import Task
from kontor.transfer.models import Import, ImportState
from kontor.webforms.models import WebForm
from kontor.webhooks.models import Delivery, Subscription

M = TypeVar("M", bound=Model)
KindModel = TypeVar("KindModel", Person, Company, Deal, Project)


def require(membership: Membership, ability: Callable[[str], bool], message: str | None = None) -> None:
    if not ability(membership.role):
        raise PermissionDenied(message or _("Your role does not allow this."))


def _one(objects: QuerySet[M], pk: int) -> M:
    """The object with this id among those the caller may see, or 404: the same answer for another
    account's object as for a missing one."""
    found = objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _one_of_kind(model: type[KindModel]) -> Callable[[int, int, bool], list[KindModel]]:
    """The query of a record page's object, compiled once (kontor/lib/prepared.py): each record
    page asks it, and building its SQL cost ten times running it."""

    @prepared
    def one(account_id: int, pk: int, include_trash: bool) -> QuerySet[KindModel]:
        alive = {} if include_trash else {"record__deleted_at__isnull": True}  # the kinds' alive()
        return model.objects.select_related("record", "record__responsible").filter(
            account_id=account_id, pk=pk, **alive)

    return one


_ONE_OF_KIND: dict[type, Callable[[int, int, bool], list]] = {
    model: _one_of_kind(model) for model in (Person, Company, Deal, Project)}


def _kind_of_record(model: type[KindModel], membership: Membership, pk: int, include_trash: bool) -> KindModel:
    """A person, company, deal or project with its record and responsible, or 404."""
    found = _ONE_OF_KIND[model](membership.account_id, pk, include_trash)
    if not found:
        raise Http404
    return found[0]


def _maybe(objects: Callable[[], QuerySet[M]], pk: int | None) -> M | None:
    """The object with this id among those the caller may see, or None: for a list filter, where an
    unknown id simply filters nothing instead of failing the page. `objects` is asked only for an
    id: every list page calls this, mostly without one."""
    return objects().filter(pk=pk).first() if pk else None


def access_record(membership: Membership, record_id: int, *, include_trash: bool = False) -> Record:
    records = Record.objects.filter(account=membership.account)
    return _one(records if include_trash else records.alive(), record_id)


def access_person(membership: Membership, person_id: int, *, include_trash: bool = False) -> Person:
    return _kind_of_record(Person, membership, person_id, include_trash)


def access_company(membership: Membership, company_id: int, *, include_trash: bool = False) -> Company:
    return _kind_of_record(Company, membership, company_id, include_trash)


def access_deal(membership: Membership, deal_id: int, *, include_trash: bool = False) -> Deal:
    return _kind_of_record(Deal, membership, deal_id, include_trash)


def access_project(membership: Membership, project_id: int, *, include_trash: bool = False) -> Project:
    return _kind_of_record(Project, membership, project_id, include_trash)


def find_person(membership: Membership, person_id: int | None) -> Person | None:
    """The person a list is filtered by (in the trash too, so the filter still names it), or None."""
    return _maybe(lambda: Person.objects.filter(account=membership.account), person_id)


def find_company(membership: Membership, company_id: int | None) -> Company | None:
    """The company a list is filtered by (in the trash too, so the filter still names it), or None."""
    return _maybe(lambda: Company.objects.filter(account=membership.account), company_id)


def find_live_record(membership: Membership, record_id: int | None) -> Record | None:
    """A record of the account outside the trash that a list is filtered by, or None."""
    return _maybe(lambda: Record.objects.filter(account=membership.account).alive(), record_id)


def find_live_records(membership: Membership, record_ids: list[int]) -> dict[int, Record]:
    """The account's records outside the trash among these ids, by id (ids of others are left out)."""
    return Record.objects.filter(account=membership.account, pk__in=record_ids).alive().in_bulk()


def access_entry(membership: Membership, entry_id: int) -> Entry:
    """An entry the membership may read: in its account, confidential only for power users and up."""
    entries = Entry.objects.filter(account=membership.account).visible_to(
        roles.can_read_confidential(membership.role))
    return _one(entries.select_related("author"), entry_id)


def access_entry_on(membership: Membership, record: Record, entry_id: int) -> Entry:
    """An entry the membership may read that is linked to this record, or 404."""
    entry = access_entry(membership, entry_id)
    if not EntryLink.objects.filter(entry=entry, record=record).exists():
        raise Http404
    return entry


def access_email(membership: Membership, entry_id: int) -> tuple[Entry, EmailMessage]:
    """A filed e-mail the membership may read: its history entry and the message's details, or 404."""
    entry = access_entry(membership, entry_id)
    email = EmailMessage.objects.filter(entry=entry).select_related("inbound").first()
    if entry.kind != EntryKind.EMAIL or email is None:
        raise Http404
    return entry, email


def access_comment(membership: Membership, comment_id: int, *, record: Record | None = None,
                   task: Task | None = None, file: Attachment | None = None) -> Comment:
    """A comment of the account under one of the record's entries, or on that very task or file, or
    404. Whether the user may delete it is the action's question."""
    comments = Comment.objects.filter(account=membership.account)
    if record is not None:
        comments = comments.filter(entry__links__record=record)
    else:
        comments = comments.filter(task=task, file=file)
    return _one(comments, comment_id)


def access_notification(membership: Membership, notification_id: int) -> Notification:
    """One of the user's own notifications in this account that the role may still read, or 404."""
    return _one(Notification.objects.for_membership(membership), notification_id)


def access_task(membership: Membership, task_id: int) -> Task:
    """A task of the account; one on a record in the trash is hidden with its record."""
    tasks = Task.objects.visible_in(membership.account)
    return _one(tasks.select_related("record", "assignee", "done_by"), task_id)


def access_file(membership: Membership, file_id: int, *, include_deleted: bool = False) -> Attachment:
    """A file of the account the membership may see: not deleted (unless asked for, to undo a
    delete), not on a record in the trash, not on a confidential entry unless the role may read those."""
    files = Attachment.objects.filter(account=membership.account).visible_to(
        roles.can_read_confidential(membership.role), include_deleted=include_deleted)
    return _one(files.select_related("record", "uploaded_by"), file_id)


def access_tag(membership: Membership, tag_id: int) -> Tag:
    return _one(Tag.objects.filter(account=membership.account), tag_id)


def access_custom_field(membership: Membership, field_id: int) -> CustomField:
    """A custom field definition of the account (any role may read them; changing is for admins)."""
    return _one(CustomField.objects.filter(account=membership.account), field_id)


def access_saved_view(membership: Membership, view_id: int) -> SavedView:
    """A saved list view the user may open: their own, or one a colleague shared with the team."""
    views = SavedView.objects.filter(account=membership.account).filter(
        Q(owner=membership.user) | Q(is_shared=True))
    return _one(views, view_id)


def access_own_saved_view(membership: Membership, view_id: int) -> SavedView:
    """A saved view the user may change or delete: their own, or any shared one for an admin.
    Another's private view is a 404, a colleague's shared one a 403 for everyone else."""
    found = access_saved_view(membership, view_id)
    if found.owner_id != membership.user.pk and not roles.can_manage_team(membership.role):
        raise PermissionDenied(_("Only its author or an administrator can change a shared view."))
    return found


def access_bulk_job(membership: Membership, job_id: int, kind: str | None = None) -> BulkJob:
    """A bulk job the user started in this account (of this list, when given)."""
    jobs = BulkJob.objects.filter(account=membership.account, created_by=membership.user)
    return _one(jobs.filter(kind=kind) if kind else jobs, job_id)


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
    return _one(Membership.objects.filter(account=membership.account).select_related("user"), membership_id)


def access_invitation(membership: Membership, invitation_id: int) -> Invitation:
    return _one(Invitation.objects.filter(account=membership.account), invitation_id)


def access_api_key(membership: Membership, key_id: int) -> ApiKey:
    """One of the user's own API keys in this account that still works."""
    keys = ApiKey.objects.filter(account=membership.account, user=membership.user, revoked_at__isnull=True)
    return _one(keys, key_id)


def access_import(membership: Membership, import_id: int) -> Import:
    """An import of the account; a draft (not started yet) only for the one who uploaded it."""
    imports = Import.objects.filter(account=membership.account).exclude(
        Q(state=ImportState.DRAFT) & ~Q(created_by=membership.user))
    return _one(imports.select_related("created_by"), import_id)


def require_form_manager(membership: Membership) -> None:
    require(membership, roles.can_manage_team, _("Only owners and administrators set up web forms."))


def access_webform(membership: Membership, webform_id: int) -> WebForm:
    """A web form of the account, for an owner or administrator (404 before 403: another account's
    form and a missing one look the same)."""
    found = _one(WebForm.objects.filter(account=membership.account).select_related("responsible"), webform_id)
    require_form_manager(membership)
    return found


def require_webhook_manager(membership: Membership) -> None:
    require(membership, roles.can_manage_team, _("Only owners and administrators set up webhooks."))


def access_subscription(membership: Membership, subscription_id: int) -> Subscription:
    """A webhook of the account, for an owner or administrator (404 before 403, as for web forms)."""
    found = _one(Subscription.objects.filter(account=membership.account), subscription_id)
    require_webhook_manager(membership)
    return found


def access_delivery(membership: Membership, delivery_id: int) -> Delivery:
    """A webhook delivery of the account, with its subscription, for an owner or administrator."""
    found = _one(Delivery.objects.filter(account=membership.account).select_related("subscription"), delivery_id)
    require_webhook_manager(membership)
    return found
