"""POST /api/v1/files/{id}/restore: brings back a deleted file, as the page's "undo" after a delete
does, while the file is kept (the trash's retention period). Whoever may delete the file may."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router

from kontor.api.auth import membership
from kontor.api.errors import ErrorOut
from kontor.api.files import FileOut, file_out
from kontor.api.schemas import Id
from kontor.files import actions
from kontor.records.access import access_file

router = Router(tags=["Files"])


@router.post("/{file_id}/restore", response={200: FileOut, 403: ErrorOut, 404: ErrorOut},
             summary="Restore a deleted file",
             description="The uploader and power users and above may; a file that is not deleted is a 404.")
def restore_file(request: HttpRequest, file_id: Id) -> dict:
    by = membership(request)
    attachment = access_file(by, file_id, include_deleted=True)
    if attachment.deleted_at is None:
        raise Http404
    actions.restore_file(attachment, by)
    return file_out(access_file(by, attachment.pk))
