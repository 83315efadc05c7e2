from django.http import QueryDict
from django.template import Context, Template

from kontor.contacts.queries import MAX_PAGE, ListFilters
from kontor.contacts.templatetags.contact_links import mailto_url, tel_url


def test_mailto_links_keep_the_address_readable():
    assert mailto_url("anna.schmidt+crm@example.com") == "mailto:anna.schmidt+crm@example.com"


def test_mailto_links_escape_what_would_break_the_link():
    assert mailto_url("a b?c@example.com") == "mailto:a%20b%3Fc@example.com"


def test_mailto_links_can_carry_a_blind_copy():
    assert mailto_url("anna@example.com", bcc="dropbox@kontor.example") == (
        "mailto:anna@example.com?bcc=dropbox@kontor.example")


def test_the_template_tag_builds_the_same_link():
    rendered = Template('{% load contact_links %}<a href="{% mailto_href address %}">').render(
        Context({"address": "anna@example.com"}))
    assert rendered == '<a href="mailto:anna@example.com">'


def test_tel_links_keep_digits_and_the_plus():
    assert tel_url("+49 (0)30 / 123-456") == "tel:+49030123456"
    assert tel_url("030 1234 ext. 12") == "tel:0301234"


def test_list_filters_are_read_leniently_from_the_query_string():
    query = QueryDict("tag=Kunde&tag=kunde%20&tag=&q=%20anna%20%20m&responsible=me&order=bogus&page=99999")
    filters = ListFilters.from_query(query, current_user_id=7)
    assert filters.tags == ["Kunde", "kunde"]
    assert (filters.q, filters.responsible_id, filters.order, filters.page) == ("anna m", 7, "name", MAX_PAGE)
    assert ListFilters.from_query(QueryDict("responsible=x&page=-3&company=abc")) == ListFilters()
