"""The client address behind a request: X-Forwarded-For only from trusted proxies, read from the
right, so that a client cannot make up its own address."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from kontor.lib.clients import client_address

PROXY = "10.0.0.5"


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    made = RequestFactory().get("/")
    made.META.update(extra)
    return made


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8:ffff::1"]


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_client_that_is_no_trusted_proxy_cannot_spoof_its_address(behind_proxy):
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(behind_proxy):
    assert client_address(request(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_what_the_client_wrote_itself_on_the_left_is_ignored(behind_proxy):
    # The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the address it saw.
    assert client_address(request(PROXY, "192.0.2.66, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(behind_proxy):
    assert client_address(request(PROXY, "192.0.2.66, 198.51.100.1, 10.0.0.9")) == "198.51.100.1"
    assert client_address(request("2001:db8:ffff::1", "2001:db8::42")) == "2001:db8::42"


def test_garbage_in_the_header_is_never_taken_for_an_address(behind_proxy):
    assert client_address(request(PROXY, "not-an-ip")) == PROXY
    assert client_address(request(PROXY, "")) == PROXY
    assert client_address(request(PROXY, "198.51.100.1:4431")) == "198.51.100.1"


def test_an_unknown_peer_gives_no_address(settings):
    assert client_address(request("")) == ""
    assert client_address(None) == ""


def test_a_malformed_trusted_proxy_setting_names_the_bad_entry(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.internal"]
    with pytest.raises(ImproperlyConfigured, match="proxy.internal"):
        client_address(request(PROXY))
