"""Conflicts are hard below the pages: the database refuses a conflicted pair in both directions.

- an assignment (insert, or a change of its expert or nomination) while the pair has a conflict;
- a review whose assignment's pair has a conflict;
- a conflict while the pair has an assignment (and so possibly a review).

The services remove the pair's assignment and review before they record a conflict
(review/services/conflicts.py); these triggers hold the rule against the admin, the shell and raw
SQL. On PostgreSQL the three triggers take the same transaction-level advisory lock on the pair
before they look, so two transactions that race (one assigning, one recording a conflict) are
served one after the other and the second one sees the first one's row (READ COMMITTED takes a
fresh snapshot for each statement of the trigger function).

Pairs stored before these triggers are first made to follow the rule (`remove_conflicted_pairs`).

Every refusal's message starts with "conflicted pair": `review.integrity.is_conflict_refusal`
recognises it.
"""

from django.db import migrations

PAIR_LOCK = (
    "PERFORM pg_advisory_xact_lock(hashtextextended('review.pair:' || {e} || ':' || {n}, 0));"
)

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION review_refuse_conflicted_assignment() RETURNS trigger AS $$
    BEGIN
        {PAIR_LOCK.format(e="NEW.expert_id", n="NEW.nomination_id")}
        IF EXISTS (SELECT 1 FROM review_conflict
                   WHERE expert_id = NEW.expert_id AND nomination_id = NEW.nomination_id) THEN
            RAISE EXCEPTION 'conflicted pair: expert % has a conflict of interest with nomination %; no assignment',
                NEW.expert_id, NEW.nomination_id USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER review_assignment_no_conflict
    BEFORE INSERT OR UPDATE OF expert_id, nomination_id ON review_assignment
    FOR EACH ROW EXECUTE FUNCTION review_refuse_conflicted_assignment();
    """,
    f"""
    CREATE OR REPLACE FUNCTION review_refuse_conflicted_review() RETURNS trigger AS $$
    DECLARE
        pair_expert bigint;
        pair_nomination bigint;
    BEGIN
        SELECT expert_id, nomination_id INTO pair_expert, pair_nomination
        FROM review_assignment WHERE id = NEW.assignment_id;
        IF FOUND THEN
            {PAIR_LOCK.format(e="pair_expert", n="pair_nomination")}
            IF EXISTS (SELECT 1 FROM review_conflict
                       WHERE expert_id = pair_expert AND nomination_id = pair_nomination) THEN
                RAISE EXCEPTION 'conflicted pair: expert % has a conflict of interest with nomination %; no review',
                    pair_expert, pair_nomination USING ERRCODE = '23000';
            END IF;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER review_review_no_conflict
    BEFORE INSERT OR UPDATE OF assignment_id ON review_review
    FOR EACH ROW EXECUTE FUNCTION review_refuse_conflicted_review();
    """,
    f"""
    CREATE OR REPLACE FUNCTION review_refuse_conflict_while_assigned() RETURNS trigger AS $$
    BEGIN
        {PAIR_LOCK.format(e="NEW.expert_id", n="NEW.nomination_id")}
        IF EXISTS (SELECT 1 FROM review_assignment
                   WHERE expert_id = NEW.expert_id AND nomination_id = NEW.nomination_id) THEN
            RAISE EXCEPTION 'conflicted pair: expert % is assigned to nomination %; remove the assignment first',
                NEW.expert_id, NEW.nomination_id USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER review_conflict_not_while_assigned
    BEFORE INSERT OR UPDATE OF expert_id, nomination_id ON review_conflict
    FOR EACH ROW EXECUTE FUNCTION review_refuse_conflict_while_assigned();
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS review_conflict_not_while_assigned ON review_conflict;",
    "DROP FUNCTION IF EXISTS review_refuse_conflict_while_assigned();",
    "DROP TRIGGER IF EXISTS review_review_no_conflict ON review_review;",
    "DROP FUNCTION IF EXISTS review_refuse_conflicted_review();",
    "DROP TRIGGER IF EXISTS review_assignment_no_conflict ON review_assignment;",
    "DROP FUNCTION IF EXISTS review_refuse_conflicted_assignment();",
]


def _sqlite_trigger(name: str, event: str, table: str, condition: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )


_ASSIGNMENT_CONFLICTED = (
    "EXISTS (SELECT 1 FROM review_conflict WHERE expert_id = NEW.expert_id "
    "AND nomination_id = NEW.nomination_id)"
)
_REVIEW_CONFLICTED = (
    "EXISTS (SELECT 1 FROM review_assignment AS a JOIN review_conflict AS c "
    "ON c.expert_id = a.expert_id AND c.nomination_id = a.nomination_id "
    "WHERE a.id = NEW.assignment_id)"
)
_CONFLICT_ASSIGNED = (
    "EXISTS (SELECT 1 FROM review_assignment WHERE expert_id = NEW.expert_id "
    "AND nomination_id = NEW.nomination_id)"
)
_NO_ASSIGNMENT = "conflicted pair: the expert has a conflict of interest; no assignment"
_NO_REVIEW = "conflicted pair: the expert has a conflict of interest; no review"
_NOT_WHILE_ASSIGNED = "conflicted pair: the expert is assigned; remove the assignment first"

SQLITE_TRIGGERS = [
    (
        "review_assignment_no_conflict_insert",
        "INSERT",
        "review_assignment",
        _ASSIGNMENT_CONFLICTED,
        _NO_ASSIGNMENT,
    ),
    (
        "review_assignment_no_conflict_update",
        "UPDATE OF expert_id, nomination_id",
        "review_assignment",
        _ASSIGNMENT_CONFLICTED,
        _NO_ASSIGNMENT,
    ),
    ("review_review_no_conflict_insert", "INSERT", "review_review", _REVIEW_CONFLICTED, _NO_REVIEW),
    (
        "review_review_no_conflict_update",
        "UPDATE OF assignment_id",
        "review_review",
        _REVIEW_CONFLICTED,
        _NO_REVIEW,
    ),
    (
        "review_conflict_not_while_assigned_insert",
        "INSERT",
        "review_conflict",
        _CONFLICT_ASSIGNED,
        _NOT_WHILE_ASSIGNED,
    ),
    (
        "review_conflict_not_while_assigned_update",
        "UPDATE OF expert_id, nomination_id",
        "review_conflict",
        _CONFLICT_ASSIGNED,
        _NOT_WHILE_ASSIGNED,
    ),
]


def _statements(vendor: str, forward: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_FORWARD if forward else POSTGRESQL_REVERSE
    if vendor == "sqlite":
        if forward:
            return [_sqlite_trigger(*trigger) for trigger in SQLITE_TRIGGERS]
        return [f"DROP TRIGGER IF EXISTS {trigger[0]};" for trigger in SQLITE_TRIGGERS]
    # The portal supports these two; another database would silently lose the rule.
    raise RuntimeError(f"No conflict triggers for the {vendor} database.")


def remove_conflicted_pairs(apps, schema_editor):
    """Pairs stored before the rule (by the admin or raw SQL) are made to follow it, as the
    conflict service would: the assignment and any review begun on it are removed, and an audit
    event keeps what the expert had entered. Returns how many were removed."""
    Assignment = apps.get_model("review", "Assignment")
    Conflict = apps.get_model("review", "Conflict")
    CriterionScore = apps.get_model("review", "CriterionScore")
    Review = apps.get_model("review", "Review")
    AuditEvent = apps.get_model("core", "AuditEvent")
    pairs = set(Conflict.objects.values_list("expert_id", "nomination_id"))
    if not pairs:
        return 0
    conflicted = [
        assignment
        for assignment in Assignment.objects.filter(
            expert_id__in={e for e, _n in pairs}, nomination_id__in={n for _e, n in pairs}
        ).order_by("pk")
        if (assignment.expert_id, assignment.nomination_id) in pairs
    ]
    for assignment in conflicted:
        review = Review.objects.filter(assignment_id=assignment.pk).first()
        record = None
        if review is not None:
            record = {
                "state": review.state,
                "confidence": review.confidence,
                "comment": review.comment,
                "submitted_at": review.submitted_at.isoformat() if review.submitted_at else None,
                "version": review.version,
                "scores": dict(
                    CriterionScore.objects.filter(review_id=review.pk).values_list(
                        "criterion__code", "score"
                    )
                ),
            }
        AuditEvent.objects.create(
            actor=None,
            action="review.assignment_removed_for_conflict",
            object_type="submissions.nomination",
            object_id=str(assignment.nomination_id),
            object_repr=str(assignment.nomination_id),
            details={
                "expert": assignment.expert_id,
                "nomination": assignment.nomination_id,
                "source": assignment.source,
                "review": record,
                "by": "migration review.0003",
            },
        )
        if review is not None:
            CriterionScore.objects.filter(review_id=review.pk).delete()
            review.delete()
        assignment.delete()
    return len(conflicted)


def create_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("review", "0002_committee_conflicts_assignments"),
    ]

    operations = [
        migrations.RunPython(remove_conflicted_pairs, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
