"""The public navigation tests use the final evaluation's fixtures (tests/voting/conftest.py): a
current edition, a category with finalists, a committee, and an organiser."""

from tests.voting.conftest import (  # noqa: F401 - fixtures, found by name
    _no_mfa,
    category,
    closes_at,
    committee,
    edition,
    items,
    organiser,
)
