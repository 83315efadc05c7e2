"""Creating and changing projects, and turning a won deal into a project. Pages and API write
projects only through these functions, each in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership, User
from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal
from kontor.files.models import Attachment
from kontor.history import activity
from kontor.history import system as system_lines
from kontor.history.models import ActivityVerb
from kontor.projects.models import Project, ProjectStatus
from kontor.records import actions as record_actions
from kontor.records.actions import KEEP
from kontor.records.linked_update import update_linked
from kontor.records.links import check_links, save_new
from kontor.records.models import Kind
from kontor.search import index as search_index
from kontor.webhooks import actions as webhooks

PROJECT_FIELDS = ("name", "description", "status", "start_date", "end_date")


def _apply_fields(project: Project, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    for name, value in fields.items():
        if name in ("name", "description", "status"):
            value = (value or "").strip()
        setattr(project, name, value)
    errors: dict[str, str] = {}
    if not project.name:
        errors["name"] = _("Please name the project.")
    if project.status not in ProjectStatus.values:
        errors["status"] = _("Please choose starting, open or closed.")
    if project.start_date and project.end_date and project.end_date < project.start_date:
        errors["end_date"] = _("The end cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    project.refresh_derived()
    project.full_clean(exclude=["record", "account", "company", "people", "colleagues", "deal", "mail_token"],
                       validate_unique=False, validate_constraints=False)


@transaction.atomic
def create_project(by: Membership, fields: dict[str, Any], *, company: Company | None = None,
                   people: Sequence[Person] = (), colleagues: Sequence[User] = (), tags: Iterable[str] = (),
                   responsible: User | None = None, deal: Deal | None = None) -> Project:
    project = Project(account=by.account)
    _apply_fields(project, fields)
    check_links(by, company, people, colleagues)
    if deal is not None and deal.account_id != by.account.pk:
        raise ValidationError({"deal": _("Unknown deal.")})
    project.deal = deal
    save_new(by, project, Kind.PROJECT, company=company, people=people, colleagues=colleagues, tags=tags,
             responsible=responsible)
    return project


@transaction.atomic
def update_project(project: Project, by: Membership, fields: dict[str, Any], *, version: int | None = None,
                   company: Company | None = KEEP, people: Sequence[Person] | None = None,
                   colleagues: Sequence[User] | None = None, tags: Iterable[str] | None = None,
                   responsible: User | None = KEEP) -> Project:
    """Saves changes (see update_linked)."""
    update_linked(project, by, PROJECT_FIELDS, lambda: _apply_fields(project, fields), version=version,
                  company=company, people=people, colleagues=colleagues, tags=tags, responsible=responsible)
    search_index.index(project)
    webhooks.emit(by.account, "project.updated", project)
    return project


@transaction.atomic
def change_status(project: Project, by: Membership, status: str) -> bool:
    """One click on the status bar: starting, open or closed. Returns whether anything changed;
    a change is written into the project's history (one activity line)."""
    if status not in ProjectStatus.values:
        raise ValidationError({"status": _("Please choose starting, open or closed.")})
    old = project.status
    if status == old:
        return False
    record_actions.bump_version(project.record, by, None)
    project.status = status
    project.save(update_fields=["status"])
    # One activity line, worded in each reader's language; no note besides it.
    activity.record_activity(by, ActivityVerb.STATE, project.record, changes={"status": [old, status]})
    webhooks.emit(by.account, "project.updated", project)
    return True


def project_of(deal: Deal) -> Project | None:
    """The live project that continues a deal, if one was created from it."""
    return Project.objects.alive().filter(deal=deal).order_by("record_id").first()


@transaction.atomic
def create_project_from_deal(deal: Deal, by: Membership) -> Project:
    """The project that continues a won deal: it takes the deal's name, company, people, colleagues,
    tags, description, responsible user and files, and links back to the deal, whose history it shows
    alongside its own (linked, not copied). Asking again returns the project made the first time,
    so a double click or a repeated API call never makes two."""
    if deal.account_id != by.account.pk:
        raise PermissionDenied
    # The deal's row is locked while we look for its project, so that two clicks at the same
    # moment (in two processes) cannot both find none and make two.
    Deal.objects.select_for_update().filter(pk=deal.pk).first()
    if not deal.is_won:
        raise ValidationError({"state": _("Only a won deal can become a project.")})
    existing = project_of(deal)
    if existing is not None:
        return existing
    company = deal.company if deal.company and deal.company.record.deleted_at is None else None
    team = Membership.objects.active().filter(account=by.account).values("user_id")
    project = create_project(
        by, {"name": deal.name, "description": deal.description, "status": ProjectStatus.STARTING},
        company=company, people=list(deal.people.alive()),
        colleagues=list(deal.colleagues.filter(pk__in=team)),
        tags=list(deal.record.tags.values_list("name", flat=True)),
        responsible=deal.record.responsible or by.user, deal=deal,
    )
    # The deal's documents (offers, drawings, contracts) are what the project works with: they
    # move on to it, as its people do. Files on the deal's entries move too; the entries stay
    # linked to the deal and show their files in the project's history as before.
    Attachment.objects.filter(account=by.account, record=deal.record).update(record=project.record)
    system_lines.add_project_from_deal_line(by, deal.record, project.record, name=project.name)
    return project


def delete_project(project: Project, by: Membership) -> None:
    """To the trash; power users and above (raises PermissionDenied for members)."""
    if project.account_id != by.account.pk:
        raise PermissionDenied
    record_actions.trash_record(project.record, by)
