"""The HTML an owner copies into the company's website: an iframe of the hosted form, or a plain
form that posts straight to Kontor (with a small script from Kontor that fills in the time token;
without it the visitor is shown the hosted form once more to send it from there)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html

from kontor.webforms.models import WebForm


def iframe_snippet(webform: WebForm) -> str:
    return str(format_html(
        '<iframe src="{}" title="{}" style="width: 100%; max-width: 40rem; height: 46rem; border: 0;" '
        'loading="lazy"></iframe>', webform.embed_url(), webform.name))


def plain_form_snippet(webform: WebForm) -> str:
    """A form in the web form's language, without styles of its own, so it takes the website's."""
    with translation.override(webform.language):
        return render_to_string("webforms/snippet_form.html", {"webform": webform,
                                                               "fields": webform.field_specs()}).strip()
