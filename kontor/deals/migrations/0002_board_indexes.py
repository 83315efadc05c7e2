# The pipeline board: an open column's first cards, and the columns' counts and sums, from indexes.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("deals", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(fields=["account", "state", "probability", "target_date", "record"], name="deal_board_cards"),
        ),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(fields=["account", "state", "probability", "currency", "total_cents", "closed_at", "record"],
                               name="deal_board_sums"),
        ),
    ]
