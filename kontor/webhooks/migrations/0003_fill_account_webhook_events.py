"""Fills Account.webhook_events from the subscriptions that exist (see kontor.webhooks.listening)."""

from django.db import migrations


def fill(apps, schema_editor) -> None:  # noqa: ANN001
    Account = apps.get_model("accounts", "Account")
    Subscription = apps.get_model("webhooks", "Subscription")
    for account_id in Subscription.objects.filter(is_active=True).values_list("account_id", flat=True).distinct():
        events: set[str] = set()
        for wanted in Subscription.objects.filter(account_id=account_id, is_active=True).values_list("events",
                                                                                                     flat=True):
            events.update(wanted)
        Account.objects.filter(pk=account_id).update(webhook_events=["*"] if "*" in events else sorted(events))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_account_webhook_events"),
        ("webhooks", "0002_alter_subscription_disabled_reason"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
