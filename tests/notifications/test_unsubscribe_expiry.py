"""Unsubscribe links carry the time they were signed and expire after 90 days: an expired link
changes nothing and explains where the settings are."""

import time

from django.core import signing

from kontor.notifications import mails
from kontor.notifications.models import WEEKLY_SUMMARY, MailPreference

DAY = 24 * 60 * 60


def token_signed_days_ago(user, days: int) -> str:
    """The token a mail sent that many days ago carried (signed with the clock of then)."""

    class SignerOfThen(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - days * DAY)

    return SignerOfThen(salt=mails.UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "t": WEEKLY_SUMMARY})


def test_a_link_from_a_mail_of_last_month_still_unsubscribes(alice, client):
    token = token_signed_days_ago(alice.user, 30)
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert "You have been unsubscribed" in response.content.decode()
    assert MailPreference.objects.get(user=alice.user, type=WEEKLY_SUMMARY).email is False


def test_an_expired_link_changes_nothing_and_points_to_the_settings(alice, client):
    token = token_signed_days_ago(alice.user, 91)
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 410
        content = response.content.decode()
        assert "This link has expired" in content
        assert "work for 90 days" in content
        assert 'href="/notifications/settings/"' in content
    assert not MailPreference.objects.filter(user=alice.user).exists()


def test_the_link_age_follows_the_setting(alice, client, settings):
    settings.UNSUBSCRIBE_LINK_DAYS = 7
    token = token_signed_days_ago(alice.user, 8)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 410
