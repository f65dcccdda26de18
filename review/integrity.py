"""The database's own refusal of a conflicted pair (triggers of migration 0003), recognised.

The triggers refuse an assignment or a review of a conflicted pair, and a conflict of an assigned
pair, on PostgreSQL and SQLite alike; every refusal's message starts with "conflicted pair".
"""

from django.db import IntegrityError

REFUSAL_MARK = "conflicted pair"


def is_conflict_refusal(error: BaseException) -> bool:
    """True when `error` is the database refusing a conflicted expert–nomination pair."""
    return isinstance(error, IntegrityError) and REFUSAL_MARK in str(error)
