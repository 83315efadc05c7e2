"""`{% kept %}`: a part of a template rendered once per process for each value of what it shows, with
holes for what each page puts in.

    {% load kept %}
    {% kept "bulk-bar" resource role colleagues request.user.pk %}
      ... <input type="hidden" name="next" value="{% hole request.get_full_path %}"> ...
    {% endkept %}

The block is rendered the first time its key is seen: its name, the values after the name, and the
language, time zone and script prefix of the request. Each later page with the same key gets the
same HTML with its own values in the holes, escaped as a variable is. A list page's side column,
bulk bar and menus are the same for every page of a user in a language but for a few values (the
query string, the CSRF token), and rendering them through the template engine on every page cost
more than the list's SQL.

Like KeptFragments (kontor/lib/stamped.py), a kept block is a rendering of its key, not shared state:
every process renders the same for the same key. So the key must hold everything the block shows
but its holes; what it cannot hold (a model instance, whose hash is its id, not its content) the
tag refuses. A hole shows a value from outside the block (not a loop's or a `with`'s variable),
once (not in a loop), in the block's own template (not one it includes), and blocks do not nest;
each is checked when the block is rendered. With DEBUG on the block is rendered on every page;
with KEPT_CHECK on (the test suite) it is rendered too and compared with the kept HTML, so that a
value missing from a key fails the tests that show it changing.

Unlike `{% cache %}` there is no cache backend: no pickling, no key hashing, nothing to expire.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from contextvars import ContextVar
from typing import Any

from django import template
from django.conf import settings
from django.db.models import Model
from django.template.base import FilterExpression, Node, NodeList, Parser, Token, render_value_in_context
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kontor.lib.stamped import KeptFragments

register = template.Library()

_KEPT = KeptFragments(limit=2048)
_PLAIN = (str, int, float, bool, type(None), datetime.date, datetime.datetime, datetime.time)
_EXACT = frozenset({str, SafeString, int, bool, type(None)})


class KeptError(template.TemplateSyntaxError):
    """A kept block used in a way that would show one page's values on another."""


def _hole_mark(index: int) -> str:
    return f"\ue001{index}\ue001"  # a private-use character: no template text, translation or URL holds it


def key_of(value: Any) -> Hashable:
    """`value` as part of a key, with its type (True and 1, a text and the same text marked safe,
    show differently): texts, numbers, dates and None; lazy translations as their text; lists,
    tuples and dicts of them; a model by its `kept_key` (what of it pages show). Anything else is
    refused: its hash need not follow what it shows."""
    kind = type(value)
    if kind in _EXACT or isinstance(value, _PLAIN):  # the first for speed: most values are these
        return kind, value
    if isinstance(value, (list, tuple)):
        return kind, tuple(key_of(item) for item in value)
    if isinstance(value, dict):
        return kind, tuple((key_of(name), key_of(item)) for name, item in value.items())
    if isinstance(value, Promise):
        return str, str(value)  # a lazy translation: the language is in the key
    if isinstance(value, Model):
        shown = getattr(value, "kept_key", None)  # a model that says what of it a page shows
        if shown is None:
            raise KeptError(f"{kind.__name__} in a kept block's key: pass the values the block shows")
        return kind, key_of(shown)
    raise KeptError(f"{kind.__name__} cannot be part of a kept block's key")


class HoleNode(Node):
    def __init__(self, expression: FilterExpression) -> None:
        self.expression = expression

    def render(self, context: template.Context) -> str:
        value = render_value_in_context(self.expression.resolve(context), context)
        rendering = _RENDERING.get()
        if rendering is None:
            return value  # outside a kept block: a plain variable
        if self not in rendering.holes:
            raise KeptError(f"{{% hole {self.expression.token} %}} in a template that a kept block includes or "
                            "whose tag renders it: holes belong in the block's own template")
        if self in rendering.seen:
            raise KeptError(f"{{% hole {self.expression.token} %}} is shown twice in one kept block (a loop?)")
        rendering.seen[self] = value
        return _hole_mark(id(self))


class _Rendering:
    """A kept block being rendered with marks: its holes, and those shown so far with their values."""

    def __init__(self, holes: list[HoleNode]) -> None:
        self.holes = set(holes)
        self.seen: dict[HoleNode, str] = {}


# The kept block being rendered with marks, if any: a context variable rather than a template
# variable, so that the templates of inclusion tags (which start a context of their own) see it too.
_RENDERING: ContextVar[_Rendering | None] = ContextVar("kontor_kept_rendering", default=None)


class KeptNode(Node):
    def __init__(self, name: FilterExpression, vary_on: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist
        self.holes = [node for node in nodelist.get_nodes_by_type(HoleNode) if isinstance(node, HoleNode)]

    def render(self, context: template.Context) -> str:
        if _RENDERING.get() is not None:
            raise KeptError(f"The kept block {self.name.token} is inside another: kept blocks do not nest")
        key = (id(self), key_of(self.name.resolve(context)),
               tuple(key_of(value.resolve(context)) for value in self.vary_on),
               get_language(), timezone.get_current_timezone_name(), get_script_prefix())
        values = {str(id(hole)): render_value_in_context(hole.expression.resolve(context), context)
                  for hole in self.holes}
        fragment = _KEPT.get(key, lambda: self._skeleton(context, values))
        filled = SafeString(fragment % values)
        if settings.KEPT_CHECK and not settings.DEBUG:
            fresh = self.nodelist.render(context)
            if fresh != filled:
                raise KeptError(f"The kept block {self.name.token} showed another page's HTML: its key lacks "
                                f"a value it shows.\nkept:  {filled}\nfresh: {fresh}")
        return filled

    def _skeleton(self, context: template.Context, values: dict[str, str]) -> str:
        """The block rendered with marks in its holes, as a %-format string of the holes' values."""
        rendering = _Rendering(self.holes)
        token = _RENDERING.set(rendering)
        try:
            rendered = self.nodelist.render(context)
        finally:
            _RENDERING.reset(token)
        text = rendered.replace("%", "%%")
        for hole, value in rendering.seen.items():
            if value != values[str(id(hole))]:
                raise KeptError(f"{{% hole {hole.expression.token} %}} shows a value set inside the kept block")
            text = text.replace(_hole_mark(id(hole)), f"%({id(hole)})s")
        return text


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    """`{% kept "name" value ... %}...{% endkept %}`: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'kept' needs a name: {% kept \"name\" value ... %}")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


@register.tag
def hole(parser: Parser, token: Token) -> HoleNode:
    """`{% hole value %}` in a kept block: the value of this page, escaped as `{{ value }}` is."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("'hole' takes one value: {% hole request.get_full_path %}")
    return HoleNode(parser.compile_filter(bits[1]))

