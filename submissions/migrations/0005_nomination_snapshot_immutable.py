"""A snapshot at return is never changed (PostgreSQL; other backends rely on the services).

The re-check compares a resubmitted nomination with what it was when it was returned; a snapshot
edited afterwards would make that comparison lie. Deleting stays possible, so a nomination (and
its timeline) can still be deleted as a whole.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION submissions_snapshot_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'snapshot % of nomination % cannot be changed', OLD.id, OLD.nomination_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER submissions_snapshot_immutable
    BEFORE UPDATE ON submissions_nominationsnapshot
    FOR EACH ROW EXECUTE FUNCTION submissions_snapshot_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS submissions_snapshot_immutable ON submissions_nominationsnapshot;
DROP FUNCTION IF EXISTS submissions_snapshot_immutable();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0004_nomination_snapshot")]

    operations = [migrations.RunPython(create, drop)]
