"""Which rows a transaction holds, seen from a session of another (PostgreSQL only)."""

import time

import psycopg2
from django.db import connection
from psycopg2 import errors


def other_session():
    """A session of its own on the test database, outside Django's connection handling."""
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"],
    )


def locked_by_another(table: str, pk: int) -> bool:
    """Whether another session finds the row locked (FOR UPDATE NOWAIT fails at once)."""
    other = other_session()
    try:
        with other, other.cursor() as cursor:
            # The table is a name the tests pass, never input.
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608
        return False
    except errors.LockNotAvailable:
        return True
    finally:
        other.close()


def wait_until_a_session_waits_for_a_lock(timeout: float = 10.0) -> None:
    watcher = other_session()
    watcher.autocommit = True
    try:
        with watcher.cursor() as cursor:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.02)
    finally:
        watcher.close()
    raise AssertionError("no session waited for a lock")
