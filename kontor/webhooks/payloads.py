"""The "data" of a webhook: the object as the API shows it, made by the API's own functions and
schemas so that a webhook and a GET of the same object read alike.

The API modules are imported inside the functions: they import the domain apps' actions, and
those actions call emit(), so a module-level import here would be circular."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch
from django.utils import timezone


def _person(obj: Any) -> dict[str, Any]:
    from kontor.api.people import PersonOut, person_out, with_api_data
    from kontor.contacts.models import Person

    return PersonOut.model_validate(person_out(with_api_data(Person.objects.filter(pk=obj.pk)).get())).model_dump(
        mode="json")


def _company(obj: Any) -> dict[str, Any]:
    from kontor.api.companies import CompanyOut, company_out, with_api_data
    from kontor.contacts.models import Company

    company = with_api_data(Company.objects.filter(pk=obj.pk)).get()
    return CompanyOut.model_validate(company_out(company)).model_dump(mode="json")


def _deal(obj: Any) -> dict[str, Any]:
    from kontor.api.deals import DealOut, deal_out, with_api_data
    from kontor.deals.models import Deal

    return DealOut.model_validate(deal_out(with_api_data(Deal.objects.filter(pk=obj.pk)).get())).model_dump(
        mode="json")


def _project(obj: Any) -> dict[str, Any]:
    from kontor.api.projects import ProjectOut, project_out, with_api_data
    from kontor.projects.models import Project

    project = with_api_data(Project.objects.filter(pk=obj.pk)).get()
    return ProjectOut.model_validate(project_out(project)).model_dump(mode="json")


def _task(obj: Any) -> dict[str, Any]:
    from kontor.api.tasks import TaskOut, task_out
    from kontor.tasks.models import Task

    task = Task.objects.select_related("record", "assignee").get(pk=obj.pk)
    return TaskOut.model_validate(task_out(task, timezone.localdate())).model_dump(mode="json")


def _note(obj: Any) -> dict[str, Any]:
    from kontor.api.notes import LINKED_RECORDS, NoteOut, note_out
    from kontor.history.models import Entry

    entry = Entry.objects.select_related("author").prefetch_related(LINKED_RECORDS).get(pk=obj.pk)
    return NoteOut.model_validate(note_out(entry)).model_dump(mode="json")


def _email(obj: Any) -> dict[str, Any]:
    from kontor.api.emails import EmailOut, email_out
    from kontor.api.notes import LINKED_RECORDS
    from kontor.files.models import Attachment
    from kontor.history.models import Entry

    files = Attachment.objects.filter(account_id=obj.account_id).visible_to(True).order_by("created_at", "pk")
    entry = (Entry.objects.select_related("email").prefetch_related(LINKED_RECORDS, Prefetch("attachments", files))
             .get(pk=obj.pk))
    return EmailOut.model_validate(email_out(entry)).model_dump(mode="json", by_alias=True)


def _file(obj: Any) -> dict[str, Any]:
    from kontor.api.files import FileOut, file_out
    from kontor.files.models import Attachment

    attachment = Attachment.objects.select_related("record", "uploaded_by").get(pk=obj.pk)
    return FileOut.model_validate(file_out(attachment)).model_dump(mode="json")


def _comment(obj: Any) -> dict[str, Any]:
    from kontor.api.comments import CommentOut, comment_out
    from kontor.history.models import Comment

    comment = Comment.objects.select_related("author").get(pk=obj.pk)
    return CommentOut.model_validate(comment_out(comment)).model_dump(mode="json")


def _import(obj: Any) -> dict[str, Any]:
    from kontor.api.imports import ImportOut, import_out
    from kontor.transfer.models import Import

    return ImportOut.model_validate(import_out(Import.objects.get(pk=obj.pk))).model_dump(mode="json")


def _submission(obj: Any) -> dict[str, Any]:
    """An enquiry through a web form: which form, when, and the person it was filed on."""
    from kontor.webforms.models import Submission

    submission = Submission.objects.select_related("form").get(pk=obj.pk)
    return {"id": submission.pk, "form_id": submission.form_id, "form_name": submission.form.name,
            "created_at": submission.created_at.isoformat().replace("+00:00", "Z"),
            "person": _person(submission.person) if submission.person_id else None}


BUILDERS = {
    "person": _person, "company": _company, "deal": _deal, "project": _project, "task": _task, "note": _note,
    "email": _email, "file": _file, "comment": _comment, "import": _import, "webform": _submission,
}


def data_of(event: str, obj: Model) -> dict[str, Any]:
    """The payload's "data" for an event ("person.created") about `obj`."""
    return BUILDERS[event.partition(".")[0]](obj)
