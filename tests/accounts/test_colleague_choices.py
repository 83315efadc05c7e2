"""A list's "responsible" choices and bulk bar read the active colleagues as plain rows."""

from kontor.accounts.models import Membership, User
from kontor.accounts.queries import Colleague, active_colleagues, colleague_choices


def test_the_choices_are_the_active_colleagues_by_name_the_nameless_by_address(alice, bob, carol, dave, oscar):
    User.objects.filter(pk=carol.user.pk).update(name="")
    Membership.objects.filter(pk=dave.membership.pk).update(is_active=False)
    choices = colleague_choices(alice.account)
    assert choices == [Colleague(carol.user.pk, "carol@example.com"), Colleague(alice.user.pk, "Alice Adler"),
                       Colleague(bob.user.pk, "Bob Berger")]
    assert [choice.user_id for choice in choices] == [member.user_id for member in active_colleagues(alice.account)]
