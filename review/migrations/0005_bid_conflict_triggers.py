"""A bid never stands on a conflicted pair, whoever writes (the services, the admin, raw SQL).

- a bid (insert, or a change of its pair) on a conflicted pair is refused ("conflicted pair",
  recognised by `review.integrity.is_conflict_refusal`);
- recording a conflict deletes the pair's bid in the same statement.

`record_conflicts` deletes the bid itself first; the triggers hold the rule below it.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION review_refuse_conflicted_bid() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(
            hashtextextended('review.pair:' || NEW.expert_id || ':' || NEW.nomination_id, 0));
        IF EXISTS (SELECT 1 FROM review_conflict
                   WHERE expert_id = NEW.expert_id AND nomination_id = NEW.nomination_id) THEN
            RAISE EXCEPTION 'conflicted pair: expert % has a conflict of interest with nomination %; no bid',
                NEW.expert_id, NEW.nomination_id USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER review_bid_no_conflict
    BEFORE INSERT OR UPDATE OF expert_id, nomination_id ON review_bid
    FOR EACH ROW EXECUTE FUNCTION review_refuse_conflicted_bid();
    """,
    """
    CREATE OR REPLACE FUNCTION review_drop_bid_of_conflict() RETURNS trigger AS $$
    BEGIN
        DELETE FROM review_bid
        WHERE expert_id = NEW.expert_id AND nomination_id = NEW.nomination_id;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER review_conflict_drops_bid
    AFTER INSERT OR UPDATE OF expert_id, nomination_id ON review_conflict
    FOR EACH ROW EXECUTE FUNCTION review_drop_bid_of_conflict();
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS review_conflict_drops_bid ON review_conflict;",
    "DROP FUNCTION IF EXISTS review_drop_bid_of_conflict();",
    "DROP TRIGGER IF EXISTS review_bid_no_conflict ON review_bid;",
    "DROP FUNCTION IF EXISTS review_refuse_conflicted_bid();",
]

_BID_CONFLICTED = (
    "EXISTS (SELECT 1 FROM review_conflict WHERE expert_id = NEW.expert_id "
    "AND nomination_id = NEW.nomination_id)"
)
_NO_BID = "conflicted pair: the expert has a conflict of interest; no bid"

SQLITE_FORWARD = [
    f"CREATE TRIGGER review_bid_no_conflict_insert BEFORE INSERT ON review_bid FOR EACH ROW "
    f"WHEN {_BID_CONFLICTED} BEGIN SELECT RAISE(ABORT, '{_NO_BID}'); END;",
    f"CREATE TRIGGER review_bid_no_conflict_update BEFORE UPDATE OF expert_id, nomination_id "
    f"ON review_bid FOR EACH ROW WHEN {_BID_CONFLICTED} "
    f"BEGIN SELECT RAISE(ABORT, '{_NO_BID}'); END;",
    "CREATE TRIGGER review_conflict_drops_bid_insert AFTER INSERT ON review_conflict "
    "FOR EACH ROW BEGIN DELETE FROM review_bid WHERE expert_id = NEW.expert_id "
    "AND nomination_id = NEW.nomination_id; END;",
    "CREATE TRIGGER review_conflict_drops_bid_update AFTER UPDATE OF expert_id, nomination_id "
    "ON review_conflict FOR EACH ROW BEGIN DELETE FROM review_bid "
    "WHERE expert_id = NEW.expert_id AND nomination_id = NEW.nomination_id; END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS review_conflict_drops_bid_update;",
    "DROP TRIGGER IF EXISTS review_conflict_drops_bid_insert;",
    "DROP TRIGGER IF EXISTS review_bid_no_conflict_update;",
    "DROP TRIGGER IF EXISTS review_bid_no_conflict_insert;",
]


def _statements(vendor: str, forward: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_FORWARD if forward else POSTGRESQL_REVERSE
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_REVERSE
    raise RuntimeError(f"No bid triggers for the {vendor} database.")


def create_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("review", "0004_expert_profiles_bids_assignment_settings")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
