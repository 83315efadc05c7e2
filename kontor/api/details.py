"""Contact details, addresses, tags and the responsible user between the API's JSON and the
contacts actions.

The actions keep a record's e-mails, phones, websites and messengers in one list; the API shows
them as four. Writing one of the four replaces only that one, so the others are carried over
from what is stored, and an action's error about item N of its list is reported at the place
the client sent it (`["body", "phones", 1, "value"]`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.http import Http404
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership, User
from kontor.api.errors import InvalidInput, Loc, field_error
from kontor.contacts.actions import AddressData, DetailData
from kontor.contacts.models import DetailKind
from kontor.records.access import access_colleague
from kontor.records.actions import TagNameError, normalize_tag_name
from kontor.records.models import Record

CONTACT_LISTS = ("emails", "phones", "websites", "messengers")
PHONE_KINDS = (DetailKind.PHONE, DetailKind.MOBILE, DetailKind.FAX)
LIST_OF_KIND: dict[str, str] = {
    DetailKind.EMAIL: "emails", DetailKind.PHONE: "phones", DetailKind.MOBILE: "phones",
    DetailKind.FAX: "phones", DetailKind.WEBSITE: "websites", DetailKind.MESSENGER: "messengers"}
KIND_OF_LIST = {"emails": DetailKind.EMAIL, "websites": DetailKind.WEBSITE,
                "messengers": DetailKind.MESSENGER}
ADDRESS_PARTS = ("street", "zip", "city", "state", "country")


def contact_lists(details: Iterable[tuple[str, str, str]]) -> dict[str, list[dict[str, str]]]:
    """Contact details, as (kind, label, value) in their order, in the four lists."""
    lists: dict[str, list[dict[str, str]]] = {name: [] for name in CONTACT_LISTS}
    for kind, label, value in details:
        item = {"label": label, "value": value}
        if kind in PHONE_KINDS:
            item["type"] = kind
        lists[LIST_OF_KIND[kind]].append(item)
    return lists


def contact_out(record: Record) -> dict[str, list[dict[str, str]]]:
    """The record's stored contact details as the four lists."""
    return contact_lists(record.contact_details.values_list("kind", "label", "value"))


def contact_in(data: dict[str, Any], record: Record | None) -> tuple[list[DetailData] | None, dict[str, Loc]]:
    """The complete contact list for the actions, and where each of its items came from.

    Returns None when the request sends none of the four lists (nothing to change). A list the
    request leaves out is carried over from the stored details of `record`."""
    if not any(name in data for name in CONTACT_LISTS):
        return None, {}
    stored = contact_out(record) if record is not None else {name: [] for name in CONTACT_LISTS}
    details: list[DetailData] = []
    places: dict[str, Loc] = {}
    for name in CONTACT_LISTS:
        sent = name in data
        for index, item in enumerate((data[name] or []) if sent else stored[name]):
            kind = item.get("type") or KIND_OF_LIST.get(name, DetailKind.PHONE)
            place: Loc = ["body", name, index, "value"] if sent else ["body", name]
            places[f"contact_details.{len(details)}"] = place
            details.append(DetailData(kind=kind, value=item["value"], label=item.get("label") or "work"))
    return details, places


def addresses_in(data: dict[str, Any]) -> tuple[list[AddressData] | None, dict[str, Loc]]:
    """The addresses for the actions, and where each came from; empty addresses are left out
    (as the actions do), so the places of the rest still point at what the client sent."""
    if "addresses" not in data:
        return None, {}
    addresses: list[AddressData] = []
    places: dict[str, Loc] = {}
    for index, item in enumerate(data["addresses"] or []):
        if not any((item.get(part) or "").strip() for part in ADDRESS_PARTS):
            continue
        places[f"addresses.{len(addresses)}"] = ["body", "addresses", index]
        addresses.append(AddressData(label=item.get("label") or "work",
                                     **{part: item.get(part) or "" for part in ADDRESS_PARTS}))
    return addresses, places


def tags_in(data: dict[str, Any]) -> list[str] | None:
    """The tag names to set, checked one by one so that a bad one is named by its position."""
    if "tags" not in data:
        return None
    names = data["tags"] or []
    errors = []
    for index, name in enumerate(names):
        try:
            normalize_tag_name(name)
        except TagNameError as error:
            errors.append(field_error(["body", "tags", index], str(error)))
    if errors:
        raise InvalidInput(errors)
    return names


def responsible_in(membership: Membership, data: dict[str, Any]) -> User | None | Literal[False]:
    """The responsible user to set: False to leave it, None to clear it, or an active colleague.
    Anyone else (a former colleague, a user of another account, a missing id) is refused."""
    if "responsible_id" not in data:
        return False
    if data["responsible_id"] is None:
        return None
    try:
        colleague = access_colleague(membership, data["responsible_id"])
    except Http404:
        raise InvalidInput([field_error(["body", "responsible_id"], _(
            "There is no active colleague with this id in your account."))]) from None
    return colleague.user if colleague else None
