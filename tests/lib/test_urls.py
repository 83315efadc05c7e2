"""id_url: the URLs of a loop's rows, the same as reverse() gives."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from kontor.lib.urls import IdURL, id_url


@pytest.mark.parametrize(("name", "ids"), [
    ("history:edit", (3, 44)), ("history:comment", (1, 2)), ("files:upload_entry", (70, 9)),
    ("people:detail", (5,)), ("tasks:list", ()),
])
def test_it_gives_what_reverse_gives(name, ids):
    assert id_url(name, *ids) == reverse(name, args=ids)
    assert id_url(name, *ids) == reverse(name, args=ids)  # and again, from the cut pattern


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/crm/")
        assert id_url("history:edit", 3, 44) == "/crm/notes/on/3/44/edit/" == reverse("history:edit", args=[3, 44])
    finally:
        set_script_prefix("/")
    assert id_url("history:edit", 3, 44) == "/notes/on/3/44/edit/"


def test_arguments_other_than_ids_go_through_reverse():
    assert id_url("history:edit", "3", "44") == "/notes/on/3/44/edit/"


@pytest.mark.parametrize("name", ["people:detail", "companies:detail", "tasks:edit", "deals:detail"])
def test_a_page_s_url_maker_gives_what_reverse_gives(name):
    detail = IdURL(name)
    assert [detail(pk) for pk in (1, 42, 10**12)] == [reverse(name, args=[pk]) for pk in (1, 42, 10**12)]
