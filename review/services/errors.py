"""Refusals of the evaluation services, with messages for the person who tried."""

from __future__ import annotations

from ..assignment_data import (
    reason_message,
)


class ReviewError(Exception):
    """A refused change, with a message for the person who tried it (already translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AssignmentNotPossible(ReviewError):
    """The assignment settings cannot be met; `reasons` are described (codes, titles, names)."""

    def __init__(self, reasons: list[dict]):
        self.reasons = reasons
        super().__init__(" ".join(reason_message(reason) for reason in reasons))
