"""The audit trail is append-only below the code: the database refuses UPDATE and DELETE on
core_auditevent (core/migrations/0004), on PostgreSQL and on SQLite; only the foreign key's
SET NULL of a deleted account passes, and a whole-table TRUNCATE (the owner's tool)."""

import sqlite3

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AuditEvent
from core.services import record_event
from tests.django_subprocess import run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's trigger (CI's database)"
)


def _event(actor=None) -> AuditEvent:
    return record_event(actor=actor, action="test.happened", details={"n": 1})


def _refused(sql: str, params: list) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(refused.value)


def test_raw_update_is_refused():
    event = _event()

    message = _refused(
        "UPDATE core_auditevent SET action = 'test.rewritten' WHERE id = %s", [event.pk]
    )

    assert "audit events are append-only" in message
    event.refresh_from_db()
    assert event.action == "test.happened"


def test_raw_delete_is_refused():
    event = _event()

    message = _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])

    assert "audit events are append-only" in message
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [event.pk]


def test_clearing_the_actor_along_with_another_column_is_refused():
    event = _event(actor=UserFactory())

    _refused(
        "UPDATE core_auditevent SET actor_id = NULL, object_repr = 'x' WHERE id = %s", [event.pk]
    )

    event.refresh_from_db()
    assert event.actor_id is not None


def test_deleting_an_account_keeps_its_events_without_the_actor():
    person = UserFactory()
    event = _event(actor=person)

    person.delete()

    event.refresh_from_db()
    assert (event.actor_id, event.action, event.details) == (None, "test.happened", {"n": 1})


@on_postgresql
def test_truncate_still_empties_the_trail_for_the_owner():
    _event()

    with connection.cursor() as cursor:
        # The insert's deferred foreign-key check must run first (same test transaction).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE core_auditevent")

    assert not AuditEvent.objects.exists()


@pytest.mark.timeout(240)
def test_sqlite_database_refuses_update_and_delete_too(tmp_path):
    """A SQLite database (the demo's) built by the migrations, written to with raw SQL."""
    path = tmp_path / "portal.sqlite3"
    migrated = run(
        ["manage.py", "migrate", "core", "--verbosity", "0"], DATABASE_URL=f"sqlite:///{path}"
    )
    assert migrated.returncode == 0, migrated.stderr

    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO core_auditevent (action, object_type, object_id, object_repr, details, "
        "occurred_at) VALUES ('test.happened', '', '', '', '{}', '2030-01-01 00:00:00')"
    )
    db.commit()
    with pytest.raises(sqlite3.DatabaseError, match="audit events are append-only"):
        db.execute("UPDATE core_auditevent SET action = 'test.rewritten'")
    with pytest.raises(sqlite3.DatabaseError, match="audit events are append-only"):
        db.execute("DELETE FROM core_auditevent")
    assert db.execute("SELECT action FROM core_auditevent").fetchall() == [("test.happened",)]
    db.close()
