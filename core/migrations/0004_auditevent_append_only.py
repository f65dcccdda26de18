"""The audit trail is append-only in the database: UPDATE and DELETE on core_auditevent are
refused, whoever asks (the admin, the shell, raw SQL), as `AuditEvent.save`/`delete` refuse them
in Python.

One change is let through: the foreign key's SET NULL when an account is deleted (Django's
collector nulls `actor_id` before it deletes the user), and only when nothing else in the row
changes; the event stays, without its actor.

Removing the whole trail at once stays possible for those who own the database: TRUNCATE fires no
row trigger (PostgreSQL), a superuser's `session_replication_role = replica` turns row triggers
off (the tests empty their tables that way between transactional tests: tests/conftest.py), and
`pg_restore --clean` drops and recreates the table. On SQLite, which has no TRUNCATE, the tests
drop the delete trigger around their cleanup (tests/conftest.py); a demo database is rebuilt, not
emptied.

Every refusal's message starts with "audit events are append-only".
"""

from django.db import migrations

MESSAGE = "audit events are append-only"

# Same row apart from the actor, which goes from someone to nobody.
_ONLY_ACTOR_CLEARED_PG = (
    "NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL "
    "AND (NEW.id, NEW.action, NEW.object_type, NEW.object_id, NEW.object_repr, NEW.details, "
    "NEW.occurred_at) IS NOT DISTINCT FROM (OLD.id, OLD.action, OLD.object_type, OLD.object_id, "
    "OLD.object_repr, OLD.details, OLD.occurred_at)"
)

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND {_ONLY_ACTOR_CLEARED_PG} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % of audit event % refused', TG_OP, OLD.id
            USING ERRCODE = '23000';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse_change();",
]

_ONLY_ACTOR_CLEARED_SQLITE = (
    "NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND NEW.id IS OLD.id "
    "AND NEW.action IS OLD.action AND NEW.object_type IS OLD.object_type "
    "AND NEW.object_id IS OLD.object_id AND NEW.object_repr IS OLD.object_repr "
    "AND NEW.details IS OLD.details AND NEW.occurred_at IS OLD.occurred_at"
)

SQLITE_UPDATE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    f"FOR EACH ROW WHEN NOT ({_ONLY_ACTOR_CLEARED_SQLITE}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: update refused'); END;"
)
SQLITE_DELETE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
    f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}: delete refused'); END;"
)
SQLITE_FORWARD = [SQLITE_UPDATE_TRIGGER, SQLITE_DELETE_TRIGGER]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]


def _statements(vendor: str, forward: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_FORWARD if forward else POSTGRESQL_REVERSE
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_REVERSE
    # The portal supports these two; another database would silently lose the rule.
    raise RuntimeError(f"No append-only trigger for the {vendor} database.")


def create_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbound_email"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
