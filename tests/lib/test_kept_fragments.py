"""Fragments rendered once per process (kontor/lib/stamped.KeptFragments)."""

from __future__ import annotations

from collections.abc import Callable

from kontor.lib.stamped import KeptFragments


def _counting() -> tuple[list[str], Callable[[str], Callable[[], str]]]:
    rendered: list[str] = []

    def render_for(key: str) -> Callable[[], str]:
        def render() -> str:
            rendered.append(key)
            return f"<p>{key}</p>"
        return render

    return rendered, render_for


def test_a_fragment_is_rendered_once_per_key(settings):
    settings.DEBUG = False
    rendered, render_for = _counting()
    kept = KeptFragments()
    assert [kept.get(key, render_for(key)) for key in ("de", "en", "de", "en")] == [
        "<p>de</p>", "<p>en</p>", "<p>de</p>", "<p>en</p>"]
    assert rendered == ["de", "en"]


def test_beyond_its_limit_the_store_starts_afresh_and_still_answers_right(settings):
    settings.DEBUG = False
    rendered, render_for = _counting()
    kept = KeptFragments(limit=2)
    answers = [kept.get(key, render_for(key)) for key in ("a", "b", "c", "a")]
    assert answers == ["<p>a</p>", "<p>b</p>", "<p>c</p>", "<p>a</p>"]
    assert rendered == ["a", "b", "c", "a"]  # "c" cleared the store of a and b


def test_with_debug_on_every_call_renders(settings):
    settings.DEBUG = True
    rendered, render_for = _counting()
    kept = KeptFragments()
    kept.get("de", render_for("de"))
    kept.get("de", render_for("de"))
    assert rendered == ["de", "de"]
