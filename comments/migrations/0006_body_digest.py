"""Comment.body_digest and the index the duplicate check looks it up in.

Existing rows get their digest before the index is built. The fill only touches
rows without a digest, so running it again (tests/conftest.py
reseed_data_migrations) changes nothing.
"""

import hashlib

from django.db import migrations, models

import comments.models

BATCH_SIZE = 1000


def digest(body: str) -> str:
    # The same value as comments.models.body_digest, frozen here.
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fill_body_digests(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    last_pk = 0
    while True:
        batch = list(
            Comment.objects.filter(pk__gt=last_pk, body_digest="")
            .order_by("pk")
            .only("pk", "body")[:BATCH_SIZE]
        )
        if not batch:
            return
        for comment in batch:
            comment.body_digest = digest(comment.body)
        Comment.objects.bulk_update(batch, ["body_digest"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("comments", "0005_reader_indexes")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_digest",
            field=comments.models.BodyDigestField(
                default="", editable=False, max_length=16
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_body_digests, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["post", "identity_key", "body_digest"],
                name="comment_duplicate_check",
            ),
        ),
    ]
