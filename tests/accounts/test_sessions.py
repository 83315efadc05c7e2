"""Active sessions in the user's settings: device, address, last seen, this device; ending one or
all others; logging out and password changes remove them; pages gain no query from the tracking."""

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kontor.accounts.devices import describe_device
from kontor.accounts.models import ActiveSession
from tests.conftest import PASSWORD

SETTINGS = reverse("accounts:settings")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
CHROME_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
EDGE_WINDOWS = CHROME_MAC.replace("Macintosh; Intel Mac OS X 10_15_7", "Windows NT 10.0; Win64; x64") + " Edg/131.0"


def logged_in(email: str, user_agent: str, address: str) -> Client:
    """A browser that logged in through the login page and opened one page after it."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    assert client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD}).status_code == 302
    client.get(reverse("start"))
    return client


def test_devices_are_named_in_words():
    assert describe_device(FIREFOX_WINDOWS) == "Firefox on Windows"
    assert describe_device(SAFARI_IPHONE) == "Safari on iPhone"
    assert describe_device(CHROME_MAC) == "Chrome on macOS"
    assert describe_device(EDGE_WINDOWS) == "Edge on Windows"
    assert describe_device("") == "Unknown browser"


def test_the_settings_list_each_session_with_device_address_and_this_device(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    logged_in("alice@example.com", SAFARI_IPHONE, "203.0.113.9")
    response = laptop.get(SETTINGS)
    rows = [(device, session.client_address) for session, device in response.context["sessions"]]
    assert sorted(rows) == [("Firefox on Windows", "198.51.100.7"), ("Safari on iPhone", "203.0.113.9")]
    content = response.content.decode()
    assert content.count("this device") == 1
    assert "last seen: now" in content and "0\xa0minutes" not in content and "0 minutes" not in content


def test_a_colleagues_sessions_are_not_listed_and_cannot_be_ended(alice, bob):
    logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    bobs = logged_in("bob@example.com", SAFARI_IPHONE, "203.0.113.9")
    alices_session = ActiveSession.objects.get(user=alice.user)
    assert [s.user_id for s, _ in bobs.get(SETTINGS).context["sessions"]] == [bob.user.pk]
    response = bobs.post(reverse("accounts:end_session", args=[alices_session.pk]))
    assert response.status_code == 404
    assert ActiveSession.objects.filter(pk=alices_session.pk).exists()


def test_ending_another_session_logs_that_device_out(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    phone = logged_in("alice@example.com", SAFARI_IPHONE, "203.0.113.9")
    phone_session = ActiveSession.objects.get(user_agent=SAFARI_IPHONE)
    response = laptop.post(reverse("accounts:end_session", args=[phone_session.pk]))
    assert response.status_code == 302
    assert phone.get(SETTINGS).status_code == 302  # back to the login page
    assert laptop.get(SETTINGS).status_code == 200
    assert list(ActiveSession.objects.values_list("user_agent", flat=True)) == [FIREFOX_WINDOWS]


def test_this_device_is_not_ended_from_the_list(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    own = ActiveSession.objects.get()
    response = laptop.post(reverse("accounts:end_session", args=[own.pk]), follow=True)
    assert "To end this session, log out" in response.content.decode()
    assert ActiveSession.objects.filter(pk=own.pk).exists()


def test_logging_out_all_other_devices_keeps_this_one(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    others = [logged_in("alice@example.com", agent, "203.0.113.9") for agent in (SAFARI_IPHONE, CHROME_MAC)]
    response = laptop.post(reverse("accounts:end_other_sessions"), follow=True)
    assert "2 other sessions are ended" in response.content.decode()
    assert all(other.get(SETTINGS).status_code == 302 for other in others)
    assert laptop.get(SETTINGS).status_code == 200
    assert ActiveSession.objects.count() == 1


def test_logging_out_removes_the_session_and_its_row(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    laptop.post(reverse("accounts:logout"))
    assert not ActiveSession.objects.exists()
    assert not Session.objects.filter(session_key=laptop.session.session_key).exists()


def test_a_password_change_logs_every_other_device_out(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    phone = logged_in("alice@example.com", SAFARI_IPHONE, "203.0.113.9")
    new = "another long secret"
    laptop.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new,
                                                      "new_password2": new})
    assert phone.get(SETTINGS).status_code == 302
    assert laptop.get(SETTINGS).status_code == 200
    # This device has a new session key now, and is listed under it.
    assert list(ActiveSession.objects.values_list("session_id", flat=True)) == [laptop.session.session_key]


def test_last_seen_is_written_at_most_once_a_minute(alice, django_assert_max_num_queries):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    first_seen = ActiveSession.objects.get().last_seen_at
    with CaptureQueriesContext(connection) as queries:
        laptop.get(reverse("start"))
    assert not [q for q in queries.captured_queries if "accounts_activesession" in q["sql"]]
    session = laptop.session
    session["_kontor_seen"] -= 61  # a minute later
    session.save()
    laptop.get(reverse("start"))
    assert ActiveSession.objects.get().last_seen_at > first_seen


def test_a_page_costs_the_same_queries_with_session_tracking(alice, django_assert_max_num_queries):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    with CaptureQueriesContext(connection) as untracked:
        alice.client.get(reverse("people:list"))  # force_login: a session without tracking
    with django_assert_max_num_queries(len(untracked.captured_queries)):
        laptop.get(reverse("people:list"))


def test_the_settings_page_pins_its_queries_with_many_sessions(alice, django_assert_max_num_queries):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    for _ in range(8):
        logged_in("alice@example.com", SAFARI_IPHONE, "203.0.113.9")
    with django_assert_max_num_queries(9):
        response = laptop.get(SETTINGS)
    assert len(response.context["sessions"]) == 9


def test_expired_sessions_are_not_listed(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    logged_in("alice@example.com", SAFARI_IPHONE, "203.0.113.9")
    phone = ActiveSession.objects.get(user_agent=SAFARI_IPHONE)
    Session.objects.filter(session_key=phone.session_id).update(expire_date=timezone.now() - dt.timedelta(days=1))
    assert [device for _, device in laptop.get(SETTINGS).context["sessions"]] == ["Firefox on Windows"]


def test_ending_an_unknown_session_is_a_404_and_a_get_is_refused(alice):
    laptop = logged_in("alice@example.com", FIREFOX_WINDOWS, "198.51.100.7")
    assert laptop.post(reverse("accounts:end_session", args=[999999])).status_code == 404
    assert laptop.get(reverse("accounts:end_other_sessions")).status_code == 405


def test_a_session_from_before_the_tracking_says_when_devices_will_be_listed(alice):
    # alice.client logged in without the login page (as sessions older than the tracking did).
    page = alice.client.get(SETTINGS).content.decode()
    card = page[page.index('id="sessions"'):]
    assert "Your devices are listed here from your next login on." in card[:card.index("</div>")]
    listed = logged_in("alice@example.com", FIREFOX_WINDOWS, "203.0.113.7").get(SETTINGS).content.decode()
    assert "Your devices are listed here" not in listed and "Firefox" in listed
