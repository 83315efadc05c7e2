"""Mail clicked through in Chromium: copy your Kontor address from the settings, send a message
there over real SMTP, find it on the person's page; file a message nobody matched from the inbox
onto a company."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details
from kontor.contacts.models import DetailKind
from kontor.mail.models import InboundMail, InboundState
from tests.browser.login import anna_account, log_in
from tests.mail.listener import Listener, listeners

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def start_listener(transactional_db) -> Iterator[Callable[..., Listener]]:
    with listeners() as start:
        yield start


def _log_in(page: Page):  # noqa: ANN202 - the owner's Membership
    owner = anna_account()
    log_in(page)
    page.wait_for_url("**/")
    return owner


def _mail(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content(text)
    return message


def test_a_mail_to_the_copied_address_shows_on_the_person_and_an_unmatched_one_is_filed_from_the_inbox(
        page: Page, start_listener: Callable[..., Listener]):
    owner = _log_in(page)
    jonas = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"}, Details(
        contact=[DetailData(DetailKind.EMAIL, "jonas@weber.example")]))
    company = contact_actions.create_company(owner, {"name": "Weber Bau GmbH"})
    listener = start_listener()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/accounts/settings/")
    card = page.get_by_test_id("dropbox-card")
    card.get_by_role("button", name="Copy").click()
    expect(card.get_by_role("button", name="Copied")).to_be_visible()
    address = page.evaluate("navigator.clipboard.readText()")
    assert address.startswith("bcc-") and address == card.get_by_test_id("dropbox-address").input_value()

    # Anna writes to Jonas with her Kontor address in BCC: the mail server delivers it to Kontor.
    with listener.client() as smtp:
        smtp.send_message(_mail("Anna Adler <anna@example.com>", "Jonas Weber <jonas@weber.example>",
                                "Angebot Dachsanierung", "Guten Tag Herr Weber,\nanbei unser Angebot."),
                          to_addrs=[address])
    page.goto(f"/people/{jonas.pk}/")
    expect(page.locator(".entry").filter(has_text="Angebot Dachsanierung")).to_be_visible()

    # A mail from a stranger to the same address matches nobody: it waits in the inbox.
    with listener.client() as smtp:
        smtp.send_message(_mail("Bauamt <info@bauamt.example>", "Anna Adler <anna@example.com>",
                                "Genehmigung Gerüst", "Die Genehmigung liegt bei."), to_addrs=[address])
    inbound = InboundMail.objects.get(subject="Genehmigung Gerüst")
    assert inbound.state == InboundState.INBOX

    page.goto("/inbox/")
    item = page.get_by_test_id("inbox-item").filter(has_text="Genehmigung Gerüst")
    item.get_by_role("link", name="File on…").click()
    # Typed as a person types: a single fill() can land before htmx has wired up the freshly
    # loaded picker, and then no search is ever sent.
    item.get_by_role("searchbox").press_sequentially("Weber Bau", delay=30)
    item.get_by_label("Weber Bau GmbH").check()
    item.get_by_role("button", name="File here").click()
    expect(page.locator(f"#inbox-item-{inbound.pk}").get_by_role("link", name="Weber Bau GmbH")).to_be_visible()

    inbound.refresh_from_db()
    assert inbound.state == InboundState.FILED
    page.goto(f"/companies/{company.pk}/")
    expect(page.locator(".entry").filter(has_text="Genehmigung Gerüst")).to_be_visible()
