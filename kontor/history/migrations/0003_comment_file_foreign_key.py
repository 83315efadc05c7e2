"""Comments on files point at their attachment with a foreign key, so that a file deleted for good
takes its comments along and no comment can name a file of another account's."""

import django.db.models.deletion
from django.db import migrations, models


def forget_comments_on_missing_files(apps, schema_editor):
    """Comments naming a file that no longer exists could not become a foreign key."""
    Comment = apps.get_model("history", "Comment")
    Attachment = apps.get_model("files", "Attachment")
    (Comment.objects.filter(file_id__isnull=False)
     .exclude(file_id__in=Attachment.objects.values("pk")).delete())


class Migration(migrations.Migration):

    dependencies = [
        ("files", "0001_initial"),
        ("history", "0002_activity_comment"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="comment", name="comment_has_one_target"),
        migrations.RunPython(forget_comments_on_missing_files, migrations.RunPython.noop),
        migrations.RenameField(model_name="comment", old_name="file_id", new_name="file"),
        migrations.AlterField(
            model_name="comment",
            name="file",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="comments", to="files.attachment"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["file", "created_at"], name="comment_by_file"),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entry__isnull", False), ("file__isnull", True), ("task__isnull", True)),
                    models.Q(("entry__isnull", True), ("file__isnull", True), ("task__isnull", False)),
                    models.Q(("entry__isnull", True), ("file__isnull", False), ("task__isnull", True)),
                    _connector="OR"),
                name="comment_has_one_target"),
        ),
    ]
