"""Queries compiled once (kontor/lib/prepared.py) give what the queryset itself gives, for every
argument value, and refuse what they cannot compile once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kontor.contacts import actions
from kontor.contacts.models import ContactDetail, Person
from kontor.deals.models import Deal
from kontor.lib.prepared import NotPreparable, prepared
from kontor.records.models import Record, Tag


def _people(alice, *names: str) -> list[Person]:
    return [actions.create_person(alice.membership, {"first_name": "Eva", "last_name": name}, tags=["Kunde"])
            for name in names]


def _fields(obj: object) -> dict:
    return {key: value for key, value in vars(obj).items() if key != "_state"}


def _by_record(record_id: int) -> QuerySet[Person]:
    return Person.objects.filter(record_id=record_id).select_related("record")


def _by_account_and_name(account_id: int, last_name: str) -> QuerySet[Person]:
    return Person.objects.filter(account_id=account_id, last_name=last_name).order_by("pk")


def _names_of(ids: list[int]) -> QuerySet[Person, str]:
    return Person.objects.filter(pk__in=ids).order_by("last_name").values_list("last_name", flat=True)


def _changed_since(account_id: int, since: dt.datetime) -> QuerySet[Record, tuple[int, dt.datetime]]:
    return Record.objects.filter(account_id=account_id, updated_at__gte=since).order_by("pk").values_list(
        "pk", "updated_at")


def _tags_counted(account_id: int) -> QuerySet[Tag, dict]:
    return (Tag.objects.filter(account_id=account_id).annotate(used=Count("records"))
            .order_by("name").values("name", "used"))


def _only_names(account_id: int, with_deleted: bool | None) -> QuerySet[Person]:
    people = Person.objects.filter(account_id=account_id).only("last_name").order_by("pk")
    return people if with_deleted else people.filter(record__deleted_at__isnull=True)


def test_model_rows_equal_the_querysets_for_every_argument(alice, oscar):
    eva, otto = _people(alice, "Schmidt", "Meyer")
    run = prepared(_by_record)
    for person in (eva, otto):
        [got] = run(person.pk)
        [want] = _by_record(person.pk)
        assert _fields(got) == _fields(want)
        assert _fields(got.record) == _fields(want.record)  # select_related: the record comes along
        assert got.record.created_at.tzinfo is not None  # converted as Django converts it
    assert run(0) == []
    by_name = prepared(_by_account_and_name)
    assert [p.pk for p in by_name(alice.account.pk, "Meyer")] == [otto.pk]
    assert by_name(oscar.account.pk, "Meyer") == []  # another account's id: nothing


def test_lists_of_ids_of_any_length(alice):
    people = _people(alice, "Zander", "Adler", "Meyer")
    names = prepared(_names_of)
    assert names([p.pk for p in people]) == ["Adler", "Meyer", "Zander"]
    assert names([people[0].pk]) == ["Zander"]
    assert names([people[2].pk, people[1].pk]) == ["Adler", "Meyer"]
    assert names([]) == []


def test_datetimes_tuples_dicts_and_annotations(alice):
    eva, = _people(alice, "Schmidt")
    changed = prepared(_changed_since)
    before = timezone.now() - dt.timedelta(minutes=5)
    assert changed(alice.account.pk, before) == list(_changed_since(alice.account.pk, before))
    assert (eva.pk, eva.record.updated_at) in changed(alice.account.pk, before)
    assert changed(alice.account.pk, timezone.now() + dt.timedelta(minutes=5)) == []
    assert prepared(_tags_counted)(alice.account.pk) == [{"name": "Kunde", "used": 1}]


def test_true_false_and_none_choose_separate_queries(alice):
    eva, otto = _people(alice, "Schmidt", "Meyer")
    Record.objects.filter(pk=otto.pk).update(deleted_at=timezone.now())  # in the trash
    names = prepared(_only_names)
    assert [p.pk for p in names(alice.account.pk, False)] == [eva.pk]
    assert [p.pk for p in names(alice.account.pk, True)] == [eva.pk, otto.pk]
    assert [p.pk for p in names(alice.account.pk, None)] == [eva.pk]
    assert names(alice.account.pk, True)[0].get_deferred_fields()  # only() as the queryset has it


def test_one_query_through_the_connection(alice):
    eva, = _people(alice, "Schmidt")
    run = prepared(_by_record)
    run(eva.pk)
    with CaptureQueriesContext(connection) as queries:
        run(eva.pk)
    assert len(queries) == 1
    assert "contacts_person" in queries[0]["sql"]


def _contains(word: str) -> QuerySet[Person]:
    return Person.objects.filter(last_name__icontains=word)


def _details(record_id: int) -> QuerySet[ContactDetail]:
    return ContactDetail.objects.filter(record_id=record_id).prefetch_related("record")


def test_what_cannot_be_compiled_once_is_refused(alice):
    names = ["Schmidt"]
    with pytest.raises(NotPreparable, match="closes over"):  # the list could change, the SQL would not
        prepared(lambda account_id: Person.objects.filter(account_id=account_id, last_name__in=names))
    with pytest.raises(NotPreparable, match="worked out|unchanged"):  # it reaches SQL as a LIKE pattern
        prepared(_contains)("mid")
    with pytest.raises(NotPreparable, match="prefetching"):
        prepared(_details)(1)
    with pytest.raises(NotPreparable, match="type float"):
        prepared(_by_record)(1.5)  # type: ignore[arg-type]  # what the check is for
    with pytest.raises(NotPreparable, match="by position"):
        prepared(_by_record)(record_id=1)


def _of_kind(model: type[Person] | type[Record]):  # noqa: ANN202 - a prepared function per model
    @prepared
    def one(pk: int) -> QuerySet:
        return model.objects.filter(pk=pk)
    return one


def test_a_builder_may_close_over_a_model_class(alice):
    eva, = _people(alice, "Schmidt")
    assert [p.pk for p in _of_kind(Person)(eva.pk)] == [eva.pk]
    assert [r.pk for r in _of_kind(Record)(eva.pk)] == [eva.pk]


def test_a_function_asked_with_many_list_lengths_keeps_answering_right(alice, monkeypatch):
    monkeypatch.setattr("kontor.lib.prepared.MAX_PLANS", 2)
    people = _people(alice, "Zander", "Adler", "Meyer")
    names = prepared(_names_of)
    for length in (1, 2, 3, 1, 3, 2):
        assert names([p.pk for p in people[:length]]) == sorted(p.last_name for p in people[:length])
    with pytest.raises(NotPreparable, match="one type"):
        names([1, "2"])  # type: ignore[list-item]  # what the check is for


def _ids_named(account_id: int, names: list[str]) -> QuerySet[Person, int]:
    return Person.objects.filter(account_id=account_id, last_name__in=names).order_by("pk").values_list(
        "pk", flat=True)


def test_lists_of_texts(alice):
    zander, adler, meyer = _people(alice, "Zander", "Adler", "Meyer")
    named = prepared(_ids_named)
    assert named(alice.account.pk, ["Adler", "Meyer"]) == [adler.pk, meyer.pk]
    assert named(alice.account.pk, ["Zander", "Nobody"]) == [zander.pk]
    assert named(alice.account.pk, ["Meyer"]) == [meyer.pk]


def _created_between(account_id: int, days: list[dt.date], moments: list[dt.datetime]) -> QuerySet[Record, int]:
    return Record.objects.filter(account_id=account_id, created_at__date__in=days, created_at__gte=moments[0],
                                 created_at__lt=moments[1]).order_by("pk").values_list("pk", flat=True)


def test_dates_and_lists_of_dates_and_datetimes(alice):
    eva, = _people(alice, "Schmidt")
    today, now = timezone.localdate(), timezone.now()
    between = prepared(_created_between)
    hour = dt.timedelta(hours=1)
    yesterday = today - dt.timedelta(days=1)
    for days, moments in (([today], [now - hour, now + hour]), ([yesterday], [now - hour, now + hour]),
                          ([today], [now + hour, now + 2 * hour]), ([today, today], [now - hour, now + hour])):
        assert between(alice.account.pk, days, moments) == list(_created_between(alice.account.pk, days, moments))
    assert eva.pk in between(alice.account.pk, [today], [now - hour, now + hour])
    with pytest.raises(NotPreparable, match="one type"):
        between(alice.account.pk, [today, now], [now, now])  # a date and a datetime in one list


def _next_record(record_id: int) -> QuerySet[Record]:
    return Record.objects.filter(pk=record_id + 1)


def _month_after(since: dt.datetime) -> QuerySet[Record]:
    return Record.objects.filter(created_at__gte=since + dt.timedelta(days=30))


def _by_email_stripped(email: str) -> QuerySet[Person]:
    return Person.objects.filter(record__contact_details__value=email.strip())


def _by_email_lowered(email: str) -> QuerySet[Person]:
    return Person.objects.filter(record__contact_details__value=email.lower())


def test_a_value_worked_out_from_an_argument_is_refused(alice):
    # It would be compiled in, the same for every call.
    cases: list[tuple[Any, Any]] = [(_next_record, 1), (_month_after, timezone.now()),
                                    (_by_email_stripped, "a@b.de"), (_by_email_lowered, "a@b.de")]
    for builder, argument in cases:
        with pytest.raises(NotPreparable, match="worked out|unchanged"):
            prepared(builder)(argument)


def _by_email_any_case(email: str) -> QuerySet[ContactDetail, int]:
    return ContactDetail.objects.filter(value__iexact=email).order_by("pk").values_list("pk", flat=True)


def test_a_text_escaped_on_its_way_to_sql_is_refused_or_right(alice):
    person = actions.create_person(alice.membership, {"last_name": "Schmidt"})
    for value in ("axb@x.de", "a_b@x.de", "a%b@x.de"):
        ContactDetail.objects.create(account=alice.account, record=person.record, kind="email", value=value)
    asked = ["a_b@x.de", "A%B@X.DE", "axb@x.de"]
    try:  # SQLite escapes the LIKE it compares with: refused; PostgreSQL compares UPPER()s: the value as it is
        answers = [prepared(_by_email_any_case)(email) for email in asked]
    except NotPreparable:
        assert connection.vendor == "sqlite"
        return
    assert answers == [list(_by_email_any_case(email)) for email in asked]
    assert all(len(found) == 1 for found in answers)


def test_the_time_zone_is_part_of_the_compiled_query(alice):
    eva, = _people(alice, "Schmidt")
    late = dt.datetime(2025, 1, 1, 23, 30, tzinfo=dt.UTC)  # 2 January in Berlin
    Record.objects.filter(pk=eva.pk).update(created_at=late)
    between = prepared(_created_between)
    moments = [late - dt.timedelta(hours=2), late + dt.timedelta(hours=2)]
    for zone in ("UTC", "Europe/Berlin", "UTC"):
        with timezone.override(zone):
            for day in (dt.date(2025, 1, 1), dt.date(2025, 1, 2)):
                expected = list(_created_between(alice.account.pk, [day], moments))
                assert between(alice.account.pk, [day], moments) == expected, (zone, day)
    with timezone.override("Europe/Berlin"):
        assert between(alice.account.pk, [dt.date(2025, 1, 2)], moments) == [eva.pk]


def _open_deal_ids(account_id: int, probability: int) -> QuerySet[Deal, int]:
    return Deal.objects.filter(account_id=account_id, probability=probability).order_by("pk").values_list(
        "pk", flat=True)


def test_a_query_django_finds_empty_at_compile_time_is_left_to_django(alice):
    from kontor.deals import actions as deal_actions

    deal = deal_actions.create_deal(alice.membership, {"name": "Dach"}, stage="50")
    at = prepared(_open_deal_ids)  # a small integer column: the stand-in is out of its range on PostgreSQL
    assert at(alice.account.pk, 50) == [deal.pk]
    assert at(alice.account.pk, 25) == []
