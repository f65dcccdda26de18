"""Every write of the committee, its conflicts and the assignment. One transaction each, with
an audit event; e-mail and background work are queued with `transaction.on_commit`.

Conflicts are hard: no service assigns a conflicted pair, whoever calls it, and declaring or
entering a conflict removes the pair's assignment at once.
"""

from .assignment import (
    assign_reviewers,
    execute_assignment_run,
    start_assignment_run,
)
from .committee import accept_invitation, import_committee, invite_experts
from .conflicts import (
    add_conflict,
    declaration_window_open,
    declare_conflicts,
    refresh_automatic_conflicts,
    remove_conflict,
)
from .errors import AssignmentNotPossible, ReviewError
from .pairs import (
    assign_by_hand,
    clear_pair_rule,
    set_pair_rule,
    swap_assignment,
    unassign,
)

__all__ = [
    "AssignmentNotPossible",
    "ReviewError",
    "accept_invitation",
    "add_conflict",
    "assign_by_hand",
    "assign_reviewers",
    "clear_pair_rule",
    "declaration_window_open",
    "declare_conflicts",
    "execute_assignment_run",
    "import_committee",
    "invite_experts",
    "refresh_automatic_conflicts",
    "remove_conflict",
    "set_pair_rule",
    "start_assignment_run",
    "swap_assignment",
    "unassign",
]
