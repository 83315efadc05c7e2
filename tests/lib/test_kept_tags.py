"""{% kept %} and {% hole %} (kontor/lib/kept_tags.py): a part of a template rendered once per process
for each value of its key, with each page's own values in its holes."""

from __future__ import annotations

import pytest
from django.template import Engine, engines
from django.utils import translation
from django.utils.safestring import mark_safe

from kontor.lib.kept_tags import KeptError
from kontor.records.models import CustomField


class Counter:
    """Counts how often the template engine shows it."""

    def __init__(self) -> None:
        self.shown = 0

    def __str__(self) -> str:
        self.shown += 1
        return "counted"


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load i18n kept %}" + source).render(context)


@pytest.fixture
def kept_for_real(settings):
    """As Kontor runs: no DEBUG, and no second rendering to compare (the test suite's KEPT_CHECK)."""
    settings.DEBUG = False
    settings.KEPT_CHECK = False


def test_a_block_is_rendered_once_per_value_of_its_key(kept_for_real):
    template = engines["django"].from_string(
        '{% load kept %}{% kept "count" name %}{{ name }} {{ counter }}{% endkept %}')
    counter = Counter()
    pages = [template.render({"name": name, "counter": counter}) for name in ("Ada", "Ada", "Bea", "Ada")]
    assert pages == ["Ada counted", "Ada counted", "Bea counted", "Ada counted"]
    assert counter.shown == 2  # once for Ada, once for Bea


def test_each_page_gets_its_own_values_in_the_holes_escaped(kept_for_real):
    template = engines["django"].from_string(
        '{% load kept %}{% kept "search" %}<input value="{% hole q %}"> 100 % '
        '<a href="?{% hole query %}">x</a>{% endkept %}')
    first = template.render({"q": "Müller & Söhne", "query": "tag=A&page=2"})
    second = template.render({"q": '<b>"50%"</b>', "query": "tag=B%20C"})
    assert first == '<input value="Müller &amp; Söhne"> 100 % <a href="?tag=A&amp;page=2">x</a>'
    assert second == '<input value="&lt;b&gt;&quot;50%&quot;&lt;/b&gt;"> 100 % <a href="?tag=B%20C">x</a>'


def test_the_language_shows_in_a_translated_block(kept_for_real):
    template = engines["django"].from_string(
        '{% load i18n kept %}{% kept "label" %}{% translate "Log out" %}{% endkept %}')
    with translation.override("de"):
        assert template.render({}) == "Abmelden"
    with translation.override("en"):
        assert template.render({}) == "Log out"


def test_a_model_counts_by_what_it_shows_not_by_its_id(db, alice, kept_for_real):
    field = CustomField.objects.create(account=alice.account, kind="person", key="kdnr", name="Kundennummer",
                                       type="text")
    template = engines["django"].from_string('{% load kept %}{% kept "field" field %}{{ field.name }}{% endkept %}')
    assert template.render({"field": field}) == "Kundennummer"
    field.name = "Kundennr."
    assert template.render({"field": field}) == "Kundennr."


def test_a_model_that_does_not_say_what_it_shows_is_refused(db, alice, kept_for_real):
    with pytest.raises(KeptError, match="Membership in a kept block's key"):
        _render('{% kept "who" membership %}{{ membership.role }}{% endkept %}', membership=alice.membership)


def test_a_hole_in_a_loop_is_refused(kept_for_real):
    with pytest.raises(KeptError, match="shown twice in one kept block"):
        _render('{% kept "loop" %}{% for n in numbers %}{% hole n %}{% endfor %}{% endkept %}', numbers=[1, 2])


def test_a_hole_showing_a_value_set_inside_the_block_is_refused(kept_for_real):
    with pytest.raises(KeptError, match="shows a value set inside the kept block"):
        _render('{% kept "with" %}{% with q="inner" %}{% hole q %}{% endwith %}{% endkept %}', q="outer")


def test_a_hole_in_an_included_template_is_refused(kept_for_real):
    included = Engine.get_default().from_string("{% load kept %}{% hole q %}")
    with pytest.raises(KeptError, match="in a template that a kept block includes"):
        _render('{% kept "include" %}{% include inner %}{% endkept %}', inner=included, q="x")


def test_outside_a_kept_block_a_hole_is_a_plain_variable():
    assert _render("{% hole q %}", q="a & b") == "a &amp; b"


def test_with_debug_on_the_block_is_rendered_every_time(settings):
    settings.DEBUG = True
    settings.KEPT_CHECK = False
    counter = Counter()
    template = engines["django"].from_string('{% load kept %}{% kept "debug" %}{{ counter }}{% endkept %}')
    template.render({"counter": counter})
    template.render({"counter": counter})
    assert counter.shown == 2


def test_the_check_catches_a_key_that_misses_a_value_the_block_shows(settings):
    settings.DEBUG = False
    settings.KEPT_CHECK = True
    template = engines["django"].from_string('{% load kept %}{% kept "incomplete" %}{{ name }}{% endkept %}')
    assert template.render({"name": "Ada"}) == "Ada"
    with pytest.raises(KeptError, match="its key lacks a value it shows"):
        template.render({"name": "Bea"})


def test_the_test_suite_checks_every_kept_block(settings):
    assert settings.KEPT_CHECK is True


def test_kept_blocks_do_not_nest(kept_for_real):
    with pytest.raises(KeptError, match="kept blocks do not nest"):
        _render('{% kept "outer" %}{% kept "inner" %}{% hole q %}{% endkept %}{% endkept %}', q="x")


def test_values_that_compare_equal_but_show_differently_are_different_keys(kept_for_real):
    template = engines["django"].from_string('{% load kept %}{% kept "typed" value %}{{ value }}{% endkept %}')
    assert template.render({"value": True}) == "True"
    assert template.render({"value": 1}) == "1"
    assert template.render({"value": "<b>"}) == "&lt;b&gt;"
    assert template.render({"value": mark_safe("<b>")}) == "<b>"
