"""The weekly summary: every Monday at 07:00 in each user's time zone, one mail per membership
with last week's happenings, the coming week's tasks and the deals due in the next two weeks.

A periodic job checks every quarter of an hour which memberships have reached their Monday 07:00
and have no summary for that week yet (WeeklySummarySent, claimed before sending)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.deals.models import Deal, DealState
from kontor.history.models import Activity, ActivityVerb, Entry, EntryKind
from kontor.notifications import mails
from kontor.notifications.models import WEEKLY_SUMMARY, MailPreference, WeeklySummarySent
from kontor.projects.models import Project
from kontor.records.models import Kind, Record, Watch
from kontor.tasks.models import Task, zone_of

logger = logging.getLogger("kontor.mail")

SEND_AT = dt.time(7, 0)
LIST_LIMIT = 20


@dataclass
class Summary:
    membership: Membership
    week_start: dt.date  # last week's Monday
    week_end: dt.date  # last week's Sunday
    new_people: list[Record] = field(default_factory=list)
    new_companies: list[Record] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    new_deals: list[Deal] = field(default_factory=list)
    won_deals: list[Deal] = field(default_factory=list)
    lost_deals: list[Deal] = field(default_factory=list)
    started_projects: list[Project] = field(default_factory=list)
    closed_projects: list[Project] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    due_deals: list[Deal] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any([self.new_people, self.new_companies, self.entries, self.new_deals, self.won_deals,
                        self.lost_deals, self.started_projects, self.closed_projects, self.tasks,
                        self.due_deals])


def local_monday(now: dt.datetime, time_zone: str) -> dt.date:
    """The Monday of the week `now` falls in, in that time zone."""
    today = now.astimezone(zone_of(time_zone)).date()
    return today - dt.timedelta(days=today.weekday())


def is_due(now: dt.datetime, time_zone: str) -> bool:
    """Monday, 07:00 or later, in the user's time zone (across summer time changes alike)."""
    local = now.astimezone(zone_of(time_zone))
    return local.weekday() == 0 and local.time() >= SEND_AT


def build_summary(membership: Membership, now: dt.datetime) -> Summary:
    """What the membership's user reads on Monday: last week (Monday 00:00 to Monday 00:00 local)."""
    zone = zone_of(membership.user.time_zone)
    monday = local_monday(now, membership.user.time_zone)
    start = dt.datetime.combine(monday - dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    summary = Summary(membership, monday - dt.timedelta(days=7), monday - dt.timedelta(days=1))
    account = membership.account
    created = Record.objects.filter(account=account, created_at__gte=start, created_at__lt=end).alive()
    summary.new_people = list(created.filter(kind=Kind.PERSON).order_by("display_name")[:LIST_LIMIT])
    summary.new_companies = list(created.filter(kind=Kind.COMPANY).order_by("display_name")[:LIST_LIMIT])
    followed = Watch.objects.filter(user=membership.user).values("record_id")
    entries = (Entry.objects.filter(account=account, links__record__in=followed, happened_at__gte=start,
                                    happened_at__lt=end, kind__in=[EntryKind.NOTE, EntryKind.EMAIL])
               .exclude(author=membership.user).visible_to(roles.can_read_confidential(membership.role))
               .select_related("author").distinct().order_by("-happened_at"))
    summary.entries = list(entries[:LIST_LIMIT])
    deals = Deal.objects.filter(account=account).alive().select_related("record")
    summary.new_deals = list(deals.filter(record__created_at__gte=start, record__created_at__lt=end)[:LIST_LIMIT])
    closed = deals.filter(closed_at__gte=start, closed_at__lt=end).order_by("-value")
    summary.won_deals = list(closed.filter(state=DealState.WON)[:LIST_LIMIT])
    summary.lost_deals = list(closed.filter(state=DealState.LOST)[:LIST_LIMIT])
    projects = Project.objects.filter(account=account).alive().select_related("record")
    summary.started_projects = list(projects.filter(record__created_at__gte=start,
                                                    record__created_at__lt=end)[:LIST_LIMIT])
    closed_ids = Activity.objects.filter(account=account, verb=ActivityVerb.STATE, record__kind=Kind.PROJECT,
                                         created_at__gte=start, created_at__lt=end,
                                         changes__status__1="closed").values("record_id")
    summary.closed_projects = list(projects.filter(record__in=closed_ids, status="closed")[:LIST_LIMIT])
    summary.tasks = list(Task.objects.visible_in(account).filter(assignee=membership.user).open()
                         .filter(due_date__lt=monday + dt.timedelta(days=7))
                         .select_related("record").order_by("due_date", "due_time")[:LIST_LIMIT])
    summary.due_deals = list(deals.filter(state=DealState.OPEN, target_date__gte=monday,
                                          target_date__lt=monday + dt.timedelta(days=14))
                             .order_by("target_date")[:LIST_LIMIT])
    return summary


def _claim(membership: Membership, week: dt.date, now: dt.datetime) -> WeeklySummarySent | None:
    try:
        with transaction.atomic():
            return WeeklySummarySent.objects.create(membership=membership, week=week, sent_at=now)
    except IntegrityError:
        return None


def send_summary(membership: Membership, now: dt.datetime, *, force: bool = False) -> bool:
    """Sends this week's summary to the membership's user, once per week (unless `force`: then
    also again and ignoring the opt-out's absence of a due time, for operators). Returns whether
    a mail went out."""
    user = membership.user
    if not mails.wants_mail(user, membership.account_id, WEEKLY_SUMMARY):
        return False
    week = local_monday(now, user.time_zone)
    claim = None
    if not force:
        claim = _claim(membership, week, now)
        if claim is None:
            return False
    try:
        mails.send(user, "weekly", {"summary": build_summary(membership, now), "account": membership.account},
                   WEEKLY_SUMMARY)
    except Exception:
        if claim is not None:
            claim.delete()
        raise
    return True


def due_memberships(now: dt.datetime) -> list[Membership]:
    """Active memberships whose user has reached Monday 07:00 and not had this week's summary."""
    opted_out = MailPreference.objects.filter(type=WEEKLY_SUMMARY, email=False).values("user_id")
    candidates = (Membership.objects.active().exclude(user__in=opted_out).select_related("user", "account")
                  .order_by("pk"))
    due = [m for m in candidates if is_due(now, m.user.time_zone)]
    weeks = {m.pk: local_monday(now, m.user.time_zone) for m in due}
    sent = set(WeeklySummarySent.objects.filter(membership_id__in=list(weeks), week__in=set(weeks.values()))
               .values_list("membership_id", "week"))
    return [m for m in due if (m.pk, weeks[m.pk]) not in sent]


def send_due_summaries(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    count = sum(send_summary(membership, now) for membership in due_memberships(now))
    logger.info("Sent %d weekly summaries", count)
    return count
