"""The top bar is rendered once per area, language, user and rights (base.html's cached fragments):
whatever changes one of them shows at once, and nobody sees another's bar."""

from django.urls import reverse

from kontor.accounts import actions
from kontor.accounts.models import Account, Role

PEOPLE = reverse("people:list")


def bar(persona, url: str = PEOPLE) -> str:
    content = persona.client.get(url).content.decode()
    return content[content.index('<header class="topbar">'):content.index("</header>")]


def test_the_bar_marks_the_area_of_the_page(alice):
    assert 'href="/people/" aria-current="page"' in bar(alice)
    assert 'href="/companies/" aria-current="page"' in bar(alice, reverse("companies:list"))
    assert 'aria-current="page"' not in bar(alice, reverse("people:list")).split('href="/people/"')[0]
    tasks = bar(alice, reverse("tasks:list"))
    assert '<summary class="is-current">' in tasks and 'href="/people/" aria-current' not in tasks


def test_a_new_name_and_a_renamed_account_show_at_once(alice):
    assert "Alice Adler" in bar(alice)
    actions.update_profile(alice.user, "Alice Zander", alice.user.email, "en", "Europe/Berlin")
    Account.objects.filter(pk=alice.account.pk).update(name="Adler & Zander KG")
    menu = bar(alice)
    assert "Alice Zander" in menu and "Alice Adler" not in menu
    assert "Adler &amp; Zander KG" in menu and '<span class="avatar avatar-small">AZ</span>' in menu


def test_the_menu_follows_the_role_and_the_language(alice, carol):
    team = f'href="{reverse("accounts:team")}"'
    assert team not in bar(carol)
    actions.change_role(carol.membership, Role.ADMIN, alice.membership)
    assert team in bar(carol)
    actions.update_profile(carol.user, carol.user.name, carol.user.email, "de", "Europe/Berlin")
    assert ">Personen</a>" in bar(carol) and "Meine Einstellungen" in bar(carol)


def test_colleagues_and_other_accounts_see_their_own_bar(alice, bob, oscar):
    assert "Alice Adler" in bar(alice)
    assert "Bob Berger" in bar(bob) and "Alice Adler" not in bar(bob)
    assert "Outsider AG" in bar(oscar) and "Müller" not in bar(oscar)


def test_the_start_page_is_marked_only_on_itself_whichever_page_came_first(alice):
    start = 'href="/" aria-current="page"'
    assert start not in bar(alice, reverse("search") + "?q=x")
    assert start not in bar(alice, "/accounts/settings/")
    assert start in bar(alice, reverse("start"))
    assert start not in bar(alice, reverse("search") + "?q=y")
    inbox = bar(alice, reverse("inbox:list"))
    assert 'id="inbox-shortcut"' in inbox and 'aria-current="page" title=' in inbox
