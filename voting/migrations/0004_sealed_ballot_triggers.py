"""The database itself keeps the sealed ballot's promises (PostgreSQL; other backends rely on
the services):

- a sealed ballot enters only an open round that has a key, and has exactly the round's one
  length (padded plaintext + 32 bytes of HPKE encapsulated key + 16 bytes of AEAD tag), so a
  longer or shorter ballot cannot single anyone out;
- a plain ballot cannot be written into a round that still has its key, i.e. before the count
  has opened the sealed ballots and deleted the key (voting.services.count_round).
"""

from django.db import migrations

HPKE_OVERHEAD = 32 + 16

CREATE = f"""
CREATE OR REPLACE FUNCTION voting_sealed_ballot_guard() RETURNS trigger AS $$
DECLARE
    expected integer;
    round_state varchar;
BEGIN
    SELECT k.ballot_length + {HPKE_OVERHEAD}, r.state INTO expected, round_state
      FROM voting_roundkey k JOIN voting_ballotround r ON r.id = k.round_id
     WHERE k.round_id = NEW.round_id;
    IF expected IS NULL THEN
        RAISE EXCEPTION 'sealed ballot for round % which has no key', NEW.round_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF round_state <> 'open' THEN
        RAISE EXCEPTION 'sealed ballot for round % which is not open', NEW.round_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF octet_length(NEW.sealed) <> expected THEN
        RAISE EXCEPTION 'sealed ballot of % bytes, the round''s length is %',
            octet_length(NEW.sealed), expected
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER voting_sealed_ballot_guard
    BEFORE INSERT OR UPDATE ON voting_sealedballot
    FOR EACH ROW EXECUTE FUNCTION voting_sealed_ballot_guard();

CREATE OR REPLACE FUNCTION voting_plain_ballot_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM voting_roundkey WHERE round_id = NEW.round_id) THEN
        RAISE EXCEPTION 'plain ballot for round % whose ballots are sealed', NEW.round_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER voting_plain_ballot_guard
    BEFORE INSERT OR UPDATE ON voting_ballot
    FOR EACH ROW EXECUTE FUNCTION voting_plain_ballot_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS voting_plain_ballot_guard ON voting_ballot;
DROP FUNCTION IF EXISTS voting_plain_ballot_guard();
DROP TRIGGER IF EXISTS voting_sealed_ballot_guard ON voting_sealedballot;
DROP FUNCTION IF EXISTS voting_sealed_ballot_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("voting", "0003_sealed_ballots_and_tellers")]

    operations = [migrations.RunPython(create, drop)]
