"""The address rule (SSRF): a table of URLs checked when subscribing, names that resolve to
private addresses (a resolver is passed in; "localhost" and numeric forms go through the system's
resolver, which needs no network for them), and the check again at each delivery, connecting to
the checked address rather than resolving the name a second time (DNS rebinding)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kontor.contacts import actions as contact_actions
from kontor.webhooks import actions
from kontor.webhooks import delivery as webhook_delivery
from kontor.webhooks.addresses import UrlRefused, check
from kontor.webhooks.models import Delivery, DeliveryState, Subscription


def resolver(*addresses: str):
    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)
    return resolve


def no_resolver(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should not have been resolved")


REFUSED_PRIVATE = [
    "http://127.0.0.1/hook", "http://127.8.9.10:8080/hook", "http://localhost/hook", "http://LOCALHOST./hook",
    "http://[::1]/hook", "http://10.1.2.3/hook", "http://172.16.0.1/hook", "http://192.168.178.1/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://[fc00::1]/hook",
    "http://[fd12:3456::1]/hook", "http://0.0.0.0/hook", "http://[::]/hook", "http://224.0.0.1/hook",
    "http://[ff02::1]/hook", "http://240.0.0.1/hook", "http://255.255.255.255/hook", "http://100.64.0.1/hook",
    "http://192.0.2.1/hook", "http://198.18.0.1/hook",
    "http://[::ffff:10.0.0.1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:169.254.169.254]/hook",
    "http://[2002:7f00:1::]/hook", "http://[2002:a00:1::]/hook", "http://[64:ff9b::a00:1]/hook",
    "http://2130706433/hook", "http://0x7f.0.0.1/hook", "http://017700000001/hook",
]


@pytest.mark.parametrize("url", REFUSED_PRIVATE)
def test_private_loopback_and_reserved_addresses_are_refused(url):
    with pytest.raises(UrlRefused, match=r"^\('private', ") as refused:
        check(url)
    assert refused.value.reason == "private"


@pytest.mark.parametrize("addresses", [("10.0.0.5",), ("93.184.216.34", "192.168.0.1"), ("::ffff:127.0.0.1",),
                                       ("2606:4700::1111", "fe80::1")])
def test_a_name_is_refused_when_any_of_its_addresses_is_private(addresses):
    with pytest.raises(UrlRefused, match=r"^\('private', ") as refused:
        check("https://intranet.example/hook", resolve=resolver(*addresses))
    assert refused.value.reason == "private"


@pytest.mark.parametrize("url, reason", [
    ("ftp://example.com/hook", "scheme"), ("file:///etc/passwd", "invalid"), ("gopher://example.com/", "scheme"),
    ("javascript:alert(1)", "invalid"), ("example.com/hook", "invalid"), ("https://", "invalid"),
    ("https://user:secret@example.com/hook", "credentials"), ("https://example.com:99999/", "invalid"),
    ("http://exa mple.com/", "invalid"),
])
def test_other_schemes_and_broken_urls_are_refused(url, reason):
    with pytest.raises(UrlRefused, match=f"^\\('{reason}', ") as refused:
        check(url, resolve=resolver("93.184.216.34"))
    assert refused.value.reason == reason


def test_a_name_that_does_not_resolve_is_refused():
    def fails(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UrlRefused, match=r"^\('unresolvable', ") as refused:
        check("https://nowhere.example/hook", resolve=fails)
    assert refused.value.reason == "unresolvable"


def test_public_addresses_and_names_pass():
    assert check("https://93.184.216.34/hook", resolve=no_resolver).addresses == ("93.184.216.34",)
    assert check("http://[2606:4700::1111]:8080/x?y=1", resolve=no_resolver).path == "/x?y=1"
    target = check("https://Hooks.Example.com/kontor", resolve=resolver("93.184.216.34", "2606:4700::1111"))
    assert target.host == "hooks.example.com" and target.port == 443
    assert target.addresses == ("93.184.216.34", "2606:4700::1111")


def test_the_operator_may_allow_private_addresses():
    assert check("http://127.0.0.1:8080/hook", allow_private=True).addresses == ("127.0.0.1",)


def test_subscribing_to_a_private_address_is_refused_with_a_clear_message(alice, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    with pytest.raises(ValidationError, match=r"192\.168\.1\.20 is in a private, local or reserved network") as refused:
        actions.create_subscription(alice.membership, "http://192.168.1.20/hook", ["*"])

    assert set(refused.value.message_dict) == {"url"}
    assert not Subscription.objects.exists()


def test_a_name_that_turns_private_after_subscribing_gets_nothing(alice, receiver, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    actions.create_subscription(alice.membership, "https://hooks.example/kontor", ["*"],
                                resolve=resolver("93.184.216.34"))
    with django_capture_on_commit_callbacks(execute=False):
        contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    pending = Delivery.objects.get()

    webhook_delivery.deliver(pending.pk, resolve=resolver("127.0.0.1"))

    pending.refresh_from_db()
    assert pending.state == DeliveryState.FAILED and "127.0.0.1" in pending.error
    assert receiver.requests == []


def test_the_delivery_connects_to_the_checked_address_and_keeps_the_name_in_the_host_header(
        alice, receiver, django_capture_on_commit_callbacks):
    port = receiver.url.split(":")[2].split("/")[0]
    actions.create_subscription(alice.membership, f"http://hooks.example:{port}/kontor", ["*"],
                                resolve=resolver("127.0.0.1"))
    with django_capture_on_commit_callbacks(execute=False):
        contact_actions.create_person(alice.membership, {"last_name": "Adler"})

    webhook_delivery.deliver(Delivery.objects.get().pk, resolve=resolver("127.0.0.1"))

    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example:{port}" and request.path == "/kontor"


def test_spaces_and_letters_beyond_ascii_in_the_path_travel_percent_encoded():
    target = check("https://93.184.216.34/hooks/für alle?q=ä b")
    assert target.path == "/hooks/f%C3%BCr%20alle?q=%C3%A4%20b"


def test_an_international_host_name_is_resolved_in_its_ascii_form():
    asked = []

    def remember(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    assert check("https://müller.example/hook", resolve=remember).host == "xn--mller-kva.example"
    assert asked == ["xn--mller-kva.example"]
