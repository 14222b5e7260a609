"""Comment.updated_at. Existing rows all get the moment of the migration: the
thread's row cache keys on (id, updated_at), so one shared value is enough."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0006_body_digest")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                default=django.utils.timezone.now,
                verbose_name="last changed",
            ),
            preserve_default=False,
        ),
    ]
