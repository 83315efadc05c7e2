"""Custom fields: the account's own fields on people, companies, deals and projects.

Definitions (CustomField) are written by owners and admins; values (CustomValue) are written with
the record they belong to, inside the record's own save (and its version check). Every way in
(pages, API, import) cleans raw input with `clean_value`, so a value means the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import FilteredRelation, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import formats
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.lib.prepared import prepared
from kontor.records.models import CustomField, CustomValue, FieldType, Kind, Record

MAX_FIELDS_PER_KIND = 100
MAX_OPTIONS = 100
MAX_TEXT = 255
MAX_LONG_TEXT = 20_000
# Numbers are stored with 6 decimals in 20 digits: 14 digits before the decimal point.
MAX_NUMBER = Decimal(10) ** 14
TEXT_TYPES = (FieldType.TEXT, FieldType.SELECT, FieldType.URL)
SEARCHED_TYPES = (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.SELECT, FieldType.URL)
_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ß": "ss"})
_TRUE = {"true", "1", "yes", "ja", "on", "y", "j"}
_FALSE = {"false", "0", "no", "nein", "off", "n"}


# -- reading -----------------------------------------------------------------------------------------

def fields_of(account: Account, kind: str) -> list[CustomField]:
    """The account's fields for one kind, in their order."""
    return fields_of_account_id(account.pk, kind)


@prepared
def fields_of_account_id(account_id: int, kind: str) -> QuerySet[CustomField]:
    """The account's fields for one kind, in their order (every list page asks: compiled once)."""
    return CustomField.objects.filter(account_id=account_id, kind=kind).order_by("position", "pk")


def fields_by_key(account_id: int, kind: str) -> dict[str, CustomField]:
    return {field.key: field for field in fields_of_account_id(account_id, kind)}


def names_by_key(account_id: int, kind: str) -> dict[str, str]:
    """{key: name} of a kind's fields, in their order: the import's extra columns ("custom:<key>")."""
    return {field.key: field.name for field in fields_of_account_id(account_id, kind)}


# Where a value of each type is stored; the other types in text_value.
VALUE_COLUMNS: dict[str, str] = {FieldType.LONG_TEXT: "long_text_value", FieldType.NUMBER: "number_value",
                                 FieldType.DATE: "date_value", FieldType.BOOLEAN: "bool_value"}
_ALL_VALUE_COLUMNS = ("text_value", *VALUE_COLUMNS.values())


def value_column(field_type: str) -> str:
    """The column of CustomValue that holds a value of this type."""
    return VALUE_COLUMNS.get(field_type, "text_value")


def value_of(field: CustomField, stored: CustomValue) -> Any:
    """The Python value a stored row holds for its field's type."""
    return getattr(stored, value_column(field.type))


def values_prefetch(lookup: str = "record__custom_values") -> Prefetch:
    """Prefetches a record's values (with their field) into `custom_value_list`, for lists of records."""
    return Prefetch(lookup, CustomValue.objects.select_related("field"), to_attr="custom_value_list")


def values_by_key(record: Record) -> dict[str, Any]:
    """{key: value} of the record's filled fields; uses `custom_value_list` when prefetched."""
    rows = getattr(record, "custom_value_list", None)
    if rows is None:
        rows = list(CustomValue.objects.filter(record=record).select_related("field"))
    return {row.field.key: value_of(row.field, row) for row in rows}


def json_value(field: CustomField, value: Any) -> Any:
    """A value as the API shows it: numbers as numbers, dates as ISO strings."""
    if value is None:
        return None
    if field.type == FieldType.NUMBER:
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if field.type == FieldType.DATE:
        return value.isoformat()
    return value


def shown_value(field: CustomField | CardField, value: Any) -> str:
    """A value as a page shows it, in the user's language."""
    if value is None or value == "":
        return ""
    if field.type == FieldType.NUMBER:
        number = Decimal(value).normalize()
        exponent = number.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return formats.number_format(number, decimal_pos=min(places, 6), use_l10n=True, force_grouping=True)
    if field.type == FieldType.DATE:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if field.type == FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    return str(value)


class CardField(NamedTuple):
    """A field as the custom-fields card shows it."""

    pk: int
    name: str
    type: str


@prepared
def _card_rows(account_id: int, kind: str, record_id: int) -> QuerySet[CustomField, tuple]:
    mine = FilteredRelation("values", condition=Q(values__record=record_id))
    return (CustomField.objects.filter(account_id=account_id, kind=kind).annotate(mine=mine)
            .order_by("position", "pk")
            .values_list("pk", "name", "type", "mine__id", *(f"mine__{column}" for column in _ALL_VALUE_COLUMNS)))


def card(record: Record) -> list[dict[str, Any]]:
    """The rows of a record page's custom-fields card: each field of the kind with the record's
    shown value; the fields and the values in one query of plain rows (a join on the record's
    value, at most one per field: a subquery per column cost twice as much to build)."""
    rows = []
    for pk, name, type_, value_id, *columns in _card_rows(record.account_id, record.kind, record.pk):
        field = CardField(pk, name, type_)
        value = columns[_ALL_VALUE_COLUMNS.index(value_column(type_))] if value_id else None
        if value is not None and type_ == FieldType.NUMBER:
            value = Decimal(value)
        rows.append({"field": field, "value": value, "shown": shown_value(field, value)})
    return rows


# -- cleaning ----------------------------------------------------------------------------------------

def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a number."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text:
            # German writing: 1.234,5 is one thousand two hundred thirty-four and a half.
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise ValidationError(_("Enter a number.")) if not number.is_finite() else ValidationError(
            _("This number is too large."))
    # Written without exponent ("100", not "1E+2"), as the form shows it again.
    return Decimal(format(number.quantize(Decimal("0.000001")).normalize(), "f"))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if german:
            return dt.date(int(german[3]), int(german[2]), int(german[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Enter a date like 2025-03-17.")) from None


def _url(text: str) -> str:
    if "://" not in text:
        text = f"https://{text}"
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValidationError(_("Enter a web address like https://example.com.")) from None
    if len(text) > MAX_TEXT:
        raise ValidationError(_("This web address is too long."))
    return text


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(_("Choose yes or no."))


def clean_value(field: CustomField, value: Any) -> Any:
    """The typed value to store for raw input (a form's text or an API's JSON value); None clears.

    Raises ValidationError with a message for the user when the input does not fit the type."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field.type in (FieldType.NUMBER,):
        return _number(value)
    if field.type == FieldType.DATE:
        return _date(value)
    if field.type == FieldType.BOOLEAN:
        return _boolean(value)
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."))
    text = value.strip()
    if field.type == FieldType.LONG_TEXT:
        if len(text) > MAX_LONG_TEXT:
            raise ValidationError(_("This text is too long (at most %(max)s characters).") % {"max": MAX_LONG_TEXT})
        return text
    text = " ".join(text.split())
    if field.type == FieldType.URL:
        return _url(text)
    if field.type == FieldType.SELECT:
        chosen = next((option for option in field.options if option.lower() == text.lower()), None)
        if chosen is None:
            raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": text[:60]})
        return chosen
    if len(text) > MAX_TEXT:
        raise ValidationError(_("This text is too long (at most %(max)s characters).") % {"max": MAX_TEXT})
    return text


def clean_values(account: Account, kind: str, raw: Mapping[str, Any]) -> dict[CustomField, Any]:
    """Raw values by key (as the API and imports send them) cleaned for `set_custom_values`.

    Raises one ValidationError naming every key that is unknown or whose value does not fit."""
    if not raw:
        return {}
    return clean_values_by_key({field.key: field for field in fields_of(account, kind)}, raw)


def clean_values_by_key(fields: Mapping[str, CustomField], raw: Mapping[str, Any]) -> dict[CustomField, Any]:
    """`clean_values` with the kind's fields given (by key), for many rows at once (an import)."""
    cleaned: dict[CustomField, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        field = fields.get(key)
        if field is None:
            errors[key] = [_("There is no custom field with this key.")]
            continue
        try:
            cleaned[field] = clean_value(field, value)
        except ValidationError as error:
            errors[key] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


# -- writing values ----------------------------------------------------------------------------------

def _store(row: CustomValue, field: CustomField, value: Any) -> None:
    row.text_value = row.long_text_value = None
    row.number_value = row.date_value = row.bool_value = None
    if field.type == FieldType.LONG_TEXT:
        row.long_text_value = value
    elif field.type == FieldType.NUMBER:
        row.number_value = value
    elif field.type == FieldType.DATE:
        row.date_value = value
    elif field.type == FieldType.BOOLEAN:
        row.bool_value = value
    else:
        row.text_value = value


def _same(field: CustomField, old: Any, new: Any) -> bool:
    if field.type == FieldType.NUMBER and old is not None and new is not None:
        return Decimal(old) == Decimal(new)
    return bool(old == new)


def write_values(record: Record, values: Mapping[CustomField, Any]) -> dict[str, list[Any]]:
    """Stores cleaned values on the record (None deletes one) and returns {field name: [old, new]}
    for those that changed. Writes nothing else: the caller's action runs it inside its own
    transaction, after the record's version check, and logs the change."""
    if not values:
        return {}
    stored = {row.field_id: row for row in CustomValue.objects.filter(record=record, field__in=list(values))}
    changes: dict[str, list[Any]] = {}
    for field, value in values.items():
        row = stored.get(field.pk)
        old = value_of(field, row) if row else None
        if _same(field, old, value):
            continue
        changes[field.name] = [shown_value(field, old), shown_value(field, value)]
        if value is None:
            assert row is not None
            row.delete()
            continue
        if row is None:
            row = CustomValue(account_id=record.account_id, field=field, record=record)
        _store(row, field, value)
        row.save()
    return changes


def write_new_values(account_id: int, rows: Iterable[tuple[int, Mapping[CustomField, Any]]]) -> None:
    """The values of freshly created records, by record id (an import of thousands), in batched
    INSERTs; the caller re-indexes the records for the quick search."""
    new = []
    for record_id, values in rows:
        for field, value in values.items():
            if value is None:
                continue
            row = CustomValue(account_id=account_id, field=field, record_id=record_id)
            _store(row, field, value)
            new.append(row)
    CustomValue.objects.bulk_create(new, batch_size=500)


@transaction.atomic
def set_custom_values(record: Record, by: Membership, values: Mapping[CustomField, Any], *,
                      log: bool = True) -> dict[str, list[Any]]:
    """Writes cleaned values of one record, re-indexes it for the quick search, and adds a line
    "changed" to its activity (unless `log` is False: a new record's creation line says enough).

    Call it in the same transaction as the kind's create/update action, after it: that action
    did the version check, so values are never written over a colleague's newer save."""
    for field in values:
        if field.account_id != record.account_id or field.kind != record.kind:
            raise ValidationError({field.key: [_("This field does not belong to this kind of record.")]})
    changes = write_values(record, values)
    if changes:
        from kontor.search import index as search_index

        search_index.index_record(record)
        if log:
            activity.record_activity(by, ActivityVerb.CHANGED, record, changes=changes)
    return changes


# -- writing definitions -----------------------------------------------------------------------------

def make_key(name: str) -> str:
    """A stable slug for a field name: umlauts folded ("Größe" → "groesse"), words joined by "_"."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLDS)).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")[:50]
    return key or "field"


def _unique_key(account: Account, kind: str, name: str) -> str:
    base = make_key(name)
    taken = set(CustomField.objects.filter(account=account, kind=kind, key__startswith=base)
                .values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def _clean_name(account: Account, kind: str, name: str, exclude: CustomField | None = None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": [_("A field needs a name.")]})
    if len(name) > 60:
        raise ValidationError({"name": [_("A field name can have at most 60 characters.")]})
    same = CustomField.objects.annotate(lower_name=Lower("name")).filter(
        account=account, kind=kind, lower_name=name.lower())
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationError({"name": [_("There already is a field with this name.")]})
    return name


def clean_options(options: Iterable[Any]) -> list[str]:
    """The choices of a select field: trimmed, without blanks or repeats, in their order."""
    cleaned: list[str] = []
    for option in options:
        text = " ".join(str(option).split()) if option is not None else ""
        if not text or text.lower() in {seen.lower() for seen in cleaned}:
            continue
        if len(text) > MAX_TEXT:
            raise ValidationError({"options": [_("A choice can have at most %(max)s characters.") % {"max": MAX_TEXT}]})
        cleaned.append(text)
    if not cleaned:
        raise ValidationError({"options": [_("A selection needs at least one choice.")]})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": [_("A selection can have at most %(max)s choices.") % {"max": MAX_OPTIONS}]})
    return cleaned


def _clean_help(help_text: str) -> str:
    text = " ".join(str(help_text or "").split())
    if len(text) > 200:
        raise ValidationError({"help": [_("The help text can have at most 200 characters.")]})
    return text


def _require_admin(by: Membership) -> None:
    from kontor.records.access import require

    require(by, roles.can_manage_team, _("Only owners and admins can change custom fields."))


@transaction.atomic
def create_custom_field(by: Membership, kind: str, name: str, type: str, *, options: Iterable[Any] = (),
                        help: str = "") -> CustomField:
    """A new field at the end of the kind's fields; its key is made from the name once."""
    _require_admin(by)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of record.")]})
    if type not in FieldType.values:
        raise ValidationError({"type": [_("Unknown field type.")]})
    existing = CustomField.objects.select_for_update().filter(account=by.account, kind=kind)
    if existing.count() >= MAX_FIELDS_PER_KIND:
        raise ValidationError({"name": [_("There can be at most %(max)s fields per kind.") % {
            "max": MAX_FIELDS_PER_KIND}]})
    name = _clean_name(by.account, kind, name)
    field = CustomField.objects.create(
        account=by.account, kind=kind, key=_unique_key(by.account, kind, name), name=name, type=type,
        options=clean_options(options) if type == FieldType.SELECT else [], help=_clean_help(help),
        position=(existing.aggregate(last=Max("position"))["last"] or 0) + 1)
    return field


@transaction.atomic
def update_custom_field(field: CustomField, by: Membership, *, name: str | None = None,
                        options: Iterable[Any] | None = None, help: str | None = None) -> CustomField:
    """Renames the field, changes its help or its choices. The key and the type stay: values are
    stored by type and clients address the field by key. Values of a choice that is removed are
    removed with it."""
    _require_admin(by)
    if name is not None:
        field.name = _clean_name(field.account, field.kind, name, exclude=field)
    if help is not None:
        field.help = _clean_help(help)
    if options is not None and field.type == FieldType.SELECT:
        field.options = clean_options(options)
        records = list(CustomValue.objects.filter(field=field).exclude(text_value__in=field.options)
                       .values_list("record_id", flat=True))
        CustomValue.objects.filter(field=field, record_id__in=records).delete()
        _reindex_later(records)
    field.save()
    return field


@transaction.atomic
def reorder_custom_fields(by: Membership, kind: str, ordered_ids: Sequence[int]) -> None:
    """Puts the kind's fields in the given order; ids not given keep their order after them, ids of
    other kinds or accounts are ignored."""
    _require_admin(by)
    fields = fields_of(by.account, kind)
    by_id = {field.pk: field for field in fields}
    ordered = [by_id[pk] for pk in dict.fromkeys(ordered_ids) if pk in by_id]
    ordered += [field for field in fields if field not in ordered]
    for position, field in enumerate(ordered, start=1):
        field.position = position
    CustomField.objects.bulk_update(ordered, ["position"])


def move_custom_field(field: CustomField, by: Membership, offset: int) -> None:
    """One step up (-1) or down (+1) among the kind's fields: the keyboard way of reordering."""
    ids = [f.pk for f in fields_of(field.account, field.kind)]
    index = ids.index(field.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    reorder_custom_fields(by, field.kind, ids)


@transaction.atomic
def delete_custom_field(field: CustomField, by: Membership) -> None:
    """Deletes the field with all its values, and notes who did it in the account's activity."""
    _require_admin(by)
    records = []
    if field.type in SEARCHED_TYPES:
        records = list(CustomValue.objects.filter(field=field).values_list("record_id", flat=True))
    name = field.name
    field.delete()
    activity.record_activity(by, ActivityVerb.DELETED, None,
                             summary=_("deleted the custom field “%(name)s”") % {"name": name})
    _reindex_later(records)


def _reindex_later(record_ids: list[int]) -> None:
    """Values that left the records' text must leave the quick search too; done after the commit,
    by the worker, since a field may hold values on 100,000 records."""
    if record_ids:
        from kontor.records import jobs

        transaction.on_commit(lambda: jobs.reindex_records(record_ids))
