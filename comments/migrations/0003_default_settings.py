"""The discussion settings row, with WordPress's defaults, exists from the start."""

from django.db import migrations


def create_settings(apps, schema_editor):
    apps.get_model("comments", "CommentSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_moderator_group")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
