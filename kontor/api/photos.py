"""A person's or company's photo through the API, as the record's edit page handles it:
`GET`, `POST` (multipart, field `photo`) and `DELETE /api/v1/{people|companies}/{id}/photo`.
The photo is stored as a square WebP thumbnail of at most 400 x 400 pixels (kontor.contacts.actions)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error
from kontor.api.schemas import Id, Omittable
from kontor.contacts import actions
from kontor.contacts.models import Company, Person
from kontor.contacts.views import photo_response
from kontor.records.access import access_company, access_person

# Mounted at the API's root, beside the people's and companies' own routes.
router = Router(tags=["Photos"])

Fetch = Callable[[Membership, int], Person | Company]
KINDS: dict[str, tuple[str, Fetch]] = {"people": ("person", access_person), "companies": ("company", access_company)}


class PhotoOut(Schema):
    record_id: int
    has_photo: bool
    url: str | None


def _out(kind: str, obj: Person | Company) -> dict:
    return {"record_id": obj.pk, "has_photo": bool(obj.photo),
            "url": f"/api/v1/{kind}/{obj.pk}/photo" if obj.photo else None}


def _read(kind: str, fetch: Fetch) -> Callable[..., HttpResponse]:
    def read_photo(request: HttpRequest, record_id: Id) -> HttpResponse:
        return photo_response(fetch(membership(request), record_id))
    return read_photo


def _replace(kind: str, fetch: Fetch) -> Callable[..., dict]:
    def replace_photo(request: HttpRequest, record_id: Id,
                      photo: File[Omittable[UploadedFile]] = None) -> dict:
        by = membership(request)
        obj = fetch(by, record_id)
        if photo is None:
            raise InvalidInput([field_error(["body", "photo"], _("Send the image as the multipart field “photo”."))])
        try:
            actions.set_photo(obj, photo, by)
        except ValidationError as error:
            raise InvalidInput([field_error(["body", "photo"], " ".join(error.messages))]) from None
        return _out(kind, fetch(by, record_id))
    return replace_photo


def _remove(kind: str, fetch: Fetch) -> Callable[..., dict]:
    def remove_photo(request: HttpRequest, record_id: Id) -> dict:
        by = membership(request)
        obj = fetch(by, record_id)
        actions.remove_photo(obj, by)
        return _out(kind, obj)
    return remove_photo


for _kind, (_noun, _fetch) in KINDS.items():
    router.get(f"/{_kind}/{{record_id}}/photo", response={200: None, 404: ErrorOut},
               summary=f"The {_noun}'s photo", operation_id=f"read_{_noun}_photo",
               description="A WebP image of at most 400 x 400 pixels; 404 when there is none.")(_read(_kind, _fetch))
    router.post(f"/{_kind}/{{record_id}}/photo", response={200: PhotoOut, 404: ErrorOut, 413: ErrorOut,
                                                           422: InvalidInputOut},
                summary=f"Set the {_noun}'s photo", operation_id=f"set_{_noun}_photo",
                description="A multipart form with `photo`: a JPEG, PNG or WebP image (at most the photo size "
                            "limit and 25 megapixels). It is cropped to a square and stored at 400 x 400 pixels, "
                            "replacing the photo before.",
                # Required, as the route refuses a form without it (ninja would declare it optional:
                # the route looks the record up first, so another account's record stays a 404).
                openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                    "required": ["photo"]}}}}})(_replace(_kind, _fetch))
    router.delete(f"/{_kind}/{{record_id}}/photo", response={200: PhotoOut, 404: ErrorOut},
                  summary=f"Remove the {_noun}'s photo",
                  operation_id=f"remove_{_noun}_photo")(_remove(_kind, _fetch))
