"""Creating, changing and closing deals. Pages and API write deals only through these functions,
each in one transaction; a change of state is also written into the deal's history (one
activity line)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership, User
from kontor.contacts.models import Company, Person
from kontor.deals.currencies import is_currency
from kontor.deals.models import CENT, Deal, DealState, Stage, ValueType, stage_parts
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.records import actions as record_actions
from kontor.records.linked_update import update_linked
from kontor.records.links import check_links, save_new
from kontor.records.models import Kind
from kontor.search import index as search_index
from kontor.webhooks import actions as webhooks

DEAL_FIELDS = ("name", "value", "value_type", "value_count", "currency", "target_date", "description")
MAX_VALUE = Decimal("999999999999.99")
MAX_COUNT = 1_000_000
# A deal's total, in the currency: far beyond any real deal, and small enough that the sums of
# a whole account's deals stay within a 64-bit integer of hundredths.
MAX_TOTAL = Decimal("999999999999.99")

if TYPE_CHECKING:
    pass

KEEP = record_actions.KEEP  # "leave as it is" for the optional relations of update_deal


def _decimal(value: Any) -> Decimal:
    """A money amount as Decimal. Floats are refused: they cannot hold 0.10 exactly."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(" ", "") or "0")
        except InvalidOperation:
            raise ValidationError({"value": _("Please enter an amount, e.g. 1500.00.")}) from None
    else:
        raise ValidationError({"value": _("Please enter an amount, e.g. 1500.00.")})
    if not amount.is_finite():
        raise ValidationError({"value": _("Please enter an amount, e.g. 1500.00.")})
    return amount


def _apply_fields(deal: Deal, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    for name, value in fields.items():
        if name == "value":
            value = _decimal(value)
        elif name in ("name", "description", "currency", "value_type"):
            value = (value or "").strip()
        setattr(deal, name, value)
    deal.currency = deal.currency.upper()
    errors: dict[str, str] = {}
    if not deal.name:
        errors["name"] = _("Please name the deal.")
    if deal.value < 0:
        errors["value"] = _("The value cannot be negative.")
    elif deal.value > MAX_VALUE:
        errors["value"] = _("This value is too large.")
    elif deal.value != deal.value.quantize(CENT):
        errors["value"] = _("Please enter the amount with at most two decimal places.")
    if deal.value_type not in ValueType.values:
        errors["value_type"] = _("Please choose total, per month, per day or per hour.")
    if deal.value_type == ValueType.TOTAL:
        deal.value_count = 1
    elif not isinstance(deal.value_count, int) or not 1 <= deal.value_count <= MAX_COUNT:
        errors["value_count"] = (_("Please enter a whole number from 1 to %(max)s.")
                                 % {"max": f"{MAX_COUNT:,}"})
    if not is_currency(deal.currency):
        errors["currency"] = _("Please choose a currency by its three-letter ISO code, e.g. EUR.")
    if errors:
        raise ValidationError(errors)
    deal.refresh_derived()
    if deal.total_value > MAX_TOTAL:
        raise ValidationError({"value": _("The total of this deal is too large.")})
    deal.full_clean(exclude=["record", "account", "company", "people", "colleagues", "state", "probability"],
                    validate_unique=False, validate_constraints=False)


def _apply_stage(deal: Deal, stage: str) -> tuple[str, str] | None:
    """Moves the deal to a stage of the state bar; returns (old, new) stage, or None if unchanged.
    Won and lost record when the deal was closed; reopening clears it."""
    if stage not in Stage.values:
        raise ValidationError({"state": _("Please choose 0, 25, 50 or 75 %, won or lost.")})
    old = deal.stage
    if stage == old:
        return None
    state, probability = stage_parts(stage)
    if probability is not None:
        deal.state, deal.probability, deal.closed_at = state, probability, None
    else:
        deal.state, deal.closed_at = state, timezone.now()
    return old, stage


def _note_stage_change(by: Membership, deal: Deal, old: str, new: str) -> None:
    """Writes the change of state into the deal's history as one activity line, which stores the
    stages and is worded in each reader's language ("Alice changed the state of Relaunch from 75 %
    to won."). No note besides it: the history holds what people wrote."""
    activity.record_activity(by, ActivityVerb.STATE, deal.record, changes={"stage": [old, new]})
    if new in (DealState.WON, DealState.LOST):
        webhooks.emit(by.account, f"deal.{new}", deal)


@transaction.atomic
def create_deal(by: Membership, fields: dict[str, Any], *, stage: str = Stage.P0,
                company: Company | None = None, people: Sequence[Person] = (),
                colleagues: Sequence[User] = (), tags: Iterable[str] = (),
                responsible: User | None = None) -> Deal:
    """A new deal; its currency is the account's unless `fields` names another."""
    deal = Deal(account=by.account, currency=by.account.currency)
    _apply_fields(deal, fields)
    check_links(by, company, people, colleagues)
    _apply_stage(deal, stage)
    save_new(by, deal, Kind.DEAL, company=company, people=people, colleagues=colleagues, tags=tags,
             responsible=responsible)
    return deal


@transaction.atomic
def update_deal(deal: Deal, by: Membership, fields: dict[str, Any], *, version: int | None = None,
                stage: str | None = None, company: Company | None = KEEP,
                people: Sequence[Person] | None = None, colleagues: Sequence[User] | None = None,
                tags: Iterable[str] | None = None,
                responsible: User | None = KEEP) -> Deal:
    """Saves changes (see update_linked), and moves the deal to `stage` when one is given."""
    change = update_linked(deal, by, DEAL_FIELDS, lambda: _apply_fields(deal, fields),
                           then=lambda: _apply_stage(deal, stage) if stage is not None else None,
                           version=version, company=company, people=people, colleagues=colleagues, tags=tags,
                           responsible=responsible)
    if change:
        _note_stage_change(by, deal, *change)
    search_index.index(deal)
    webhooks.emit(by.account, "deal.updated", deal)
    return deal


@transaction.atomic
def change_stage(deal: Deal, by: Membership, stage: str, version: int | None = None) -> bool:
    """One click on the state bar: 0/25/50/75 %, won or lost. Returns whether anything changed;
    a change is written into the deal's history."""
    change = _apply_stage(deal, stage)
    if change is None:
        return False
    record_actions.bump_version(deal.record, by, version)
    deal.save(update_fields=["state", "probability", "closed_at"])
    _note_stage_change(by, deal, *change)
    webhooks.emit(by.account, "deal.updated", deal)
    return True


def win_deal(deal: Deal, by: Membership) -> bool:
    return change_stage(deal, by, Stage.WON)


def lose_deal(deal: Deal, by: Membership) -> bool:
    return change_stage(deal, by, Stage.LOST)


def delete_deal(deal: Deal, by: Membership) -> None:
    """To the trash; power users and above (raises PermissionDenied for members)."""
    if deal.account_id != by.account.pk:
        raise PermissionDenied
    record_actions.trash_record(deal.record, by)
