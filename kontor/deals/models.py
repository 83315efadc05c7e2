"""Deals ("Angebote"): a sales chance with its value, its state and the people it is about.

Money is Decimal everywhere in Python. In the database the deal also keeps its total as an
integer number of hundredths (`total_cents`), so that sums over many deals are exact integer
sums on SQLite too (which would otherwise add up floating-point numbers)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.contacts.models import Company, Person
from kontor.records.linked_model import LinkedRecord, LinkedRecordQuerySet
from kontor.records.models import Record

CENT = Decimal("0.01")


class DealState(models.TextChoices):
    OPEN = "open", _("open")
    WON = "won", _("won")
    LOST = "lost", _("lost")


class ValueType(models.TextChoices):
    TOTAL = "total", _("total")
    MONTHLY = "monthly", _("per month")
    DAILY = "daily", _("per day")
    HOURLY = "hourly", _("per hour")


# The chances an open deal can have, in percent.
PROBABILITIES = (0, 25, 50, 75)


class Stage(models.TextChoices):
    """One step of the state bar: an open deal's probability, or won, or lost. Forms and the
    state bar offer stages; the model keeps `state` and `probability` apart."""

    P0 = "0", _("0 %")
    P25 = "25", _("25 %")
    P50 = "50", _("50 %")
    P75 = "75", _("75 %")
    WON = "won", _("won")
    LOST = "lost", _("lost")


def stage_parts(stage: str) -> tuple[str, int | None]:
    """(state, probability) of a stage; probability None for won and lost (the last open
    probability is kept, so that reopening a deal starts from where it was)."""
    if stage in (DealState.WON, DealState.LOST):
        return stage, None
    return DealState.OPEN, int(stage)


def cents_to_amount(cents: int) -> Decimal:
    """Hundredths as an amount with two decimal places, exactly (no division, no float)."""
    return Decimal(int(cents)).scaleb(-2)


def weighted_amount(total_cents: int, probability: int) -> Decimal:
    """An open deal's total in hundredths times its probability in percent, rounded to the cent."""
    return (Decimal(total_cents * probability).scaleb(-4)).quantize(CENT, ROUND_HALF_UP)


class DealQuerySet(LinkedRecordQuerySet["Deal"]):
    pass


def stage_of(state: str, probability: int) -> str:
    """A deal's stage (Stage): its probability while it is open, else "won" or "lost"."""
    return str(probability) if state == DealState.OPEN else state


class Deal(LinkedRecord):
    record = models.OneToOneField(Record, on_delete=models.CASCADE, primary_key=True, related_name="deal")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices,
                                  default=ValueType.TOTAL)
    value_count = models.PositiveIntegerField(_("count"), default=1)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    target_date = models.DateField(_("target date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=5, choices=DealState.choices, default=DealState.OPEN)
    probability = models.PositiveSmallIntegerField(_("probability"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="deals")
    people = models.ManyToManyField(Person, verbose_name=_("contact persons"), blank=True,
                                    related_name="deals")
    # value x count in hundredths of the currency: what sums, sorts and the forecast read.
    total_cents = models.BigIntegerField(default=0, editable=False)

    objects = DealQuerySet.as_manager()

    class Meta:
        # Each sort index ends in the primary key, so that a page sorted with ties broken by id
        # is read from the index in order.
        indexes = [
            models.Index(fields=["account", "sort_name", "record"], name="deal_by_name"),
            models.Index(fields=["account", "target_date", "record"], name="deal_by_target_date"),
            models.Index(fields=["account", "total_cents", "record"], name="deal_by_value"),
            # The forecast: open deals by their target month, won deals by the month they were won.
            # Each holds every column the forecast's query reads (its filters, its month, its sums
            # and the trash check on the primary key), so that it never looks a deal up in the table.
            models.Index(fields=["account", "state", "target_date", "currency", "probability", "closed_at",
                                 "total_cents", "record"], name="deal_state_target"),
            models.Index(fields=["account", "state", "closed_at", "currency", "probability", "target_date",
                                 "total_cents", "record"], name="deal_state_closed"),
            # The currencies in use, offered by the chart.
            models.Index(fields=["account", "currency"], name="deal_currency"),
            # The board: an open column's first cards in target date order, and the counts and
            # sums of every column read from the index alone, never the table (the primary key
            # is a bigint, not SQLite's rowid, so it has to be in the index to cover the query).
            models.Index(fields=["account", "state", "probability", "target_date", "record"], name="deal_board_cards"),
            models.Index(fields=["account", "state", "probability", "currency", "total_cents", "closed_at", "record"],
                         name="deal_board_sums"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(probability__in=PROBABILITIES),
                                   name="deal_probability_is_a_step"),
        ]

    def refresh_derived(self) -> None:
        super().refresh_derived()
        self.total_cents = int((Decimal(self.value or 0) * (self.value_count or 0) / CENT)
                               .to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def is_open(self) -> bool:
        return self.state == DealState.OPEN

    @property
    def is_won(self) -> bool:
        return self.state == DealState.WON

    @property
    def is_lost(self) -> bool:
        return self.state == DealState.LOST

    @property
    def stage(self) -> str:
        return stage_of(self.state, self.probability)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def total_value(self) -> Decimal:
        """value x count, e.g. 40 hours at 95.00 = 3,800.00."""
        return cents_to_amount(self.total_cents)

    @property
    def weighted_value(self) -> Decimal:
        """What the deal adds to the forecast: won in full, open times its probability, lost nothing."""
        if self.is_won:
            return self.total_value
        if self.is_lost:
            return Decimal("0.00")
        return weighted_amount(self.total_cents, self.probability)

    @property
    def has_count(self) -> bool:
        return self.value_type != ValueType.TOTAL
