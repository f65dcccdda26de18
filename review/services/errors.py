"""Refusals of the evaluation services, with messages for the person who tried."""

from __future__ import annotations

from core.errors import Refused

from ..assignment_data import (
    reason_message,
)


class ReviewError(Refused):
    """A refused review action (core.errors.Refused: a translated message for the person)."""


class AssignmentNotPossible(ReviewError):
    """The assignment settings cannot be met; `reasons` are described (codes, titles, names)."""

    def __init__(self, reasons: list[dict]):
        self.reasons = reasons
        super().__init__(" ".join(reason_message(reason) for reason in reasons))
