"""Finding duplicates: on generated people and companies with known duplicates (umlaut and spacing
variants, shared addresses and numbers) the rule finds exactly those, and nothing else."""

from __future__ import annotations

import random

import pytest

from kontor.contacts import actions
from kontor.contacts.actions import DetailData, Details, NewContact, PositionData
from kontor.contacts.matching import (
    PersonKey,
    company_name_key,
    duplicate_companies,
    duplicate_people,
    find_companies,
    find_people,
    person_name_key,
)
from kontor.records import actions as record_actions

FIRST = ["Anna", "Bernd", "Claudia", "Dieter", "Elke", "Frank", "Gabi", "Heinz", "Ingrid", "Jan", "Karin", "Lutz"]
LAST = ["Adler", "Becker", "Conrad", "Dreher", "Ebert", "Fiedler", "Gärtner", "Hahn", "Jäger", "Kühn", "Lorenz",
        "Mayer", "Neumann", "Otto", "Pohl", "Roth", "Schulz", "Vogel", "Wolf", "Ziegler"]


def _generated_people(by, count: int = 80) -> list[int]:
    """People with distinct names and unique addresses and numbers: none is a duplicate."""
    rng = random.Random(15)
    names = rng.sample([(first, last) for first in FIRST for last in LAST], count)
    items = [NewContact({"first_name": first, "last_name": last},
                        Details(contact=[DetailData("email", f"p{index}@example.com"),
                                         DetailData("phone", f"030 {1000000 + index}")]))
             for index, (first, last) in enumerate(names)]
    return [person.pk for person in actions.create_people(by, items)]


def _person(by, first: str, last: str, *details: tuple[str, str], company=None):
    return actions.create_person(by, {"first_name": first, "last_name": last},
                                 Details(contact=[DetailData(kind, value) for kind, value in details],
                                         positions=[PositionData(company)] if company else []))


def test_known_duplicates_are_found_and_nothing_else(alice):
    by = alice.membership
    _generated_people(by)
    acme = actions.create_company(by, {"name": "Acme GmbH"})
    other_firm = actions.create_company(by, {"name": "Zeta AG"})
    known = [
        # umlauts written out, and a different case
        (_person(by, "Jürgen", "Weiß"), _person(by, "juergen", "WEISS")),
        # hyphen and space, at the same company
        (_person(by, "Hans-Peter", "Öztürk", company=acme), _person(by, "Hans Peter", "Oeztuerk", company=acme)),
        # the same e-mail address under another name
        (_person(by, "Katharina", "Sommer", ("email", "k.sommer@example.org")),
         _person(by, "Kathi", "Sommer-Lang", ("email", "K.Sommer@Example.org"))),
        # the same mobile number written two ways
        (_person(by, "Theo", "Brandt", ("mobile", "+49 171 2345678")),
         _person(by, "Theodor", "Brand", ("mobile", "0171/234 56 78"))),
    ]
    # Not duplicates: the same name at two different companies, and a switchboard six people share.
    _person(by, "Maria", "Schmitt", company=acme)
    _person(by, "Maria", "Schmitt", company=other_firm)
    for index in range(6):
        _person(by, f"Kollege{index}", "Zentrale", ("phone", "0221 99999"))

    found = {tuple(group.ids) for group in duplicate_people(alice.account.pk)}

    assert found == {tuple(sorted((a.pk, b.pk))) for a, b in known}


def test_a_person_in_the_trash_is_no_duplicate(alice):
    first = _person(alice.membership, "Jürgen", "Weiß")
    second = _person(alice.membership, "Juergen", "Weiss")
    record_actions.trash_record(second.record, alice.membership)
    assert duplicate_people(alice.account.pk) == []
    assert first.match_name == second.match_name


def test_evidence_is_ranked_e_mail_first(alice):
    by = alice.membership
    by_name = (_person(by, "Jürgen", "Weiß"), _person(by, "Juergen", "Weiss"))
    by_email = (_person(by, "Anna", "Adler", ("email", "a@example.com")),
                _person(by, "Anne", "Adlér", ("email", "a@example.com")))
    groups = duplicate_people(alice.account.pk)
    assert [group.ids for group in groups] == [[by_email[0].pk, by_email[1].pk], [by_name[0].pk, by_name[1].pk]]
    assert [e.reason for e in groups[0].reasons] == ["email"]


def test_companies_with_the_same_name_apart_from_legal_form_and_umlauts(alice):
    by = alice.membership
    first = actions.create_company(by, {"name": "Müller & Söhne GmbH"})
    second = actions.create_company(by, {"name": "Mueller und Soehne"})
    actions.create_company(by, {"name": "Müller Logistik GmbH"})
    third = actions.create_company(by, {"name": "Bäckerei Kühn"},
                                   Details(contact=[DetailData("email", "info@kuehn.de")]))
    fourth = actions.create_company(by, {"name": "Backhaus am Markt"},
                                    Details(contact=[DetailData("email", "INFO@kuehn.de")]))
    found = [group.ids for group in duplicate_companies(alice.account.pk)]
    assert found == [[third.pk, fourth.pk], [first.pk, second.pk]]


@pytest.mark.parametrize(("one", "other"), [
    (("Müller", "Hans"), ("Mueller", "Hans")), (("Muller", "hans"), ("MÜLLER", "Hans")),
    (("Weiß", "Hans-Peter"), ("Weiss", "Hans Peter")), (("García", "José"), ("Garcia", "Jose")),
])
def test_spellings_of_one_name_fold_to_the_same_key(one, other):
    assert person_name_key(one[1], one[0]) == person_name_key(other[1], other[0])


@pytest.mark.parametrize(("one", "other"), [(("Bauer", "Hans"), ("Baur", "Hans")),
                                            (("Meyer", "Eva"), ("Meier", "Eva"))])
def test_different_names_keep_different_keys(one, other):
    assert person_name_key(one[1], one[0]) != person_name_key(other[1], other[0])


def test_company_keys_leave_out_the_legal_form_but_not_a_name_that_is_only_one():
    assert company_name_key("Stadtwerke Köln GmbH & Co. KG") == company_name_key("Stadtwerke Koeln")
    assert company_name_key("AG") == "ag"


def test_the_importer_uses_the_same_rule(alice):
    acme = actions.create_company(alice.membership, {"name": "Müller & Söhne GmbH"})
    person = _person(alice.membership, "Jürgen", "Weiß", company=acme)
    keys = [PersonKey(first_name="Juergen", last_name="Weiss", company="Mueller und Soehne"),
            PersonKey(first_name="Juergen", last_name="Weiss", company="Zeta AG")]
    assert find_people(alice.account.pk, keys) == [person.pk, None]
    assert find_companies(alice.account.pk, ["MUELLER & SOEHNE", "Zeta"]) == [acme.pk, None]


def test_merge_with_suggests_by_the_duplicates_pages_evidence_not_by_a_switchboard(alice):
    from kontor.contacts.matching import MAX_SHARED, similar_to

    anna = _person(alice.membership, "Anna", "Adler", ("email", "anna@example.com"), ("phone", "0711 999 000"),
                   ("phone", "112"))
    twin = _person(alice.membership, "Anne", "Adlerova", ("email", "ANNA@example.com"))
    colleagues = [_person(alice.membership, f"Kollege {number}", "Becker", ("phone", "+49 711 999000"))
                  for number in range(MAX_SHARED)]
    short = _person(alice.membership, "Notruf", "Zentrale", ("phone", "112"))

    suggested = similar_to(anna)

    assert suggested == [twin.pk]
    assert short.pk not in suggested and not set(suggested) & {c.pk for c in colleagues}
    assert similar_to(twin) == [anna.pk]


def test_a_number_a_few_records_share_is_still_a_suggestion(alice):
    from kontor.contacts.matching import similar_to

    anna = _person(alice.membership, "Anna", "Adler", ("phone", "0711 999 000"))
    other = _person(alice.membership, "A.", "Adler-Kunz", ("mobile", "+49 711 999000"))

    assert similar_to(anna) == [other.pk]
