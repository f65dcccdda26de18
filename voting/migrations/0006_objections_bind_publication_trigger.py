"""The database refuses to publish an edition's results while an objection is pending, or while
an upheld objection against a technology has no recorded consequence (and the technology was not
removed): the promise of voting.publication.publish, held below it too, so a shell or an admin
cannot publish past an objection. PostgreSQL only (the production database)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION voting_publication_objections_bind() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM voting_objection o
        LEFT JOIN submissions_nomination n ON n.id = o.nomination_id
        WHERE o.edition_id = NEW.edition_id
          AND (
            o.state = 'pending'
            OR (
              o.state = 'upheld'
              AND o.nomination_id IS NOT NULL
              AND o.consequence = ''
              AND NOT (COALESCE(NEW.removed, '[]'::jsonb) ? n.code)
            )
          )
    ) THEN
        RAISE EXCEPTION 'an objection of edition % is pending or upheld without its consequence',
            NEW.edition_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER voting_publication_objections_bind
    BEFORE UPDATE OF published_at ON voting_publication
    FOR EACH ROW
    WHEN (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL)
    EXECUTE FUNCTION voting_publication_objections_bind();
"""

DROP = """
DROP TRIGGER IF EXISTS voting_publication_objections_bind ON voting_publication;
DROP FUNCTION IF EXISTS voting_publication_objections_bind();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("voting", "0005_round_kind_consequences_place_decisions")]

    operations = [migrations.RunPython(create, drop)]
