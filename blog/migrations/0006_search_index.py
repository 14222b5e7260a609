"""A GIN index for search on PostgreSQL (blog.querysets.PostQuerySet.search).

The index is on the exact expression search() matches with @@, built with
SEARCH_CONFIG ("english"). SQLite has no full-text index of this kind (search
there is LIKE), so the operation does nothing on other databases.
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


class PostgreSQLOnly(migrations.operations.base.Operation):
    """SQL run on PostgreSQL only; the models' state is unchanged."""

    reversible = True

    def __init__(self, sql: str, reverse_sql: str):
        self.sql = sql
        self.reverse_sql = reverse_sql

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.reverse_sql)

    def describe(self):
        return "SQL on PostgreSQL only"


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_reader_indexes")]

    operations = [PostgreSQLOnly(CREATE, DROP)]
