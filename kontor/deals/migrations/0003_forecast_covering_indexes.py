# The forecast: its two indexes hold every column its query reads, so that it reads them alone.

from django.db import migrations, models

from kontor.lib import migration_steps


# The new indexes get statistics where the table has them: the deals list otherwise sorted all of
# an account's deals read through deal_state_closed (130 ms at 50,000 deals) instead of walking
# deal_by_target_date.
refresh_statistics = migration_steps.refresh_statistics("deals_deal")


class Migration(migrations.Migration):

    dependencies = [
        ("deals", "0002_board_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="deal", name="deal_state_target"),
        migrations.RemoveIndex(model_name="deal", name="deal_state_closed"),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(fields=["account", "state", "target_date", "currency", "probability", "closed_at",
                                       "total_cents", "record"], name="deal_state_target"),
        ),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(fields=["account", "state", "closed_at", "currency", "probability", "target_date",
                                       "total_cents", "record"], name="deal_state_closed"),
        ),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
