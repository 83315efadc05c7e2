"""The start page's "Recently changed" pictures each record as its page does: a photo where there
is one, else initials that skip academic titles ("JM" for Dr. Jürgen Mueller, not "D")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, Person
from kontor.contacts.templatetags.contact_links import initials_of
from tests.contacts.test_photo_views import image_file


def _recent_items(persona) -> list[str]:
    page = persona.client.get(reverse("start")).content.decode()
    section = page.split('id="recently-changed"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li class="list-item">(.*?)</li>', section, re.DOTALL)


def test_a_title_is_skipped_in_the_initials_on_the_start_page(alice):
    contact_actions.create_person(alice.membership, {"title": "Dr.", "first_name": "Jürgen",
                                                     "last_name": "Mueller-Lüdenscheidt"})

    item = _recent_items(alice)[0]

    assert re.search(r'<span class="avatar"[^>]*>JM</span>', item)


@pytest.mark.parametrize(("first_name", "last_name", "initials"), [
    ("Dr. Jürgen", "Mueller", "JM"),
    ("Prof. Dr. Anna", "Schmidt", "AS"),
    ("Dipl.-Ing. Klaus", "Maier", "KM"),
    ("", "Dr. Weber", "W"),
    ("J.", "Doe", "JD"),
    ("Drago", "Prokop", "DP"),
])
def test_initials_skip_academic_titles_written_into_a_name(first_name: str, last_name: str, initials: str):
    assert initials_of(Person(first_name=first_name, last_name=last_name)) == initials


def test_a_company_keeps_its_first_two_words_as_initials():
    assert initials_of(Company(name="Dr. Oetker KG")) == "DO"


def test_a_photo_wins_over_initials_on_the_start_page(alice):
    person = contact_actions.create_person(alice.membership, {"title": "Dr.", "first_name": "Jürgen",
                                                              "last_name": "Mueller"})
    contact_actions.set_photo(person, image_file(), alice.membership)

    item = _recent_items(alice)[0]

    assert f'<img src="{reverse("people:photo", args=[person.pk])}?v=' in item
    assert ">JM<" not in item


def test_the_start_page_with_avatars_needs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for number in range(12):
        person = contact_actions.create_person(alice.membership, {"last_name": f"Person {number}"})
        if number % 2:
            contact_actions.set_photo(person, image_file(), alice.membership)
        contact_actions.create_company(alice.membership, {"name": f"Firma {number} GmbH"})

    with django_assert_max_num_queries(9):
        response = alice.client.get(reverse("start"))
    assert response.content.decode().count('<li class="list-item">') == 10
