"""The widgets written in Python (lib/widgets.py) write what Django's widget templates write: the
time-zone menu of a user's settings and of the first setup, with the current zone chosen, with
its help text linked, and after a refused value."""

from __future__ import annotations

import copy

import pytest

from kontor.accounts.forms import SettingsForm, SetupForm
from kontor.lib.widgets import WrittenHere


def _as_django_writes(field) -> str:  # noqa: ANN001 - a BoundField
    widget = field.field.widget
    djangos = copy.copy(widget)
    djangos.__class__ = type(widget).__mro__[2]  # forms.Select, with its templates
    assert not isinstance(djangos, WrittenHere)
    return field.as_widget(djangos)


@pytest.mark.parametrize("data", [None, {"time_zone": "America/New_York"}, {"time_zone": "Mars/Olympus"}])
def test_the_time_zone_menus_write_what_djangos_templates_write(alice, data):
    settings_form = SettingsForm(data, user=alice.user, initial={"time_zone": "Europe/Berlin"})
    setup_form = SetupForm(data)
    for form in (settings_form, setup_form):
        form.is_valid()
        field = form["time_zone"]
        assert isinstance(field.field.widget, WrittenHere)
        html = str(field)
        assert html == _as_django_writes(field)
        assert html.count("<option ") > 400
    chosen = (data or {"time_zone": "Europe/Berlin"})["time_zone"]
    if chosen.startswith(("Europe", "America")):
        assert f'<option value="{chosen}" selected>' in str(settings_form["time_zone"])
    assert 'aria-describedby="id_time_zone_helptext' in str(settings_form["time_zone"])
