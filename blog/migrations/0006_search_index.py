"""A GIN index for search on PostgreSQL (blog.querysets.PostQuerySet.search).

The index is on the exact expression search() matches with @@, built with
SEARCH_CONFIG. SQLite has no full-text index of this kind (search there is LIKE),
so the migration does nothing on other databases.
"""

from django.db import migrations

INDEX = "post_search"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON blog_post USING gin ((
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(body_text, '')), 'B')
))
"""
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_reader_indexes")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
