# Done tasks' indexes hold only done tasks: whole, SQLite read someone's open tasks through them
# (done_at IS NULL looked as selective as one moment of completion) and sorted them all.

from django.db import migrations, models

from kontor.lib import migration_steps

refresh_statistics = migration_steps.refresh_statistics("tasks_task")


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="task", name="task_done_by_assignee"),
        migrations.RemoveIndex(model_name="task", name="task_done_in_account"),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["account", "assignee", "-done_at"], condition=models.Q(done_at__isnull=False),
                               name="task_done_by_assignee"),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["account", "-done_at"], condition=models.Q(done_at__isnull=False),
                               name="task_done_in_account"),
        ),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
