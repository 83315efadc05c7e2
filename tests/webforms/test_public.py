"""The public pages of a web form as a visitor's browser (or a website's plain form) meets them:
no login, no cookies, no CSRF token; the answers for success, spam, bad input and abuse."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.contacts.models import Person
from kontor.history.models import Entry
from kontor.webforms import actions
from kontor.webforms.models import Submission
from tests.webforms.conftest import enquiry, make_form


@pytest.fixture
def visitor() -> Client:
    """A browser that nobody logged in, on a page that enforces CSRF like a real one."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")


def _url(webform, embed: bool = False) -> str:
    return webform.public_path() + ("embed/" if embed else "")


def _token(pattern: str, text: str) -> str:
    """The time token that `pattern` captures in `text`; the test fails if it is not there."""
    match = re.search(pattern, text)
    assert match is not None, f"no token matching {pattern!r}"
    return match.group(1)


def test_the_form_page_shows_the_chosen_fields_and_the_spam_traps(webform, visitor):
    response = visitor.get(_url(webform))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    for name in ("first_name", "last_name", "email", "phone", "company", "message"):
        assert f'name="{name}"' in html
    honeypot = re.search(r'<div class="webform-trap" aria-hidden="true">.*?<input([^>]*)>', html, re.S)
    assert honeypot and 'name="homepage"' in honeypot.group(1)
    assert 'tabindex="-1"' in honeypot.group(1) and 'autocomplete="off"' in honeypot.group(1)
    assert re.search(r'<input type="hidden" name="started" value="s:[^"]+">', html)
    assert "no-store" in response["Cache-Control"]


def test_the_pages_set_no_cookies(webform, visitor):
    assert not visitor.get(_url(webform)).cookies
    assert not visitor.post(_url(webform), enquiry(webform)).cookies
    assert not visitor.get(_url(webform, embed=True)).cookies


def test_only_the_embed_page_may_be_framed(webform, visitor):
    assert visitor.get(_url(webform))["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in visitor.get(_url(webform))["Content-Security-Policy"]
    assert "X-Frame-Options" not in visitor.get(_url(webform, embed=True))


def test_a_german_form_speaks_german_whatever_the_browser_says(alice, visitor):
    webform = make_form(alice, language="de")
    html = visitor.get(_url(webform), headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="de">' in html
    assert "Firma" in html and "Telefon" in html


def test_sending_the_form_without_any_csrf_token_stores_the_enquiry_and_thanks(webform, visitor):
    response = visitor.post(_url(webform), enquiry(webform))
    assert response.status_code == 200
    assert "Thank you!" in response.content.decode()
    assert Person.objects.get().last_name == "Weber"


def test_the_thank_you_text_is_the_forms_own(alice, visitor):
    webform = make_form(alice, thank_you_text="Danke, wir melden uns!")
    assert "Danke, wir melden uns!" in visitor.post(_url(webform), enquiry(webform)).content.decode()


def test_a_redirect_url_sends_the_visitor_on_with_303(alice, visitor):
    webform = make_form(alice, redirect_url="https://www.weber.example/danke")
    response = visitor.post(_url(webform), enquiry(webform))
    assert (response.status_code, response["Location"]) == (303, "https://www.weber.example/danke")


def test_inside_a_frame_the_redirect_opens_in_the_whole_window(alice, visitor):
    webform = make_form(alice, redirect_url="https://www.weber.example/danke")
    html = visitor.post(_url(webform, embed=True), enquiry(webform)).content.decode()
    assert 'href="https://www.weber.example/danke" target="_top"' in html
    assert Person.objects.count() == 1


def test_bad_input_shows_the_form_again_with_messages_and_what_was_typed(webform, visitor):
    response = visitor.post(_url(webform), enquiry(webform, last_name="", email="jonas(at)weber",
                                                   message="Mein Anliegen"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "“jonas(at)weber” is not a valid e-mail address." in html
    assert 'value="Jonas"' in html and "Mein Anliegen</textarea>" in html
    assert (Person.objects.count(), Entry.objects.count(), Submission.objects.count()) == (0, 0, 0)


def test_a_form_left_open_too_long_is_shown_again_with_what_was_typed(webform, visitor):
    stale = actions.started_token(webform, at=time.time() - 2 * 24 * 60 * 60)
    html = visitor.post(_url(webform), enquiry(webform, started=stale)).content.decode()
    assert "Please send the form again." in html
    assert 'value="Jonas"' in html
    assert Person.objects.count() == 0


def test_a_bot_that_is_too_fast_is_thanked_like_anyone_but_nothing_is_stored(webform, visitor):
    response = visitor.post(_url(webform), enquiry(webform, started=actions.started_token(webform)))
    assert response.status_code == 200 and "Thank you!" in response.content.decode()
    assert Person.objects.count() == 0
    assert Submission.objects.get().state == "spam"


def test_a_bot_that_fills_the_honeypot_is_thanked_but_nothing_is_stored(webform, visitor):
    response = visitor.post(_url(webform), enquiry(webform, homepage="https://cheap-pills.example"))
    assert "Thank you!" in response.content.decode()
    assert Person.objects.count() == 0


def test_too_many_enquiries_from_one_address_get_a_429_page_in_the_forms_language(alice, visitor):
    webform = make_form(alice, language="de")
    for _ in range(5):
        visitor.post(_url(webform), enquiry(webform, homepage="x"))
    response = visitor.post(_url(webform), enquiry(webform))
    assert response.status_code == 429
    assert '<html lang="de">' in response.content.decode()
    assert Person.objects.count() == 0


def test_a_body_larger_than_any_honest_enquiry_is_refused_unread(webform, visitor):
    response = visitor.post(_url(webform), enquiry(webform, message="x" * 70_000))
    assert response.status_code == 413
    assert Submission.objects.count() == 0


def test_a_message_over_its_limit_but_small_enough_to_read_is_refused_at_the_field(webform, visitor):
    response = visitor.post(_url(webform), enquiry(webform, message="x" * 5001))
    assert response.status_code == 400
    assert "Ensure this value has at most 5000 characters (it has 5001)." in response.content.decode()


def test_an_allow_list_refuses_posts_from_other_websites(alice, visitor):
    webform = make_form(alice, allowed_origins=["https://www.weber.example"])
    refused = visitor.post(_url(webform), enquiry(webform), headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert visitor.post(_url(webform), enquiry(webform), headers={"Origin": "https://www.weber.example"}
                        ).status_code == 200
    assert visitor.post(_url(webform), enquiry(webform, email="b@weber.example"),
                        headers={"Referer": "https://www.weber.example/kontakt/"}).status_code == 200
    assert visitor.post(_url(webform), enquiry(webform, email="c@weber.example"),
                        headers={"Origin": "http://testserver"}).status_code == 200  # the hosted page itself
    assert Person.objects.count() == 3


def test_with_an_allow_list_only_those_websites_may_frame_the_form(alice, visitor):
    webform = make_form(alice, allowed_origins=["https://www.weber.example", "https://shop.weber.example:8443"])
    policy = visitor.get(_url(webform, embed=True))["Content-Security-Policy"]
    assert "frame-ancestors https://www.weber.example https://shop.weber.example:8443" in policy.split("; ")
    assert "script-src 'self'" in policy.split("; ")  # the rest of Kontor's policy holds here too
    open_policy = visitor.get(_url(make_form(alice, name="Offen"), embed=True))["Content-Security-Policy"]
    assert "frame-ancestors" not in open_policy and "script-src 'self'" in open_policy


def test_an_unknown_form_is_a_404(db, visitor):
    assert visitor.get("/f/no-such-form/").status_code == 404
    assert visitor.post("/f/no-such-form/", {"last_name": "X"}).status_code == 404


@pytest.mark.parametrize("path", ["/f/no-such-form/", "/f/no-such-form/embed/", "/f/no-such-form/started.js",
                                  "/f/%00/", "/f/" + "x" * 5000 + "/"])
def test_an_unknown_form_says_so_in_the_visitors_language_and_sets_no_cookie(db, visitor, path):
    response = visitor.get(path, headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert not response.cookies
    if not path.endswith(".js"):
        assert '<html lang="de">' in response.content.decode()


def test_a_corrected_form_sent_back_at_once_is_taken_not_held_for_spam(webform, visitor):
    first = visitor.post(_url(webform), enquiry(webform, email="jonas(at)weber")).content.decode()
    token = _token(r'name="started" value="([^"]+)"', first)
    response = visitor.post(_url(webform), enquiry(webform, started=token))
    assert "Thank you!" in response.content.decode()
    assert Submission.objects.get().state == "ok"


def test_a_form_confirmed_on_kontors_page_at_once_is_taken_not_held_for_spam(webform, visitor):
    data = enquiry(webform)
    del data["started"]
    shown = visitor.post(_url(webform), data).content.decode()
    token = _token(r'name="started" value="([^"]+)"', shown)
    visitor.post(_url(webform), {**data, "started": token})
    assert Person.objects.get().last_name == "Weber"


def test_a_freshly_shown_form_still_holds_a_quick_bot_back(webform, visitor):
    shown = visitor.get(_url(webform)).content.decode()
    token = _token(r'name="started" value="([^"]+)"', shown)
    visitor.post(_url(webform), enquiry(webform, started=token))
    assert Submission.objects.get().state == "spam"


def test_the_script_for_the_plain_form_fills_in_a_token_of_this_form(webform, visitor, settings):
    settings.WEBFORM_MIN_SECONDS = 0
    response = visitor.get(webform.public_path() + "started.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert f'document.getElementById("kontor-form-{webform.token}")' in response.content.decode()
    token = _token(r'value = "([^"]+)"', response.content.decode())
    visitor.post(_url(webform), enquiry(webform, started=token))
    assert Person.objects.count() == 1


def test_a_plain_form_posted_without_its_script_asks_to_confirm_on_kontors_page(webform, visitor):
    data = enquiry(webform)
    del data["started"]
    html = visitor.post(_url(webform), data).content.decode()
    assert "Please send the form again." in html
    assert 'value="Weber"' in html
    assert Person.objects.count() == 0


def test_a_deleted_form_stops_answering(webform, alice, visitor):
    path = _url(webform)
    actions.delete_webform(webform, alice.membership)
    assert visitor.post(path, {"last_name": "Weber"}).status_code == 404


FIELD_NAMES = ["first_name", "last_name", "email", "phone", "company", "message", "homepage", "started", "x"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(
    st.text(max_size=300), st.sampled_from(["", "a@b.de", "+49 30 123", "s:1:x", "\x00", "x" * 6000]),
    st.lists(st.text(max_size=20), max_size=3)), max_size=8), fresh=st.booleans())
def test_whatever_a_visitor_sends_the_answer_is_never_a_500(webform, data, fresh):
    visitor = Client(REMOTE_ADDR=f"198.51.100.{len(data)}")
    if fresh:
        data = {**data, "started": actions.started_token(webform, at=time.time() - 10)}
    response = visitor.post(_url(webform), data)
    assert response.status_code in (200, 400, 413, 429)
