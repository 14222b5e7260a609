"""The post's thread index also orders by id and carries parent and updated_at, so
PostgreSQL reads a thread's outline from the index alone, already in order (other
databases build it without the included columns). Added before the old one goes,
so comment lookups always have an index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_comment_updated_at")]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["post", "status", "created_at", "id"],
                include=("parent", "updated_at"),
                name="comment_post_thread",
            ),
        ),
        migrations.RemoveIndex(
            model_name="comment",
            name="comment_post_status_date",
        ),
    ]
