"""Database router: writes to the primary, anonymous reads to a read replica.

config/replica.py decides per request whether reads may use a replica; this router
only follows that decision. Without DATABASE_REPLICA_URLS it changes nothing.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from config import replica


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        alias = replica.read_alias()
        if alias is None:
            # Django's own choice: the instance's database, else the primary.
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Inside a transaction, read what the transaction writes.
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # Replicas copy the primary's schema through replication.
        return db == DEFAULT_DB_ALIAS
